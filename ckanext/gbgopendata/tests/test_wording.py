"""Raw values and unclear wording (issue 20, item 7), in Swedish and in
English: places by name, one "continuously", the city's languages first,
open data starting at Offentlig, a checklist that says what is left, and
"will be private" only where a save changes it (test_publisher_form.py)."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from ckan import model
from ckan.lib import search
from ckan.tests import helpers

from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, confirm, draft, editor_items
from ckanext.gbgopendata.tests.helpers import dataset_fields, form_values
from ckanext.gbgopendata.tests.page_language import english_strings, swedish_strings

GOTEBORG = "http://sws.geonames.org/2711533"
NAMES = {"": "Göteborgs kommun", "/en": "Gothenburg Municipality"}
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"

pytestmark = pytest.mark.usefixtures("with_plugins")


def other_language(html: str, prefix: str) -> list[str]:
    return swedish_strings(html) if prefix else english_strings(html)


def _page(app, url, user) -> BeautifulSoup:
    response = app.get(url, headers={"Authorization": user["token"]})
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture
def placed(editor, organization):
    return helpers.call_action(
        "package_create", context={"user": editor["name"]}, name="trafikolyckor", owner_org=organization["id"],
        private=False, **dataset_fields(spatial_coverage=[{"uri": GOTEBORG}]),
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_place_is_shown_by_its_name_in_the_form_and_on_the_dataset_page(app, editor, placed, prefix):
    form = _page(app, f"{prefix}/dataset/edit/{placed['name']}", editor)
    field = form.select_one("#field-spatial_coverage-0-uri")
    assert field["value"] == NAMES[prefix]
    offered = [option["value"] for option in form.select(f"datalist#{field['list']} option")]
    assert NAMES[prefix] in offered and GOTEBORG not in offered
    label = form.select_one("label[for=field-spatial_coverage-0-uri]").get_text(strip=True)
    assert "Geonames" not in label and label.endswith({"": "Plats", "/en": "Place"}[prefix])

    page = _page(app, f"{prefix}/dataset/{placed['name']}", editor)
    text = " ".join(page.select_one("main, [role=main]").get_text(" ", strip=True).split())
    assert NAMES[prefix] in text
    assert "Geonames" not in text and "sws.geonames.org" not in text
    entry = page.find("dd", string=lambda value: value and NAMES[prefix] in value) or \
        page.find(string=lambda value: value and NAMES[prefix] in value).find_parent("dl")
    assert not other_language(str(entry.find_parent("dl")), prefix)


@pytest.mark.parametrize("typed", ["Göteborgs kommun", "gothenburg municipality", "https://sws.geonames.org/2711533/"])
def test_a_place_typed_by_its_name_or_uri_is_stored_as_its_uri(app, editor, placed, typed):
    form = _page(app, f"/dataset/edit/{placed['name']}", editor)
    fields = [(key, value) for key, value in form_values(form.select_one("form#dataset-edit"))
              if key != "spatial_coverage-0-uri"]
    form = MultiDict(fields + [("spatial_coverage-0-uri", typed), ("save", "")])
    response = app.post(f"/dataset/edit/{placed['name']}", data=form,
                        headers={"Authorization": editor["token"]}, follow_redirects=False)
    assert response.status_code == 302
    stored = helpers.call_action("package_show", id=placed["id"])
    assert stored["spatial_coverage"] == [{"uri": GOTEBORG}]


def test_an_unknown_place_name_is_refused_naming_the_field(app, editor, placed):
    with pytest.raises(Exception) as refused:
        helpers.call_action("package_patch", context={"user": editor["name"]}, id=placed["id"],
                            spatial_coverage=[{"uri": "Atlantis"}])
    assert "spatial_coverage" in str(refused.value.error_dict)
    assert "place of the list" in str(refused.value.error_dict)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_new_dataset_form_offers_one_continuously_the_citys_languages_first_and_starts_at_public(
        app, editor, organization, prefix):
    form = _page(app, f"{prefix}/dataset/new", editor)
    frequencies = [option["value"] for option in form.select("#field-frequency option")]
    assert FREQUENCY + "UPDATE_CONT" in frequencies and FREQUENCY + "CONT" not in frequencies
    labels = [option.get_text(strip=True) for option in form.select("#field-frequency option")]
    assert {"": "Uppdateras kontinuerligt", "/en": "Continuously updated"}[prefix] in labels
    assert not {"Kontinuerlig", "Continuous"} & set(labels)

    languages = [option["value"] for option in form.select("#field-language option") if option["value"]]
    assert languages[:2] == [LANGUAGE + "SWE", LANGUAGE + "ENG"]
    assert len(languages) == len(set(languages)) > 50

    selected = form.select_one("#field-access_rights option[selected]")
    assert selected is not None and selected["value"] == PUBLIC
    assert selected.get_text(strip=True) == {"": "Offentlig", "/en": "Public"}[prefix]


def test_a_continuous_frequency_from_the_api_is_stored_as_the_one_the_form_offers(editor, placed):
    stored = helpers.call_action("package_patch", context={"user": editor["name"]}, id=placed["id"],
                                 frequency=FREQUENCY + "CONT")
    assert stored["frequency"] == FREQUENCY + "UPDATE_CONT"


def test_a_dataset_stored_with_cont_reads_as_the_offered_value_and_is_selected_on_edit(app, editor, placed):
    # stored before the form offered one value (or harvested): CONT in the database
    helpers.call_action("package_patch", context={"user": editor["name"]}, id=placed["id"],
                        frequency=FREQUENCY + "UPDATE_CONT")
    pkg = model.Package.get(placed["id"])
    pkg.extras = {**dict(pkg.extras), "frequency": FREQUENCY + "CONT"}
    model.repo.commit()
    assert dict(model.Package.get(placed["id"]).extras)["frequency"] == FREQUENCY + "CONT"
    search.rebuild(placed["id"])  # package_show reads the index's copy
    shown = helpers.call_action("package_show", context={"user": editor["name"]}, id=placed["id"])
    assert shown["frequency"] == FREQUENCY + "UPDATE_CONT"
    form = _page(app, f"/dataset/edit/{placed['name']}", editor)
    selected = form.select_one("#field-frequency option[selected]")
    assert selected is not None and selected["value"] == FREQUENCY + "UPDATE_CONT"


@DEFAULT_CHECKLIST
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_checklist_says_what_is_left_to_do_and_counts_clearly(app, editor, organization, prefix):
    dataset = draft(editor, organization)
    confirm(editor, dataset["id"], editor_items()[:1])
    page = _page(app, f"{prefix}/dataset/{dataset['name']}/checklist", editor)
    text = " ".join(page.get_text(" ", strip=True).split())
    left = {"": "Kvar att göra innan datamängden kan publiceras:",
            "/en": "Left to do before the dataset can be published:"}[prefix]
    assert left in text
    assert "kan publiceras när följande är klart" not in text and "can be published when" not in text
    # times in local time without an offset, on either page
    assert page.select_one("#history .text-muted") and not re.search(r"\((UTC|[+-]\d{4})\)", text), text
    progress = [" ".join(item.get_text(" ", strip=True).split()) for item in page.select(".gbg-checklist-progress li")]
    counted = {"": "obligatoriska punkter klara (", "/en": "required items done ("}[prefix]
    assert progress and all(counted in line or {"": "punkter klara", "/en": "items done"}[prefix] in line
                            for line in progress), progress
    assert not any("klara (" in line and "obligatoriska)" in line for line in progress), progress
    assert not other_language(str(page.select_one(".gbg-checklist-progress")), prefix)
    assert not other_language(str(page.find(string=left.rstrip(":") + ":").parent), prefix)


@DEFAULT_CHECKLIST
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_overviews_columns_say_what_they_are(app, editor, organization, prefix):
    draft(editor, organization, name="klassad", **{"confidentiality_level": "0", "integrity_level": "1",
                                                   "availability_level": "2"})
    page = _page(app, f"{prefix}/organization/{organization['name']}/publicering", editor)
    head = page.select_one("table.gbg-overview thead")
    groups = [" ".join(th.get_text(" ", strip=True).split()) for th in head.select("th[scope=colgroup]")]
    assert groups == {"": ["Klassning (nivå 0–2)", "Checklista: klara punkter per fas"],
                      "/en": ["Classification (level 0–2)", "Checklist: items done per phase"]}[prefix]
    abbreviations = [(abbr.get_text(strip=True), abbr["title"]) for abbr in head.select("abbr")]
    assert abbreviations == {
        "": [("K", "Konfidentialitet"), ("R", "Riktighet"), ("T", "Tillgänglighet"),
             ("A", "A. Identifiera och prioritera"), ("B", "B. Förbered publicering"), ("C", "C. Lansera och förvalta")],
        "/en": [("C", "Confidentiality"), ("I", "Integrity"), ("A", "Availability"),
                ("A", "A. Identify and prioritise"), ("B", "B. Prepare the publication"), ("C", "C. Launch and maintain")],
    }[prefix]
    row = page.select_one("tr[data-dataset=klassad]")
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[1:4] == ["0", "1", "2"]
    # every row as wide as the header
    assert len(cells) == sum(int(th.get("colspan", 1)) for th in head.select("tr")[0].select("th"))
    assert not other_language(str(head), prefix)

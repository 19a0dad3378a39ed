"""What the publisher sees of a dataset's metadata quality (issue 19, item 3):
the panel on the dataset form, on the dataset page (for those who may edit
it, not for the public or the organisation's members) and on the checklist
page, in Swedish and English; the form's live preview
(`POST /dataset/kvalitet/forhandsgranska`); the checklist item "The metadata
quality is at least Good" and `ckanext.gbgopendata.quality_min_rating`."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata import settings
from ckanext.gbgopendata.tests.checklist_helpers import complete_metadata
from ckanext.gbgopendata.tests.helpers import organization_member, resource_fields
from ckanext.gbgopendata.tests.test_dcat_kept import reconfigured  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("with_plugins")

PREVIEW = "/dataset/kvalitet/forhandsgranska"
THEME_TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"


@pytest.fixture
def dataset(editor, organization):
    return ckan_helpers.call_action(
        "package_create",
        context={"user": editor["name"]},
        name="parkering-kvalitet",
        owner_org=organization["id"],
        private=True,
        **complete_metadata(resources=[resource_fields(name="Platser")]),
    )


def _page(app, url, user=None, status=200):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, headers=headers, status=status)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _panel(page):
    return page.select_one("section#quality")


def _scores(panel) -> dict[str, str]:
    return {li["data-variant"]: li.get_text(" ", strip=True) for li in panel.select(".gbgopendata-quality-scores li")}


def _headings(page) -> list[int]:
    return [int(heading.name[1]) for heading in page.select("h1, h2, h3, h4, h5, h6")]


# --- the panel on the form, the dataset page and the checklist page --------------------------


def test_the_edit_form_shows_both_scores_the_dimensions_and_what_raises_the_score_in_swedish(app, editor, dataset):
    page = _page(app, f"/dataset/edit/{dataset['name']}", editor)
    panel = _panel(page)
    scores = _scores(panel)
    assert scores["eu"].startswith("data.europa.eu:") and " av 405 – " in scores["eu"]
    assert scores["se"].startswith("Sveriges dataportal:") and " av 375 – " in scores["se"]
    assert [h.get_text(strip=True) for h in panel.select("h2, h3")] == [
        "Metadatakvalitet", "Poäng per dimension", "Det här höjer poängen", "Länkar",
    ]
    assert len(panel.select(".gbgopendata-quality-dimensions tbody tr")) == 5
    improvements = panel.select(".gbgopendata-quality-improvements li")
    gains = [int(li.get_text().split("+")[1].split()[0]) for li in improvements]
    assert gains == sorted(gains, reverse=True) and gains
    keyword = panel.select_one("li[data-field=tags_translated] a")
    # on the form, an anchor to the keyword field's Swedish input, which the form has
    assert keyword["href"] == "#field-tags_translated-sv"
    assert page.select_one("#field-tags_translated-sv") is not None
    assert keyword.get_text(strip=True) == "Fält: Nyckelord"
    # a distribution's field: its own edit page
    download = panel.select_one("li[data-field='resources.download_url'] a")
    resource_id = dataset["resources"][0]["id"]
    assert download["href"] == f"/dataset/{dataset['name']}/resource/{resource_id}/edit#field-download_url"
    # a link never checked is said so, never guessed
    assert "inte kontrollerad ännu" in panel.select_one(".gbgopendata-quality-links").get_text()
    assert "inte kontrollerad ännu" in panel.select_one("li[data-field='resources.url']").get_text()


def test_the_panel_is_in_english_on_the_english_form(app, editor, dataset):
    panel = _panel(_page(app, f"/en/dataset/edit/{dataset['name']}", editor))
    text = panel.get_text(" ", strip=True)
    assert "What raises the score" in text and "Points per dimension" in text and "not checked yet" in text
    assert " of 405 – " in _scores(panel)["eu"]
    assert "Det här höjer" not in text and "inte kontrollerad" not in text


def test_the_new_dataset_form_asks_for_the_live_score_without_a_stored_one(app, editor, organization):
    panel = _panel(_page(app, "/dataset/new", editor))
    region = panel.select_one("[aria-live=polite]")
    assert region["data-gbgopendata-quality-preview"] == PREVIEW
    assert region["data-gbgopendata-quality-id"] == ""
    assert panel.select_one(".gbgopendata-quality-pending") is not None


def test_the_dataset_page_shows_the_panel_to_its_editors_linking_to_the_edit_form(app, editor, dataset):
    page = _page(app, f"/dataset/{dataset['name']}", editor)
    panel = _panel(page)
    assert "Det här höjer poängen" in panel.get_text()
    keyword = panel.select_one("li[data-field=tags_translated] a")
    assert keyword["href"] == f"/dataset/edit/{dataset['name']}#field-tags_translated-sv"
    levels = _headings(page)
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:])), levels


def test_the_dataset_page_shows_no_panel_to_members_or_the_public(app, editor, organization, dataset):
    ckan_helpers.call_action("package_patch", context={"user": editor["name"]}, id=dataset["id"], private=False)
    member = organization_member(organization, "member")
    assert _panel(_page(app, f"/dataset/{dataset['name']}", member)) is None
    assert _panel(_page(app, f"/dataset/{dataset['name']}")) is None
    assert _panel(_page(app, f"/en/dataset/{dataset['name']}")) is None


def test_the_checklist_page_shows_the_panel_in_both_languages(app, editor, dataset):
    sv = _panel(_page(app, f"/dataset/{dataset['name']}/checklist", editor))
    en = _panel(_page(app, f"/en/dataset/{dataset['name']}/checklist", editor))
    assert "Det här höjer poängen" in sv.get_text() and "What raises the score" in en.get_text()
    link = sv.select_one("li[data-field=tags_translated] a")
    assert link["href"] == f"/dataset/edit/{dataset['name']}#field-tags_translated-sv"


# --- the live preview --------------------------------------------------------------------------


def _preview(app, user, data, status=200, lang=""):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.post(f"{lang}{PREVIEW}", data=data, headers=headers, status=status)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _improvement_fields(fragment) -> list[str]:
    return [li["data-field"] for li in fragment.select(".gbgopendata-quality-improvements li")]


def test_the_preview_scores_the_form_as_filled_in_without_saving(app, editor, dataset):
    form = {"id": dataset["id"], "title_translated-sv": "Parkering", "tags_translated-sv": "", "theme": ""}
    before = _preview(app, editor, form)
    assert "tags_translated" in _improvement_fields(before) and "theme" in _improvement_fields(before)
    after = _preview(app, editor, {**form, "tags_translated-sv": "parkering", "theme": THEME_TRAN})
    assert "tags_translated" not in _improvement_fields(after) and "theme" not in _improvement_fields(after)
    total = lambda fragment: int(fragment.select_one("li[data-variant=eu]")["data-total"])  # noqa: E731
    assert total(after) > total(before)
    assert before.select_one("li[data-field=tags_translated] a")["href"] == "#field-tags_translated-sv"
    assert not ckan_helpers.call_action("package_show", id=dataset["id"]).get("theme")  # nothing saved
    english = _preview(app, editor, form, lang="/en")
    assert "What raises the score" in english.get_text()


def test_the_preview_of_a_new_dataset_takes_its_organisation_from_the_form(app, editor, organization):
    fragment = _preview(app, editor, {"owner_org": organization["id"], "tags_translated-sv": "buss"})
    assert "tags_translated" not in _improvement_fields(fragment)
    assert "theme" in _improvement_fields(fragment)


def test_the_preview_is_refused_to_whoever_may_not_edit_the_dataset(app, organization, dataset):
    member = organization_member(organization, "member")
    refused = _preview(app, member, {"id": dataset["id"]}, status=403)
    assert refused.select_one(".gbgopendata-quality-refused") and not refused.select(".gbgopendata-quality-scores")
    assert _preview(app, member, {"owner_org": organization["id"]}, status=403).select_one(".gbgopendata-quality-refused")
    # a dataset the visitor may not know of is not found, as a missing one
    hidden = _preview(app, member, {"id": dataset["id"]}, status=403)
    missing = _preview(app, member, {"id": "no-such-dataset"}, status=404)
    assert hidden.select_one("h2") and missing.select_one("h2")


def test_the_preview_refuses_anonymous_visitors(app, organization):
    refused = _preview(app, None, {"owner_org": organization["id"]}, status=403)
    assert refused.select_one(".gbgopendata-quality-refused") and not refused.select(".gbgopendata-quality-scores")


@pytest.mark.parametrize(
    "form",
    [
        {},  # neither a dataset nor an organisation
        {"id": ["a", "b"]},  # the dataset named twice
        {"owner_org": ["a", "b"]},
        {"id": "x" * 5000},
        {"id": "a\x00b"},
        {"contact-0-email": "not an address", "owner_org": "nowhere"},
        {"theme": ["not a theme", THEME_TRAN], "temporal_start": "yesterday"},
    ],
)
def test_bad_input_to_the_preview_is_answered_without_a_server_error(app, editor, organization, form):
    data = {key: value for key, value in form.items()}
    if "theme" in data:
        data["owner_org"] = organization["id"]
    response = app.post(PREVIEW, data=data, headers={"Authorization": editor["token"]}, status=None)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]


# --- the checklist item and the setting ---------------------------------------------------------


def _store_ratings(package_id: str, eu: str, se: str) -> None:
    """The kept score's row as the rebuild leaves it (quality/kept.py)."""
    import datetime

    from ckan import model

    model.Session.execute(gbg_model.quality.delete().where(gbg_model.quality.c.package_id == package_id))
    model.Session.execute(
        gbg_model.quality.insert().values(
            package_id=package_id, stamp="test", eu_total=0, se_total=0, eu_rating=eu, se_rating=se,
            result={}, urls=[], built_at=datetime.datetime.utcnow(),
        )
    )
    model.Session.commit()


def _quality_item(user, dataset_id, lang="sv"):
    shown = ckan_helpers.call_action("gbg_checklist_show", context={"user": user["name"]}, id=dataset_id)
    return next(item for item in shown["items"] if item["id"] == "quality")


def test_the_quality_item_is_recommended_and_not_done_before_the_dataset_is_assessed(app, editor, dataset, reconfigured):  # noqa: F811
    reconfigured(**{"ckanext.gbgopendata.checklist_file": ""})
    item = _quality_item(editor, dataset["id"])
    assert item["required"] is False and item["done"] is False
    assert [missing["field"] for missing in item["missing"]] == ["quality"]
    assert "not been assessed yet" in item["missing"][0]["message"] or "inte bedömts" in item["missing"][0]["message"]
    page = _page(app, f"/dataset/{dataset['name']}/checklist", editor)
    text = page.select_one("#item-quality").get_text(" ", strip=True)
    assert "Kvaliteten är minst Bra." in text and "Metadatakvaliteten har inte bedömts ännu." in text
    assert page.select_one("#item-quality a[href='#quality']") is not None


def test_the_quality_item_is_done_at_good_in_both_variants(editor, dataset, reconfigured):  # noqa: F811
    reconfigured(**{"ckanext.gbgopendata.checklist_file": ""})
    _store_ratings(dataset["id"], "good", "excellent")
    assert _quality_item(editor, dataset["id"])["done"] is True
    _store_ratings(dataset["id"], "sufficient", "good")
    item = _quality_item(editor, dataset["id"])
    assert item["done"] is False
    assert len(item["missing"]) == 1 and "data.europa.eu" in item["missing"][0]["message"]


def test_quality_min_rating_makes_the_item_required_at_that_rating(editor, dataset, reconfigured):  # noqa: F811
    reconfigured(**{"ckanext.gbgopendata.checklist_file": "", settings.QUALITY_MIN_RATING: "excellent"})
    _store_ratings(dataset["id"], "good", "excellent")
    item = _quality_item(editor, dataset["id"])
    assert item["required"] is True and item["done"] is False
    assert "Sveriges dataportal" not in item["missing"][0]["message"]
    shown = ckan_helpers.call_action("gbg_checklist_show", context={"user": editor["name"]}, id=dataset["id"])
    assert any("quality" in str(blocker) or "kvalitet" in str(blocker).lower() for blocker in shown["blockers"])
    reconfigured(**{settings.QUALITY_MIN_RATING: "sufficient"})
    assert _quality_item(editor, dataset["id"])["done"] is True

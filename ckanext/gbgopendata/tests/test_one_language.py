"""One language per page where issue 20's walk went: the about page, the
activity streams, the organisation list and the dashboard, a dataset's
groups, the distribution and organisation forms and the publishing overview,
in Swedish with no English UI string and in English with no Swedish one nor
the organisation's Swedish name and description (tests/page_language.py);
and the dataset form speaking DIGG's terms (datamängd, distribution)."""
from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.helpers import dataset_fields, organization_fields, organization_member, resource_fields

pytestmark = pytest.mark.usefixtures("with_plugins")

ORGANIZATION_SV = "Trafikkontoret sköter stadens gator och trafik."
ORGANIZATION_EN = "The Urban Transport Administration runs the streets and traffic of the city."
SWEDISH_CONTENT = ("Trafikkontoret", ORGANIZATION_SV, "Cykelräkningar", "Antal cyklister per dag.")


@pytest.fixture
def walk(clean_db, clean_index):
    """A public dataset with a distribution, updated once (the activity
    streams have "created" and "updated"), its organisation's editor and
    admin, and a sysadmin."""
    organization = factories.Organization(
        name="trafikkontoret",
        **organization_fields(description_translated={"sv": ORGANIZATION_SV, "en": ORGANIZATION_EN}),
    )
    editor = organization_member(organization, "editor", about="")  # no random English text on the profile
    admin = organization_member(organization, "admin")
    dataset = factories.Dataset(
        owner_org=organization["id"],
        **dataset_fields(
            name="cykelrakningar",
            title_translated={"sv": "Cykelräkningar", "en": "Bicycle counts"},
            notes_translated={"sv": "Antal cyklister per dag.", "en": "Cyclists per day."},
        ),
    )
    factories.Resource(package_id=dataset["id"], **resource_fields(
        name_translated={"sv": "Räkningar", "en": "Counts"}, description_translated={"sv": "", "en": ""}
    ))
    ckan_helpers.call_action(
        "package_patch", context={"user": editor["name"]}, id=dataset["id"],
        notes_translated={"sv": "Antal cyklister per dag.", "en": "Cyclists per day."},
    )
    return {
        "dataset": dataset, "organization": organization, "editor": editor, "admin": admin,
        "sysadmin": factories.SysadminWithToken(),
    }


def _pages(walk):
    name, org = walk["dataset"]["name"], walk["organization"]["name"]
    return [
        # (path, who, expected status)
        ("/about", None, 200),
        ("/organization/", None, 200),
        ("/dataset/activity/" + name, None, 200),
        ("/organization/activity/" + org, None, 200),
        ("/dashboard/", "editor", 200),
        ("/dashboard/organizations", "editor", 200),
        ("/dataset/groups/" + name, "editor", 200),
        (f"/dataset/{name}/resource/new", "editor", 200),
        ("/organization/edit/" + org, "admin", 200),
        ("/organization/new", "sysadmin", 200),
        (f"/organization/{org}/publicering", "editor", 200),
        ("/organization/about/" + org, None, 200),
        ("/organization/members/" + org, "admin", 200),
        ("/organization/bulk_process/" + org, "admin", 200),
        ("/user/" + walk["editor"]["name"], "editor", 200),
        ("/dashboard/datasets", "editor", 200),
    ]


def _get(app, walk, path, who, status):
    headers = {"Authorization": walk[who]["token"]} if who else {}
    return app.get(path, headers=headers, status=status).body


def test_swedish_pages_of_the_walk_show_no_english(app, walk):
    found = {}
    for path, who, status in _pages(walk):
        english = page_language.english_strings(_get(app, walk, path, who, status))
        if english:
            found[path] = sorted(set(english))
    assert not found, "\n".join(f"{path}: {texts}" for path, texts in found.items())


def test_english_pages_of_the_walk_show_no_swedish(app, walk):
    found = {}
    for path, who, status in _pages(walk):
        # An organisation form shows the Swedish name in its field and as an example.
        also = () if path.startswith(("/organization/edit/", "/organization/new")) else SWEDISH_CONTENT
        swedish = page_language.swedish_strings(_get(app, walk, "/en" + path, who, status), also=also)
        if swedish:
            found[path] = sorted(set(swedish))
    assert not found, "\n".join(f"{path}: {texts}" for path, texts in found.items())


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_texts_the_detector_does_not_see_are_in_the_pages_language(app, walk, lang):
    """A member count ("4 Members", one word and a number), an address as a
    placeholder, a term in parentheses in a Swedish help text."""
    prefix = "" if lang == "sv" else "/en"
    organizations = _get(app, walk, prefix + "/organization/", None, 200)
    assert ("3 medlemmar" if lang == "sv" else "3 Members") in organizations
    assert ("3 Members" if lang == "sv" else "3 medlemmar") not in organizations
    form = _get(app, walk, f"{prefix}/dataset/{walk['dataset']['name']}/resource/new", "editor", 200)
    assert 'placeholder="https://goteborg.se/opendata/cykelrakningar.csv"' in form
    assert "example.com" not in form
    organization_form = _get(app, walk, prefix + "/organization/new", "sysadmin", 200)
    assert ("Local authority" in organization_form) == (lang == "en")
    # CKAN's explanation of organisations, in the city's words (no "CKAN-organisationer").
    assert ("förvaltning eller ett bolag" if lang == "sv" else "department or company") in organizations
    assert "CKAN" not in organizations.split('id="content"')[1].split("<footer")[0]
    about = _get(app, walk, prefix + "/about", None, 200)
    assert ("Om portalen" if lang == "sv" else "About the portal") in about
    assert "CKAN is the world" not in about and "support.digitalakanaler@goteborg.se" in about


def test_the_publishing_overview_names_the_organisation_in_the_pages_language(app, walk):
    path = f"/organization/{walk['organization']['name']}/publicering"
    english = _get(app, walk, "/en" + path, "editor", 200)
    assert "Urban Transport Administration" in english and ORGANIZATION_EN in english
    assert ORGANIZATION_SV not in english
    swedish = _get(app, walk, path, "editor", 200)
    assert ORGANIZATION_SV in swedish and ORGANIZATION_EN not in swedish


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_activity_stream_names_the_dataset_in_the_pages_language(app, walk, lang):
    html = _get(app, walk, ("" if lang == "sv" else "/en") + f"/dataset/activity/{walk['dataset']['name']}", None, 200)
    assert ("uppdaterade datamängden" if lang == "sv" else "updated the dataset") in html
    assert ("Cykelräkningar" if lang == "sv" else "Bicycle counts") in html
    assert ("Ändrad datamängd" if lang == "sv" else "Changed dataset") in html


def _texts_outside_lists(html, lang):
    """The page's texts without the options of its lists (vocabulary labels
    such as the EU's "Energiresurser", which are not the form's words)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for choices in soup("select"):
        choices.decompose()
    return page_language.visible_texts(str(soup), lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_forms_speak_of_datasets_and_distributions(app, walk, lang):
    """DIGG's terms: datamängd and distribution in Swedish, dataset and
    distribution in English; not CKAN's "resurs"/"dataset"/"data" (Swedish)
    nor "resource" (English) for the same things."""
    name = walk["dataset"]["name"]
    resource = ckan_helpers.call_action("package_show", id=name)["resources"][0]["id"]
    prefix = "" if lang == "sv" else "/en"
    other_words = r"\bresurs|\bdataset\b|^Lägg till data$" if lang == "sv" else r"\bresources?\b"
    import re

    found = {}
    pages = ["/dataset/new", f"/dataset/edit/{name}", f"/dataset/{name}/resource/new",
             f"/dataset/{name}/resource/{resource}/edit", f"/dataset/{name}", f"/dataset/{name}/resource/{resource}",
             f"/dataset/resources/{name}", "/dashboard/datasets"]
    for path in pages:
        texts = [text for text in _texts_outside_lists(_get(app, walk, prefix + path, "editor", 200), lang)
                 if re.search(other_words, text, re.IGNORECASE)]
        if texts:
            found[path] = sorted(set(texts))
    assert not found, "\n".join(f"{path}: {texts}" for path, texts in found.items())
    new_distribution = _get(app, walk, f"{prefix}/dataset/{name}/resource/new", "editor", 200)
    assert ("Vad är en distribution?" if lang == "sv" else "What is a distribution?") in new_distribution
    assert "Nu resurs" not in new_distribution
    new_dataset = _get(app, walk, prefix + "/dataset/new", "editor", 200)
    assert ("Vad är en datamängd?" if lang == "sv" else "What is a dataset?") in new_dataset
    assert "dataresurser" not in new_dataset and "CKAN Dataset" not in new_dataset

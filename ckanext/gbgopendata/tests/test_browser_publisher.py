"""Issue 12's walk in Debian's chromium: the publisher's path in Swedish on a
server configured as the demo portal. A dataset with two distributions,
optional fields left empty; level 1 chosen and explained at once; level 0,
the checklist and publication; the dataset read by a visitor in Swedish and
English; confidentiality raised and the publisher told. Every page it visits
is checked for HTTP 500s (the live server's log), for the other language
(tests/page_language.py) and for raw values (dicts, vocabulary URIs), and
screenshots of every step are kept as test artifacts."""
from __future__ import annotations

import re

import pytest
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.browser import PASSWORD, trafikkontoret_publishers
from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, admin_items, editor_items

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]

TITLE_SV, TITLE_EN = "Laddplatser för elbilar", "Charging points for electric cars"
NOTES_SV = "Kommunens laddplatser för elbilar med effekt och kontakttyp."
NOTES_EN = "The city's charging points for electric cars with power and connector type."
DISTRIBUTIONS = [
    ("Laddplatser (CSV)", "Charging points (CSV)", "https://goteborg.se/opendata/laddplatser.csv", "text/csv"),
    ("Laddplatser (GeoJSON)", "Charging points (GeoJSON)", "https://goteborg.se/opendata/laddplatser.geojson",
     "application/geo+json"),
]
SWEDISH_CONTENT = (TITLE_SV, NOTES_SV, DISTRIBUTIONS[0][0], DISTRIBUTIONS[1][0])
# Values that must be shown as labels, never as what is stored.
RAW = re.compile(r"\{'(sv|en)'|\{\"(sv|en)\"|\[\{|https?://publications\.europa\.eu/resource/authority|https?://purl\.org/adms")


@pytest.fixture
def live_server(portal_server):
    return portal_server


def _check(browser, lang, step, also=()):
    """The page has no 5xx (checked on every load), no string of the other
    language, no raw value; and a screenshot."""
    browser.screenshot(step)
    html = browser.driver.page_source
    if lang == "sv":
        other = page_language.english_strings(html)
    else:
        other = page_language.swedish_strings(html, also=also)
    assert other == [], f"{step}: {'English' if lang == 'sv' else 'Swedish'} on the page: {other}"
    raw = RAW.findall(browser.visible_text())
    assert raw == [], f"{step}: raw values shown: {raw}"


def test_the_publishers_path_in_swedish(live_server, new_browser, organization):
    editor, admin = trafikkontoret_publishers(organization)

    visitor = new_browser("besokare")
    visitor.goto("/")
    _check(visitor, "sv", "home-sv")
    assert "Göteborgs Stads öppna data" in visitor.visible_text()
    visitor.goto("/en/")
    _check(visitor, "en", "home-en")

    browser = new_browser("redaktor")
    browser.login(editor["name"], PASSWORD)
    browser.goto("/en/dataset/new")
    browser.wait_for("form#dataset-edit")
    assert "Title (Swedish)" in browser.visible_text()
    _check(browser, "en", "dataset-form-en")
    browser.goto("/dataset/new")
    browser.wait_for("form#dataset-edit")
    browser.fill("#field-title_translated-sv", TITLE_SV)
    browser.fill("#field-title_translated-en", TITLE_EN)
    browser.fill("#field-notes_translated-sv", NOTES_SV)
    browser.fill("#field-notes_translated-en", NOTES_EN)
    browser.fill("#field-contact-0-name", "Trafikkontoret, öppna data")
    browser.fill("#field-contact-0-email", "opendata@trafikkontoret.goteborg.se")
    browser.check("#field-confidentiality_level-1")
    browser.check("#field-integrity_level-1")
    browser.check("#field-availability_level-1")
    # Level 1 is explained at once, next to the field.
    note = browser.find("#field-confidentiality_level-note")
    assert note.is_displayed() and "När du sparar blir datamängden privat." in note.text, note.text
    _check(browser, "sv", "dataset-form-level-1")
    browser.check("#field-confidentiality_level-0")
    _check(browser, "sv", "dataset-form")
    browser.click("form#dataset-edit button[name=save]")
    browser.wait_for("form#resource-edit")

    for index, (name_sv, name_en, url, media_type) in enumerate(DISTRIBUTIONS):
        link = [button for button in browser.find_all("#resource-link-button") if button.is_displayed()]
        if link:
            link[0].click()
        browser.fill("#field-resource-url", url)
        browser.fill("#field-format", media_type)
        browser.fill("#field-name_translated-sv", name_sv)
        browser.fill("#field-name_translated-en", name_en)
        _check(browser, "sv", f"distribution-form-{index + 1}")
        last = index == len(DISTRIBUTIONS) - 1
        browser.click(f"form#resource-edit button[name=save][value={'go-metadata' if last else 'again'}]")
        if not last:
            browser.wait_for("form#resource-edit")

    browser.wait_for("form.gbg-checklist")
    name = browser.path.split("/")[2]
    _check(browser, "sv", "checklist")
    for item_id in editor_items():
        browser.check(f"#confirm-{item_id}")
    browser.click("form.gbg-checklist button[name=save]")

    owner = new_browser("informationsagare")
    owner.login(admin["name"], PASSWORD)
    owner.goto(f"/dataset/{name}/checklist")
    for item_id in admin_items():
        owner.check(f"#confirm-{item_id}")
    owner.click("form.gbg-checklist button[name=save]")
    owner.click("#publish")
    assert "Datamängden är nu offentlig." in owner.visible_text()
    _check(owner, "sv", "published")

    # The visitor reads it in both languages.
    visitor.goto(f"/dataset/{name}")
    text = visitor.visible_text()
    assert TITLE_SV in text and NOTES_SV in text and "Laddplatser (GeoJSON)" in text
    _check(visitor, "sv", "dataset-sv")
    visitor.goto(f"/en/dataset/{name}")
    text = visitor.visible_text()
    assert TITLE_EN in text and NOTES_EN in text and "Charging points (GeoJSON)" in text
    _check(visitor, "en", "dataset-en", also=SWEDISH_CONTENT)
    dataset = ckan_helpers.call_action("package_show", context={"ignore_auth": True}, id=name)
    resource = dataset["resources"][0]
    # Optional fields left empty are not stored as empty entries, nor shown.
    assert not dataset.get("spatial_coverage") and len(dataset["contact"]) == 1
    visitor.goto(f"/dataset/{name}/resource/{resource['id']}")
    _check(visitor, "sv", "distribution-sv")
    visitor.goto(f"/en/dataset/{name}/resource/{resource['id']}")
    _check(visitor, "en", "distribution-en", also=SWEDISH_CONTENT)

    # Raising confidentiality makes it private, and the publisher is told.
    browser.goto(f"/dataset/edit/{name}")
    browser.check("#field-confidentiality_level-1")
    browser.click("form#dataset-edit button[name=save]")
    text = browser.visible_text()
    assert "Datamängden har gjorts privat" in text, text[:2000]
    _check(browser, "sv", "raised-to-level-1")
    assert ckan_helpers.call_action("package_show", context={"ignore_auth": True}, id=name)["private"] is True
    visitor.goto(f"/dataset/{name}")
    assert TITLE_SV not in visitor.visible_text()

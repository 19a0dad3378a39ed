"""Issue 11's walk in Debian's chromium against a server configured as the
demo portal (the city's default checklist): an editor creates a dataset and
completes the editor's items, the organisation's admin confirms the
approval and publishes, and an anonymous visitor then finds the dataset.
Screenshots of every step are kept as test artifacts."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from ckanext.gbgopendata.tests.browser import PASSWORD, trafikkontoret_publishers
from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, editor_items

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]

TITLE_SV = "Gång- och cykelbanor"


@pytest.fixture
def live_server(portal_server):
    # The browsers of this module talk to a server with the portal's checklist.
    return portal_server


def test_an_editor_and_the_admin_take_a_new_dataset_from_draft_to_public(live_server, new_browser, organization):
    editor, admin = trafikkontoret_publishers(organization)

    # --- the editor creates the dataset ---------------------------------------------
    browser = new_browser("redaktor")
    browser.login(editor["name"], PASSWORD)
    browser.goto("/dataset/new")
    browser.wait_for("form#dataset-edit")
    browser.fill("#field-title_translated-sv", TITLE_SV)
    browser.fill("#field-title_translated-en", "Walking and cycling paths")
    # the address is the portal's, made from the Swedish title (not shown: below, the path)
    browser.fill("#field-notes_translated-sv", "Kommunens gång- och cykelbanor med belysning och beläggning.")
    browser.fill("#field-notes_translated-en", "The city's walking and cycling paths with lighting and surface.")
    browser.fill("#field-contact-0-name", "Trafikkontoret, öppna data")
    browser.fill("#field-contact-0-email", "opendata@trafikkontoret.goteborg.se")
    for aspect in ("confidentiality", "integrity", "availability"):
        browser.check(f"#field-{aspect}_level-0")
    assert Select(browser.find("#field-private")).first_selected_option.get_attribute("value") == "True"
    browser.screenshot("dataset-form")
    browser.click("form#dataset-edit button[name=save]")
    browser.wait_for("form#resource-edit")
    browser.screenshot("distribution-form")

    link = browser.driver.find_elements(By.CSS_SELECTOR, "#resource-link-button")
    if link and link[0].is_displayed():
        link[0].click()
    browser.fill("#field-resource-url", "https://goteborg.se/opendata/gang-och-cykelbanor.csv")
    browser.fill("#field-format", "text/csv")
    browser.fill("#field-name_translated-sv", "Gång- och cykelbanor (CSV)")
    browser.fill("#field-name_translated-en", "Walking and cycling paths (CSV)")
    browser.click("form#resource-edit button[name=save][value=go-metadata]")

    # The creation flow ends on the checklist.
    browser.wait_for("form.gbg-checklist")
    assert browser.path == "/dataset/gang-och-cykelbanor/checklist"
    text = browser.visible_text()
    assert "Datamängden är sparad. Den är privat tills den publiceras" in text
    assert "Utkast" in browser.find(".gbg-checklist-status").text
    assert not browser.find("#publish").is_enabled()
    browser.screenshot("checklist-new")

    for item_id in editor_items():
        browser.check(f"#confirm-{item_id}")
    browser.fill("#comment-tested", "Länken och CSV-filen testade i Excel och LibreOffice.")
    assert not browser.find("#confirm-owner_approval").is_enabled()  # the information owner's decision
    browser.click("form.gbg-checklist button[name=save]")
    browser.wait_for("form.gbg-checklist")
    assert "Checklistan har sparats." in browser.visible_text()
    blockers = browser.find(".gbg-blockers").text
    assert "Informationsägaren godkänner att datamängden publiceras som öppna data" in blockers
    assert not browser.find("#publish").is_enabled()
    browser.screenshot("checklist-editor-done")

    # Not public yet: an anonymous visitor does not find it.
    visitor = new_browser("besokare")
    visitor.goto("/dataset/?q=cykelbanor")
    assert TITLE_SV not in visitor.visible_text()

    # --- the organisation's admin approves and publishes ------------------------------
    owner = new_browser("informationsagare")
    owner.login(admin["name"], PASSWORD)
    owner.goto("/organization/trafikkontoret/publicering")
    row = owner.find("tr[data-dataset='gang-och-cykelbanor']")
    assert row.get_attribute("data-status") == "draft"
    owner.screenshot("overview-before")
    owner.goto("/dataset/gang-och-cykelbanor/checklist")
    owner.check("#confirm-owner_approval")
    owner.fill("#comment-owner_approval", "Beslut 2026-11-29, dnr 0123/26")
    owner.click("form.gbg-checklist button[name=save]")
    owner.wait_for("#publish")
    assert owner.find("#publish").is_enabled()
    assert "Redo att publicera" in owner.find(".gbg-checklist-status").text
    owner.screenshot("checklist-approved")
    owner.click("#publish")
    owner.wait_for(".gbg-checklist-status")
    assert "Datamängden är nu offentlig." in owner.visible_text()
    assert "Offentlig" in owner.find(".gbg-checklist-status").text
    history = owner.find("#history").text
    assert "Erik Informationsägare publicerade datamängden" in history
    assert "Anna Redaktör bekräftade" in history
    owner.screenshot("published")

    # --- the public finds it --------------------------------------------------------------
    visitor.goto("/dataset/?q=cykelbanor")
    assert TITLE_SV in visitor.visible_text()
    visitor.screenshot("search-finds-it")
    visitor.goto("/dataset/gang-och-cykelbanor")
    assert "Publiceringschecklista" not in visitor.visible_text()  # the checklist is not the public's
    visitor.goto("/dataset/gang-och-cykelbanor/checklist")
    assert "403" in visitor.visible_text()
    visitor.screenshot("checklist-refused-to-the-public")

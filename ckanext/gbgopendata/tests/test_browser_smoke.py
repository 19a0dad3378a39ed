"""The browser-test infrastructure end to end (tests/browser.py): a real CKAN
server process, Debian's chromium, CKAN's own login form, the Swedish
dataset form, screenshots as artifacts."""
from __future__ import annotations

import pytest

from ckanext.gbgopendata.tests.browser import PASSWORD
from ckanext.gbgopendata.tests.helpers import organization_member

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_editor_logs_in_and_gets_the_swedish_dataset_form(live_server, browser, organization):
    editor = organization_member(organization, "editor", password=PASSWORD, image_url="")

    browser.login(editor["name"], PASSWORD)
    browser.screenshot("logged-in")

    browser.goto("/dataset/new")
    browser.wait_for("form#dataset-edit")
    browser.screenshot("dataset-form")
    assert browser.path == "/dataset/new"
    text = browser.visible_text()
    assert "Skapa datamängd" in text, text[:3000]
    assert "Titel (svenska)" in text
    # The dataset's address is the portal's to give (from the title): not on the form.
    assert browser.find_all("#field-name") == []
    # The organisation the editor may publish for is offered.
    # (its options' text: CKAN 2.11 hides the select behind a script widget)
    assert "Trafikkontoret" in browser.find("#field-organizations").get_attribute("textContent")
    # The form is Swedish: CKAN's English headings are not there.
    assert "Create Dataset" not in text
    assert "Add data" not in text


def test_a_wrong_password_is_refused_in_swedish(live_server, browser, organization):
    editor = organization_member(organization, "editor", password=PASSWORD, image_url="")

    browser.submit_login(editor["name"], PASSWORD + "-fel")
    browser.screenshot("login-refused")

    assert not browser.logged_in()
    assert "/user/login" in browser.path
    text = browser.visible_text()
    assert "Inloggning misslyckades" in text, text[:3000]
    # Still anonymous: the dataset form is refused.
    browser.goto("/dataset/new")
    browser.screenshot("dataset-form-refused")
    assert "403 Åtkomst nekad" in browser.visible_text()

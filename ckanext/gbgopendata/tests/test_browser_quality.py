"""The metadata quality panel in Debian's chromium against a real server
(tests/browser.py): on the edit form the score follows the form as it is
filled in (a keyword typed, a theme chosen), the improvement done leaves the
list, and an improvement's link moves the focus to its field. Screenshots
of each step are kept as test artifacts."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from ckan.tests import helpers as ckan_helpers
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckanext.gbgopendata.tests.browser import PASSWORD
from ckanext.gbgopendata.tests.checklist_helpers import complete_metadata
from ckanext.gbgopendata.tests.helpers import organization_member, resource_fields

pytestmark = pytest.mark.usefixtures("with_plugins")

THEME_TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
LIVE_TIMEOUT = 15


def _eu_total(browser) -> int:
    return int(browser.find("#quality li[data-variant=eu]").get_attribute("data-total"))


def _improvement_fields(browser) -> list[str]:
    return [li.get_attribute("data-field") for li in browser.find_all("#quality .gbgopendata-quality-improvements li")]


def _until(browser, condition, message):
    # the panel is replaced as the form changes: an element read while it is
    # swapped is stale, and read again at the next poll
    WebDriverWait(browser.driver, LIVE_TIMEOUT, poll_frequency=0.2,
                  ignored_exceptions=(StaleElementReferenceException,)).until(lambda driver: condition(), message)


def test_the_score_follows_the_form_and_an_improvement_leads_to_its_field(live_server, browser, organization):
    editor = organization_member(organization, "editor", password=PASSWORD)
    dataset = ckan_helpers.call_action(
        "package_create",
        context={"user": editor["name"]},
        name="parkering-live",
        owner_org=organization["id"],
        private=True,
        **complete_metadata(resources=[resource_fields(name="Platser")]),
    )
    browser.login(editor["name"], PASSWORD)
    browser.goto(f"/dataset/edit/{dataset['name']}")
    browser.wait_for("#quality li[data-variant=eu]")
    browser.screenshot("stored-score")
    start = _eu_total(browser)
    assert {"tags_translated", "theme", "temporal_start"} <= set(_improvement_fields(browser))

    # a keyword typed: the score rises and the keyword's step leaves the list
    browser.fill("#field-tags_translated-sv", "parkering")
    _until(browser, lambda: "tags_translated" not in _improvement_fields(browser), "the keyword step stayed")
    with_keyword = _eu_total(browser)
    assert with_keyword > start
    browser.screenshot("after-keyword")

    # a theme chosen: the same
    Select(browser.find("#field-theme")).select_by_value(THEME_TRAN)
    _until(browser, lambda: "theme" not in _improvement_fields(browser), "the theme step stayed")
    assert _eu_total(browser) > with_keyword
    browser.screenshot("after-theme")
    assert browser.find("#quality .gbgopendata-quality-live").get_attribute("aria-live") == "polite"

    # the temporal coverage's link moves the focus to its input
    browser.click("#quality li[data-field=temporal_start] a")
    assert browser.driver.switch_to.active_element.get_attribute("id") == "field-temporal_start"
    browser.screenshot("focused-field")

    # nothing was saved by the live score, and its requests went to the portal only
    assert not ckan_helpers.call_action("package_show", id=dataset["id"]).get("theme")
    own = urlsplit(live_server.url).netloc
    previews = [url for url in browser.requested_urls() if "kvalitet/forhandsgranska" in url]
    assert previews and all(urlsplit(url).netloc == own for url in previews)

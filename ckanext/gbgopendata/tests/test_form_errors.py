"""Errors people can act on (issue 20, item 5): a summary at the top of the
dataset and distribution forms whose items link to their fields, in the
page's language; error texts and the required asterisk at WCAG AA contrast;
the dataset's address (`name`), which the form does not show, derived from
the title and never named in an error; the title's length shown while typed."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers

from ckanext.gbgopendata.tests.browser import PASSWORD
from ckanext.gbgopendata.tests.helpers import dataset_fields, organization_member
from ckanext.gbgopendata.tests.page_language import english_strings, swedish_strings

pytestmark = pytest.mark.usefixtures("with_plugins")

PREFIX = {"sv": "", "en": "/en"}
SUMMARY_TITLE = {"sv": "Formuläret kunde inte sparas. Rätta följande:",
                 "en": "The form could not be saved. Correct the following:"}
NO_ADDRESS = ("URL:", "Värde saknas", "That URL", "adressen")


def _post(app, url, user, data):
    response = app.post(url, data=data, headers={"Authorization": user["token"]}, follow_redirects=False)
    return response, BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _summary(page) -> list[tuple[str, str | None]]:
    summary = page.select_one("#error-summary")
    assert summary is not None, page.select(".error-explanation")
    return [(" ".join(item.get_text(" ").split()), item.a["href"] if item.a else None)
            for item in summary.select("li")]


def _not_linked_to_existing_fields(page, items) -> list[str]:
    return [text for text, href in items if not href or page.find(id=href[1:]) is None]


def _wrong_language(html: str, lang: str) -> list[str]:
    return english_strings(html) if lang == "sv" else swedish_strings(html)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_dataset_form_summary_links_every_error_to_its_field_in_the_pages_language(app, editor, organization, lang):
    response, page = _post(app, f"{PREFIX[lang]}/dataset/new", editor, {
        "title_translated-en": "Only English",
        "notes_translated-sv": "",
        "owner_org": organization["id"],
        "contact-0-name": "Trafikkontoret",
        "contact-0-email": "inte en adress",
        "contact-0-kind": "Organization",
        "issued": "2021-13-45",
        "url": "ftp:/nej",
        "theme": "http://example.org/inget-tema",
        "_ckan_phase": "dataset_new_1", "pkg_name": "", "save": "continue",
    })
    assert response.status_code == 200
    items = _summary(page)
    assert len(items) >= 5, items
    assert page.select_one("#error-summary-title").get_text(strip=True) == SUMMARY_TITLE[lang]
    assert _not_linked_to_existing_fields(page, items) == []
    hrefs = [href for _, href in items]
    assert "#field-title_translated-sv" in hrefs and "#field-contact-0-email" in hrefs and "#field-issued" in hrefs
    # The address the form does not show is never named.
    assert not [text for text, _ in items if any(word in text for word in NO_ADDRESS)], items
    html = response.get_data(as_text=True)
    assert _wrong_language(str(page.select_one("#error-summary")), lang) == [], html
    assert helpers.call_action("package_search", q="title:English", include_private=True)["count"] == 0


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_distribution_form_summary_links_every_error_to_its_field(app, editor, organization, lang):
    draft = helpers.call_action("package_create", context={"user": editor["name"]}, name="utkast", state="draft",
                                owner_org=organization["id"], private=True, **dataset_fields())
    response, page = _post(app, f"{PREFIX[lang]}/dataset/{draft['name']}/resource/new", editor, {
        "id": "", "url": "inte en webbadress", "format": "", "name_translated-sv": "",
        "issued": "igår", "save": "go-metadata",
    })
    assert response.status_code == 200
    items = _summary(page)
    assert len(items) >= 2, items
    assert page.select_one("#error-summary-title").get_text(strip=True) == SUMMARY_TITLE[lang]
    assert _not_linked_to_existing_fields(page, items) == []
    assert _wrong_language(str(page.select_one("#error-summary")), lang) == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_784_character_title_gives_only_the_titles_own_length_error(app, editor, organization, lang):
    title = ("Trafikolyckor i Göteborg med personskador per stadsdel och år " * 13)[:784]
    assert len(title) == 784
    response, page = _post(app, f"{PREFIX[lang]}/dataset/new", editor, {
        "title_translated-sv": title,
        "notes_translated-sv": "Olyckor.",
        "owner_org": organization["id"], "private": "True",
        "confidentiality_level": "0", "integrity_level": "0", "availability_level": "0",
        "_ckan_phase": "dataset_new_1", "pkg_name": "", "save": "continue",
    })
    assert response.status_code == 200
    items = _summary(page)
    assert [href for _, href in items] == ["#field-title_translated-sv"], items
    assert "500" in items[0][0] and "784" in items[0][0]
    # The counter under the title says the same, rendered by the server.
    counter = page.select_one("#field-title_translated-sv-length")
    assert page.select_one("#field-title_translated-sv")["aria-describedby"] == "field-title_translated-sv-length"
    assert counter["aria-live"] == "polite" and "over" in counter["class"]
    assert "784" in counter.get_text() and "500" in counter.get_text()


def test_a_dataset_from_the_form_gets_an_address_from_its_title_shortened_and_unique(app, editor, organization):
    title = "Trafikolyckor i Göteborg med personskador, per stadsdel, år och trafikslag 2015–2025, med koordinater"
    names = []
    for _ in range(2):
        response, page = _post(app, "/dataset/new", editor, {
            "title_translated-sv": title, "title_translated-en": "Road accidents",
            "notes_translated-sv": "Olyckor.", "owner_org": organization["id"], "private": "True",
            "_ckan_phase": "dataset_new_1", "pkg_name": "", "save": "continue",
        })
        assert response.status_code == 302, page.select(".error-explanation")
        names.append(response.headers["Location"].split("/dataset/")[1].split("/")[0])
    # At most 60 characters, cut between words: å and ö as a and o.
    assert names[0] == "trafikolyckor-i-goteborg-med-personskador-per-stadsdel-ar"
    assert names[1] == names[0] + "-2"
    for name in names:
        dataset = helpers.call_action("package_show", context={"user": editor["name"]}, id=name)
        assert dataset["title"] == title
    # An edit keeps the address, whatever the new title.
    response, page = _post(app, f"/dataset/edit/{names[0]}", editor, {
        "title_translated-sv": "Olyckor", "notes_translated-sv": "Olyckor.", "owner_org": organization["id"],
        "private": "True", "save": "",
    })
    assert response.status_code == 302, page.select(".error-explanation")
    assert helpers.call_action("package_show", context={"user": editor["name"]}, id=names[0])["title"] == "Olyckor"


def test_the_form_has_no_address_field(app, editor):
    page = BeautifulSoup(app.get("/dataset/new", headers={"Authorization": editor["token"]}).get_data(as_text=True),
                         "html.parser")
    assert page.select_one("#field-title_translated-sv") is not None
    assert page.select('[name="name"]') == []


def _luminance(rgb: tuple[float, ...]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one, other) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The colour of an element's text and the first opaque background behind it,
# as the browser computed them.
COLOURS_JS = """
const el = document.querySelector(arguments[0]);
const parse = s => s.match(/[\\d.]+/g).map(Number);
let node = el, background = null;
while (node && node.nodeType === 1) {
  const c = parse(getComputedStyle(node).backgroundColor);
  if (c.length < 4 || c[3] > 0) { background = c; break; }
  node = node.parentElement;
}
return [parse(getComputedStyle(el).color), background || [255, 255, 255], getComputedStyle(el).fontSize];
"""


def test_errors_and_the_required_asterisk_are_readable_and_the_title_counts_while_typed(live_server, browser, organization):
    editor = organization_member(organization, "editor", password=PASSWORD)
    browser.login(editor["name"], PASSWORD)
    browser.goto("/dataset/new")
    browser.wait_for("form#dataset-edit")
    browser.fill("#field-title_translated-en", "Only English")
    browser.click("form#dataset-edit button[name=save]")
    browser.wait_for("#error-summary")
    browser.screenshot("dataset-form-errors")
    measured = {}
    for css in ("#error-summary a", "#error-summary-title", ".error-block", ".control-required"):
        colour, background, size = browser.driver.execute_script(COLOURS_JS, css)
        measured[css] = (round(_contrast(colour, background), 2), size)
    assert all(ratio >= 4.5 for ratio, _ in measured.values()), measured
    assert float(measured[".error-block"][1].rstrip("px")) >= 14, measured

    # A summary link leads to its field.
    browser.click('#error-summary a[href="#field-title_translated-sv"]')
    assert browser.driver.execute_script("return location.hash") == "#field-title_translated-sv"

    browser.fill("#field-title_translated-sv", "Trafikolyckor")
    browser.driver.implicitly_wait(0)
    counter = "#field-title_translated-sv-length"
    import time
    deadline = time.time() + 5
    while "13 av högst 500 tecken" not in browser.find(counter).text and time.time() < deadline:
        time.sleep(0.1)
    assert browser.find(counter).text == "13 av högst 500 tecken"
    browser.fill("#field-title_translated-sv", "x" * 510)
    deadline = time.time() + 5
    while "fler än" not in browser.find(counter).text and time.time() < deadline:
        time.sleep(0.1)
    assert browser.find(counter).text == "510 tecken: 10 fler än de 500 som får finnas"
    assert browser.find("#field-title_translated-sv").get_attribute("aria-describedby") == counter[1:]

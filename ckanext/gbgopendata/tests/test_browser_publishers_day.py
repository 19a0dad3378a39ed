"""Issue 20's walk in Debian's chromium, on a server configured as the demo
portal: Anna (editor in Trafikkontoret) makes a dataset, meets the form's
errors, gives the format as a file extension, completes her items and asks for
approval; Erik (its admin) learns of it by e-mail (read from the stack's
SMTP server) and on his dashboard, sends it back with a comment, and,
asked again, approves and publishes it in one step; an anonymous visitor
then finds it with a Swedish word and an English one. Every page is
checked for the other language; screenshots of every step are kept as
test artifacts (docs/screenshots/ holds a selection)."""
from __future__ import annotations

import re

import pytest
from ckan.lib import jobs as ckan_jobs

from ckanext.gbgopendata.tests import page_language
from ckanext.gbgopendata.tests.browser import PASSWORD, trafikkontoret_publishers
from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, editor_items
from ckanext.gbgopendata.tests.test_approval_flow import Mailbox, body

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]

TITLE_SV, TITLE_EN = "Cykelräkningar i Göteborg 2025", "Bicycle counts in Gothenburg 2025"
NAME = "cykelrakningar-i-goteborg-2025"


@pytest.fixture
def live_server(portal_server):
    return portal_server


def _check(browser, lang, step, also=(), written=()):
    """No string of the other language on the page (`also`: Swedish
    content to look for on an English page; `written`: what people wrote,
    which stays in their language), and a screenshot."""
    browser.screenshot(step)
    html = browser.driver.page_source
    other = page_language.english_strings(html) if lang == "sv" else page_language.swedish_strings(html, also=also)
    other = [text for text in other if not any(part in text for part in written)]
    assert other == [], f"{step}: {'English' if lang == 'sv' else 'Swedish'} on the page: {other}"


def _send_the_mail() -> None:
    # CKAN's worker, as `ckan jobs worker` runs it beside the portal.
    ckan_jobs.Worker().work(burst=True)


def test_anna_asks_erik_is_told_and_approves_and_the_public_finds_it(live_server, new_browser, organization):
    for queue in ckan_jobs.get_all_queues():
        queue.empty()
    mailbox = Mailbox()
    anna, erik = trafikkontoret_publishers(organization)

    # --- Anna makes the dataset --------------------------------------------------------
    browser = new_browser("anna")
    browser.login(anna["name"], PASSWORD)
    browser.goto("/dataset/new")
    browser.wait_for("form#dataset-edit")
    assert browser.find("h1").text  # the form has its heading
    browser.click("form#dataset-edit button[name=save]")  # nothing filled in
    browser.wait_for("#error-summary")
    summary = browser.find("#error-summary")
    links = summary.find_elements("css selector", "a[href^='#']")
    assert links, "the error summary links to the fields"
    assert "URL" not in summary.text  # the address is derived, never named
    _check(browser, "sv", "form-errors")
    browser.fill("#field-title_translated-sv", TITLE_SV)
    browser.fill("#field-title_translated-en", TITLE_EN)
    browser.fill("#field-notes_translated-sv", "Antal cyklister per timme vid stadens räknepunkter.")
    browser.fill("#field-notes_translated-en", "Cyclists per hour at the city's counting points.")
    browser.fill("#field-contact-0-name", "Trafikkontoret, öppna data")
    browser.fill("#field-contact-0-email", "opendata@trafikkontoret.goteborg.se")
    for aspect in ("confidentiality", "integrity", "availability"):
        browser.check(f"#field-{aspect}_level-0")
    browser.click("form#dataset-edit button[name=save]")
    browser.wait_for("form#resource-edit")
    _check(browser, "sv", "distribution-form")
    assert "Nu resurs" not in browser.visible_text()
    link = browser.driver.find_elements("css selector", "#resource-link-button")
    if link and link[0].is_displayed():
        link[0].click()
    browser.fill("#field-resource-url", "https://goteborg.se/opendata/cykelrakningar-2025.csv")
    browser.fill("#field-format", ".csv")  # a file extension, not a media type
    browser.fill("#field-name_translated-sv", "Cykelräkningar 2025 (CSV)")
    browser.fill("#field-name_translated-en", "Bicycle counts 2025 (CSV)")
    browser.click("form#resource-edit button[name=save][value=go-metadata]")
    browser.wait_for("form.gbg-checklist")
    assert browser.path == f"/dataset/{NAME}/checklist"

    # --- her items, then "Begär godkännande" ----------------------------------------------
    for item_id in editor_items():
        browser.check(f"#confirm-{item_id}")
    browser.click("form.gbg-checklist button[name=save]")
    browser.wait_for("#approval")
    approval = browser.find("#approval").text
    assert "Godkänns av organisationens administratörer: Erik Informationsägare." in approval
    _check(browser, "sv", "anna-checklist-ask", also=(TITLE_SV,))
    browser.fill("#approval-comment", "Underlaget är klart, kan du granska?")
    browser.click("#request-approval")
    browser.wait_for(".gbg-approval-request")
    assert "Godkännande begärt av Anna Redaktör" in browser.find(".gbg-approval-request").text
    _check(browser, "sv", "anna-asked")

    # --- Erik is told: by e-mail and on his dashboard ----------------------------------------
    _send_the_mail()
    [mail] = mailbox.messages(to=erik["email"])
    assert mail["Subject"] == f"Godkännande begärt: {TITLE_SV} / Approval asked for: {TITLE_EN}"
    text = body(mail)
    assert "Anna Redaktör ber om ditt godkännande" in text and "Underlaget är klart, kan du granska?" in text
    checklist_url = re.search(r"http://\S+/dataset/" + NAME + r"/checklist", text).group(0)

    owner = new_browser("erik")
    owner.login(erik["name"], PASSWORD)
    owner.goto("/dashboard/datasets")
    todo = owner.find("#todo").text
    assert "Att göra" in todo and "1 datamängd väntar på ditt godkännande." in todo and TITLE_SV in todo
    assert owner.find(".gbg-waiting-badge").text.startswith("1")
    _check(owner, "sv", "erik-dashboard", also=(TITLE_SV,))
    owner.goto("/organization/trafikkontoret/publicering?status=awaiting_approval")
    assert owner.find(f"tr[data-dataset='{NAME}']")
    _check(owner, "sv", "erik-overview-awaiting")

    # he sends it back with a comment; Anna is told
    owner.goto("/" + checklist_url.split("/", 3)[3])  # the link in the e-mail
    owner.wait_for("#approve-and-publish")
    owner.fill("#approval-comment", "Ange i beskrivningen vilka räknepunkter som ingår.")
    owner.click("#return-approval")
    owner.wait_for("#history")
    assert "Datamängden har skickats tillbaka med din kommentar." in owner.visible_text()
    _send_the_mail()
    [returned] = mailbox.messages(to=anna["email"])
    assert returned["Subject"].startswith("Skickad tillbaka: ")
    assert "Ange i beskrivningen vilka räknepunkter som ingår." in body(returned)

    # Anna asks again; Erik approves and publishes in one step
    browser.goto(f"/dataset/{NAME}/checklist")
    assert "skickade tillbaka datamängden" in browser.find("#history").text
    browser.click("#request-approval")
    browser.wait_for(".gbg-approval-request")
    _send_the_mail()
    owner.goto(f"/dataset/{NAME}/checklist")
    owner.wait_for("#approve-and-publish")
    _check(owner, "sv", "erik-checklist-approve", also=(TITLE_SV,))
    owner.fill("#approval-comment", "Beslut 2026-12-04, dnr 0456/26")
    owner.click("#approve-and-publish")
    owner.wait_for(".gbg-checklist-status")
    assert "Publiceringen är godkänd, och datamängden är nu offentlig." in owner.visible_text()
    assert "Offentlig" in owner.find(".gbg-checklist-status").text
    _check(owner, "sv", "erik-published")
    owner.goto("/dashboard/datasets")
    assert owner.driver.find_elements("css selector", "#todo") == []
    _send_the_mail()
    approved = [m for m in mailbox.messages(to=anna["email"]) if m["Subject"].startswith("Godkänd och publicerad")]
    assert len(approved) == 1 and "Erik Informationsägare godkände och publicerade" in body(approved[0])

    # the English checklist tells the same in English only
    owner.goto(f"/en/dataset/{NAME}/checklist")
    assert "asked the organisation's admins for approval" in owner.find("#history").text
    # the comments stay as written; the English item names the Act by its Swedish name too
    _check(owner, "en", "erik-checklist-en", also=(TITLE_SV,), written=(
        "Ange i beskrivningen vilka räknepunkter som ingår.", "Underlaget är klart, kan du granska?",
        "(offentlighets- och sekretesslagen)",
    ))

    # --- the public finds it, with a Swedish word and an English one -------------------------
    visitor = new_browser("besokare")
    visitor.goto("/dataset/?q=cykel")
    assert TITLE_SV in visitor.visible_text()
    _check(visitor, "sv", "search-cykel", also=(TITLE_SV,))
    visitor.goto("/en/dataset/?q=bicycle")
    assert TITLE_EN in visitor.visible_text()
    _check(visitor, "en", "search-bicycle-en", also=(TITLE_SV,))
    visitor.goto(f"/dataset/{NAME}")
    assert "CSV" in visitor.visible_text() and "text/csv" not in visitor.visible_text()  # the format by its name
    footer = visitor.find("footer a[href$='/datasets/dcat']")
    assert footer is not None
    visitor.goto(f"/dataset/{NAME}/checklist")
    assert "403" in visitor.visible_text()

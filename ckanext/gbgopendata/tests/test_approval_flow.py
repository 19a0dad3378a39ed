"""The information owner's approval as a flow, through CKAN's action API,
its test app and jobs worker, and the stack's real SMTP server (whose
Maildir the tests read): asking for approval tells the organisation's
admins by e-mail and on their dashboard; "Godkänn och publicera" is one
step that stores nothing unless the dataset is published; sending back
needs a comment and tells the requester; the overview filters and its CSV
say "väntar på godkännande"."""
from __future__ import annotations

import email
import email.policy
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from ckan.lib import jobs as ckan_jobs
from ckan.plugins import toolkit
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST, admin_items, confirm, draft, editor_items
from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]

ROOT = Path(__file__).resolve().parents[3]


def mail_dir() -> Path:
    """The stack's SMTP server keeps each message as a file under new/."""
    return Path(os.environ.get("STACK_DIR") or ROOT / ".stack") / "mail" / "new"


class Mailbox:
    """The messages the SMTP server received since the test began."""

    def __init__(self) -> None:
        self.before = set(mail_dir().iterdir())

    def messages(self, to: str | None = None) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(set(mail_dir().iterdir()) - self.before, key=lambda p: p.stat().st_mtime):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to is None or to in message["To"]:
                found.append(message)
        return found


@pytest.fixture
def mailbox():
    for queue in ckan_jobs.get_all_queues():
        queue.empty()
    return Mailbox()


def run_jobs() -> None:
    ckan_jobs.Worker().work(burst=True)


@pytest.fixture
def anna(organization):
    return organization_member(organization, "editor", email="anna@trafikkontoret.example", fullname="Anna Redaktör")


@pytest.fixture
def erik(organization):
    return organization_member(
        organization, "admin", email="erik@trafikkontoret.example", fullname="Erik Informationsägare"
    )


def _as(user):
    return {"Authorization": user["token"]}


def call(action, user, **data):
    return ckan_helpers.call_action(action, context={"user": user["name"] if user else "", "ignore_auth": False}, **data)


def awaiting(anna, organization, **overrides):
    dataset = draft(anna, organization, **overrides)
    confirm(anna, dataset["id"], editor_items())
    return dataset


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


# --- asking ----------------------------------------------------------------------------------


def test_asking_for_approval_mails_the_admins_in_swedish_then_english(organization, anna, erik, mailbox):
    dataset = awaiting(anna, organization)
    shown = call("gbg_approval_show", anna, id=dataset["id"])
    assert shown["may_request"] and not shown["may_approve"]
    assert shown["approvers"] == ["Erik Informationsägare"]
    shown = call("gbg_approval_request", anna, id=dataset["id"], comment="Kan du titta i veckan?")
    assert shown["request"]["user"] == "Anna Redaktör" and not shown["may_request"]
    assert mailbox.messages() == []  # sent by the worker, not in the request
    run_jobs()
    [message] = mailbox.messages()
    assert message["To"].addresses[0].addr_spec == "erik@trafikkontoret.example"
    assert message["Subject"].startswith("Godkännande begärt: ")
    text = body(message)
    assert "Anna Redaktör ber om ditt godkännande" in text
    assert "Kommentar: Kan du titta i veckan?" in text
    assert f"http://test.ckan.net/dataset/{dataset['name']}/checklist" in text
    swedish, english = text.split("In English")
    assert "asks for your approval" in english and "asks for your approval" not in swedish
    assert f"http://test.ckan.net/en/dataset/{dataset['name']}/checklist" in english
    events = [event["event"] for event in gbg_model.checklist_events(dataset["id"])]
    assert events[0] == "approval_requested"


def test_asking_before_everything_else_is_done_is_refused_and_names_what_is_left(organization, anna, erik, mailbox):
    dataset = draft(anna, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_approval_request", anna, id=dataset["id"])
    messages = " ".join(raised.value.error_dict["checklist"])
    assert "när allt annat i checklistan är klart" in messages
    assert "Informationsägare och förvaltare är utsedda" in messages
    assert "administratör" not in messages  # the approval itself is not "left"
    assert "approval_requested" not in [event["event"] for event in gbg_model.checklist_events(dataset["id"])]
    run_jobs()
    assert mailbox.messages() == []


def test_asking_twice_is_refused_while_the_first_request_is_open(organization, anna, erik, mailbox):
    dataset = awaiting(anna, organization)
    call("gbg_approval_request", anna, id=dataset["id"])
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_approval_request", anna, id=dataset["id"])
    assert "redan begärt av Anna Redaktör" in raised.value.error_dict["id"][0]
    run_jobs()
    assert len(mailbox.messages()) == 1


def test_an_organisation_without_admins_is_approved_by_the_city_admins(clean_db, clean_index, mailbox):
    lonely = factories.Organization(name="kretslopp", **organization_fields(
        title_translated={"sv": "Kretslopp och vatten", "en": "Sustainable Waste and Water"}))
    anna = organization_member(lonely, "editor")
    city = factories.SysadminWithToken(email="stadens.admin@goteborg.example", fullname="Stadens admin")
    dataset = awaiting(anna, lonely)
    assert call("gbg_approval_show", anna, id=dataset["id"])["approvers"] == ["Stadens admin"]
    call("gbg_approval_request", anna, id=dataset["id"])
    run_jobs()
    assert [m["To"].addresses[0].addr_spec for m in mailbox.messages()] == ["stadens.admin@goteborg.example"]
    assert [entry["name"] for entry in call("gbg_approvals_waiting", city)] == [dataset["name"]]


def test_the_request_is_on_the_admins_dashboard_and_badge_and_nobody_elses(app, organization, anna, erik, mailbox):
    dataset = awaiting(anna, organization)
    other = factories.Organization(name="miljo", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    stranger = organization_member(other, "admin")
    call("gbg_approval_request", anna, id=dataset["id"])
    assert [entry["name"] for entry in call("gbg_approvals_waiting", erik)] == [dataset["name"]]
    assert call("gbg_approvals_waiting", anna) == [] and call("gbg_approvals_waiting", stranger) == []
    page = app.get("/dashboard/datasets", headers=_as(erik))
    soup = BeautifulSoup(page.body, "html.parser")
    todo = soup.find(id="todo")
    assert todo is not None
    assert "1 datamängd väntar på ditt godkännande." in todo.get_text(" ", strip=True)
    assert "Approval" not in todo.get_text()
    link = todo.find("a")
    assert link["href"] == f"/dataset/{dataset['name']}/checklist#approval"
    assert soup.select_one(".gbg-waiting-badge").get_text(" ", strip=True).startswith("1")
    news_feed = BeautifulSoup(app.get("/dashboard/", headers=_as(erik)).body, "html.parser")
    assert "1 datamängd väntar på ditt godkännande." in news_feed.find(id="todo").get_text(" ", strip=True)
    english = BeautifulSoup(app.get("/en/dashboard/datasets", headers=_as(erik)).body,
                            "html.parser")
    assert "1 dataset awaits your approval." in english.find(id="todo").get_text(" ", strip=True)
    for who in (anna, stranger):
        other_page = BeautifulSoup(app.get("/dashboard/datasets", headers=_as(who)).body,
                                   "html.parser")
        assert other_page.find(id="todo") is None and other_page.select_one(".gbg-waiting-badge") is None


# --- answering ---------------------------------------------------------------------------------


def test_approve_and_publish_is_one_step_and_tells_the_requester(organization, anna, erik, mailbox):
    dataset = awaiting(anna, organization)
    call("gbg_approval_request", anna, id=dataset["id"])
    shown = call("gbg_dataset_approve", erik, id=dataset["id"], comment="Godkänt.")
    assert shown["request"] is None and not shown["needed"]
    stored = call("package_show", erik, id=dataset["id"])
    assert stored["private"] is False
    confirmations = gbg_model.checklist_confirmations(dataset["id"])
    assert all(confirmations[item]["confirmed"] for item in admin_items())
    assert call("gbg_approvals_waiting", erik) == []
    run_jobs()
    to_anna = mailbox.messages(to="anna@trafikkontoret.example")
    assert len(to_anna) == 1 and to_anna[0]["Subject"].startswith("Godkänd och publicerad: ")
    assert "Erik Informationsägare godkände och publicerade" in body(to_anna[0])


def test_approve_stores_nothing_when_the_dataset_cannot_be_published(organization, anna, erik, mailbox):
    dataset = draft(anna, organization)  # the editors' items are not done
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_dataset_approve", erik, id=dataset["id"])
    assert raised.value.error_dict["checklist"]
    confirmations = gbg_model.checklist_confirmations(dataset["id"])
    assert not any((confirmations.get(item) or {}).get("confirmed") for item in admin_items())
    assert call("package_show", erik, id=dataset["id"])["private"] is True
    assert [event["event"] for event in gbg_model.checklist_events(dataset["id"])] == []


def test_only_the_information_owner_may_approve_or_send_back(organization, anna, erik):
    dataset = awaiting(anna, organization)
    for action in ("gbg_dataset_approve", "gbg_approval_return"):
        with pytest.raises(toolkit.NotAuthorized):
            call(action, anna, id=dataset["id"], comment="Själv")
    assert call("package_show", erik, id=dataset["id"])["private"] is True


def test_sending_back_needs_a_comment_and_tells_the_requester(organization, anna, erik, mailbox):
    dataset = awaiting(anna, organization)
    call("gbg_approval_request", anna, id=dataset["id"])
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_approval_return", erik, id=dataset["id"], comment="  ")
    assert "Skriv vad som behöver göras" in raised.value.error_dict["comment"][0]
    shown = call("gbg_approval_return", erik, id=dataset["id"], comment="Beskrivningen på engelska saknar enheter.")
    assert shown["request"] is None and shown["may_approve"]
    assert call("package_show", erik, id=dataset["id"])["private"] is True
    run_jobs()
    [message] = [m for m in mailbox.messages(to="anna@trafikkontoret.example")]
    assert message["Subject"].startswith("Skickad tillbaka: ")
    assert "Kommentar: Beskrivningen på engelska saknar enheter." in body(message)
    # and she may ask again
    assert call("gbg_approval_show", anna, id=dataset["id"])["may_request"]


def test_a_hidden_dataset_answers_as_a_missing_one(organization, anna, erik):
    dataset = awaiting(anna, organization)
    outsider = factories.User()
    for action in ("gbg_approval_show", "gbg_approval_request", "gbg_dataset_approve", "gbg_approval_return"):
        answers = []
        for identifier in (dataset["id"], "finns-inte"):
            with pytest.raises(toolkit.ObjectNotFound) as raised:
                call(action, outsider, id=identifier, comment="x")
            answers.append(str(raised.value))
        assert answers[0] == answers[1], action


@pytest.mark.parametrize("comment", [42, ["a"], "x" * 2001, "fel\x00tecken"])
def test_a_bad_comment_is_a_validation_error_naming_the_field(organization, anna, erik, comment):
    dataset = awaiting(anna, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_approval_request", anna, id=dataset["id"], comment=comment)
    assert "comment" in raised.value.error_dict
    assert "approval_requested" not in [event["event"] for event in gbg_model.checklist_events(dataset["id"])]


# --- the pages -----------------------------------------------------------------------------------


def _page(app, url, user, **kwargs):
    return BeautifulSoup(app.get(url, headers=_as(user), **kwargs).body, "html.parser")


def test_the_checklist_page_names_the_approvers_and_walks_the_flow(app, organization, anna, erik, mailbox):
    dataset = awaiting(anna, organization)
    url = f"/dataset/{dataset['name']}/checklist"
    soup = _page(app, url, anna)
    assert "Erik Informationsägare" in soup.select_one(".gbg-approvers").get_text()
    assert soup.find(id="request-approval") is not None and soup.find(id="approve-and-publish") is None
    response = app.post(f"/dataset/{dataset['name']}/approval", data={"step": "request", "comment": "Tack!"},
                        headers=_as(anna), follow_redirects=False)
    assert response.status_code == 302
    soup = _page(app, url, anna)
    assert "Godkännande begärt av Anna Redaktör" in soup.select_one(".gbg-approval-request").get_text()
    assert "bad organisationens administratörer om godkännande" in soup.find(id="history").get_text()
    soup = _page(app, url, erik)
    assert soup.find(id="approve-and-publish") is not None and soup.find(id="request-approval") is None
    response = app.post(f"/dataset/{dataset['name']}/approval", data={"step": "approve"},
                        headers=_as(erik), follow_redirects=False)
    assert response.status_code == 302
    assert call("package_show", erik, id=dataset["id"])["private"] is False
    english = _page(app, f"/en/dataset/{dataset['name']}/checklist", erik)
    assert "asked the organisation's admins for approval" in english.find(id="history").get_text()


def test_sending_back_on_the_page_without_a_comment_says_so_in_the_form(app, organization, anna, erik):
    dataset = awaiting(anna, organization)
    response = app.post(f"/dataset/{dataset['name']}/approval", data={"step": "return", "comment": ""},
                        headers=_as(erik), status=400)
    soup = BeautifulSoup(response.body, "html.parser")
    assert "Skriv vad som behöver göras" in soup.find(id="approval").get_text()


def test_the_overview_filters_and_exports_what_awaits_approval(app, organization, anna, erik):
    waiting = awaiting(anna, organization, title_translated={"sv": "Väntande", "en": "Waiting"})
    draft(anna, organization, title_translated={"sv": "Påbörjad", "en": "Begun"})
    base = f"/organization/{organization['name']}/publicering"
    soup = _page(app, base, erik)
    option = soup.select_one("#filter-status option[value=awaiting_approval]")
    assert option.get_text(strip=True) == "Väntar på godkännande (1)"
    soup = _page(app, base + "?status=awaiting_approval", erik)
    assert [row["data-dataset"] for row in soup.select("tr[data-dataset]")] == [waiting["name"]]
    csv = app.get(base + "?status=awaiting_approval&format=csv", headers=_as(erik))
    text = csv.body if isinstance(csv.body, str) else csv.body.decode("utf-8")
    assert "Utkast – väntar på godkännande" in text and "Påbörjad" not in text
    english = app.get("/en" + base + "?status=awaiting_approval&format=csv",
                      headers=_as(erik))
    text = english.body if isinstance(english.body, str) else english.body.decode("utf-8")
    assert "Draft – awaiting approval" in text

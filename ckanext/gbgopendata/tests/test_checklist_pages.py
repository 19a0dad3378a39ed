"""The checklist page, publishing from it, the creation flow's last step,
and the publishing overviews with their CSV, through CKAN's test app."""
from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata.tests.checklist_helpers import (
    DEFAULT_CHECKLIST,
    admin_items,
    confirm,
    draft,
    editor_items,
    published,
    ready,
)
from ckanext.gbgopendata.tests.helpers import dataset_fields, form_values, organization_member

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin")


def _as(user):
    return {"Authorization": user["token"]} if user else {}


def _page(app, url, user, status=200, **kwargs):
    response = app.get(url, headers=_as(user), status=status, **kwargs)
    return BeautifulSoup(response.body, "html.parser")


def test_the_checklist_page_shows_the_phases_items_and_what_is_missing_in_swedish(app, organization, editor):
    dataset = draft(editor, organization, contact=[])
    page = _page(app, f"/dataset/{dataset['name']}/checklist", editor)
    text = page.get_text(" ", strip=True)
    for phase in ("A. Identifiera och prioritera", "B. Förbered publicering", "C. Lansera och förvalta"):
        assert phase in text
    assert "Informationsägare och förvaltare är utsedda." in text
    assert "Datamängden har ingen kontaktpunkt med e-postadress." in text  # the automatic item's gap
    assert page.select_one("#publish").has_attr("disabled")
    assert "Utkast" in page.select_one(".gbg-checklist-status").get_text()
    # the approval is an admin's: the editor's checkbox is disabled
    assert page.select_one("#confirm-owner_approval").has_attr("disabled")
    assert not page.select_one("#confirm-tested").has_attr("disabled")
    # a tab of the dataset page, for those who may edit
    dataset_page = _page(app, f"/dataset/{dataset['name']}", editor)
    assert dataset_page.find("a", href=f"/dataset/{dataset['name']}/checklist")


def test_the_checklist_page_in_english(app, organization, editor):
    dataset = draft(editor, organization)
    text = _page(app, f"/en/dataset/{dataset['name']}/checklist", editor).get_text(" ", strip=True)
    assert "A. Identify and prioritise" in text
    assert "An information owner and a maintainer have been appointed." in text
    assert "Informationsägare" not in text


def _form_of(page):
    return dict(form_values(page.select_one("form.gbg-checklist")))


def test_ticking_on_the_page_saves_only_what_the_person_changed(app, organization, editor):
    other = organization_member(organization, "editor")
    dataset = draft(editor, organization)
    form = _form_of(_page(app, f"/dataset/{dataset['name']}/checklist", editor))
    # Meanwhile another editor confirms an item this page showed unticked.
    confirm(other, dataset["id"], ["update_plan"])
    form["confirm-tested"] = "1"
    form["comment-tested"] = "Alla länkar testade"
    response = app.post(f"/dataset/{dataset['name']}/checklist", data=form, headers=_as(editor), status=302, follow_redirects=False)
    assert response.headers["Location"].endswith(f"/dataset/{dataset['name']}/checklist")
    shown = ckan_helpers.call_action("gbg_checklist_show", context={"user": editor["name"]}, id=dataset["id"])
    items = {item["id"]: item for item in shown["items"]}
    assert items["tested"]["confirmed"] and items["tested"]["comment"] == "Alla länkar testade"
    assert items["update_plan"]["confirmed"]  # not undone by the stale page


def test_a_refused_save_shows_the_reason_and_stores_nothing(app, organization, editor):
    dataset = draft(editor, organization)
    form = _form_of(_page(app, f"/dataset/{dataset['name']}/checklist", editor))
    form["confirm-tested"] = "1"
    form["comment-tested"] = "x" * 2001
    page = BeautifulSoup(
        app.post(f"/dataset/{dataset['name']}/checklist", data=form, headers=_as(editor), status=400).body,
        "html.parser",
    )
    assert "kommentaren får vara högst 2000 tecken" in page.select_one(".gbg-checklist-errors").get_text()
    shown = ckan_helpers.call_action("gbg_checklist_show", context={"user": editor["name"]}, id=dataset["id"])
    assert not any(item.get("confirmed") for item in shown["items"])


def test_publish_and_unpublish_from_the_page(app, organization, editor, admin):
    dataset = draft(editor, organization)
    page = BeautifulSoup(
        app.post(f"/dataset/{dataset['name']}/publish", headers=_as(editor), status=400).body, "html.parser"
    )
    assert "Informationsägaren godkänner" in page.select_one(".gbg-checklist-errors").get_text()
    assert model.Package.get(dataset["id"]).private is True

    confirm(editor, dataset["id"], editor_items())
    confirm(admin, dataset["id"], admin_items())
    page = _page(app, f"/dataset/{dataset['name']}/checklist", admin)
    assert not page.select_one("#publish").has_attr("disabled")
    app.post(f"/dataset/{dataset['name']}/publish", headers=_as(admin), status=302, follow_redirects=False)
    assert model.Package.get(dataset["id"]).private is False
    assert app.get(f"/dataset/{dataset['name']}", status=200)  # anonymous visitors find it

    # Unpublishing asks for a confirmation
    app.post(f"/dataset/{dataset['name']}/unpublish", data={"comment": "Fel"}, headers=_as(editor), status=400)
    assert model.Package.get(dataset["id"]).private is False
    app.post(
        f"/dataset/{dataset['name']}/unpublish", data={"comment": "Fel i filen", "confirm": "1"},
        headers=_as(editor), status=302, follow_redirects=False,
    )
    assert model.Package.get(dataset["id"]).private is True
    history = _page(app, f"/dataset/{dataset['name']}/checklist", editor).select_one("#history").get_text(" ", strip=True)
    assert "avpublicerade datamängden" in history and "Fel i filen" in history


@pytest.mark.parametrize("public", [False, True])
def test_others_do_not_get_the_page(app, organization, editor, admin, public):
    dataset = published(editor, admin, organization) if public else draft(editor, organization)
    member = organization_member(organization, "member")
    url = f"/dataset/{dataset['name']}/checklist"
    app.get(url, headers=_as(member), status=403)
    app.get(url, status=403 if public else 404)
    app.post(f"/dataset/{dataset['name']}/publish", headers=_as(member), status=403)
    app.post(f"/dataset/{dataset['name']}/unpublish", data={"confirm": "1"}, headers=_as(member), status=403)
    app.post(url, data={"shown-tested": "1", "was-tested": "0", "confirm-tested": "1"}, headers=_as(member), status=403)
    assert model.Package.get(dataset["id"]).private is (not public)


def test_a_new_datasets_creation_flow_ends_on_its_checklist(app, organization, editor):
    created = ckan_helpers.call_action(
        "package_create", context={"user": editor["name"]}, owner_org=organization["id"], name="ny-datamangd",
        private=True, state="draft", **dataset_fields(),
    )
    response = app.post(
        f"/dataset/{created['name']}/resource/new",
        data={"id": "", "url": "https://goteborg.se/data.csv", "format": "text/csv", "save": "go-metadata",
              "name_translated-sv": "Data", "name_translated-en": "Data"},
        headers=_as(editor),
        status=302,
        follow_redirects=False,
    )
    assert response.headers["Location"].endswith("/dataset/ny-datamangd/checklist")
    assert model.Package.get(created["id"]).state == "active"


# --- the overviews ----------------------------------------------------------------------------


@pytest.fixture
def every_status(organization, editor, admin):
    """One dataset in each status."""
    datasets = {
        "draft": draft(editor, organization, name="utkast"),
        "ready": ready(editor, admin, organization, name="redo"),
        "public": published(editor, admin, organization, name="publik"),
    }
    legacy = draft(editor, organization, name="aldre-publik", title_translated={"sv": "Äldre publik", "en": "Older"})
    pkg = model.Package.get(legacy["id"])
    pkg.private = False  # published before the checklist existed
    model.repo.commit()
    datasets["public_incomplete"] = legacy
    return datasets


def test_the_organisation_overview_shows_every_dataset_with_its_status(app, organization, editor, every_status):
    page = _page(app, f"/organization/{organization['name']}/publicering", editor)
    statuses = {row["data-dataset"]: row["data-status"] for row in page.select("tr[data-dataset]")}
    assert statuses == {"utkast": "draft", "redo": "ready", "publik": "public", "aldre-publik": "public_incomplete"}
    text = page.get_text(" ", strip=True)
    assert "Offentlig utan komplett checklista" in text and "Redo att publicera" in text
    filtered = _page(app, f"/organization/{organization['name']}/publicering?status=ready", editor)
    assert [row["data-dataset"] for row in filtered.select("tr[data-dataset]")] == ["redo"]
    by_phase = _page(app, f"/organization/{organization['name']}/publicering?phase=A", editor)
    assert {row["data-dataset"] for row in by_phase.select("tr[data-dataset]")} == {"utkast", "aldre-publik"}
    # a tab of the organisation for its editors
    assert _page(app, f"/organization/{organization['name']}", editor).find(
        "a", href=f"/organization/{organization['name']}/publicering"
    )


def test_the_overview_csv_is_utf8_with_a_bom_for_excel(app, organization, editor, every_status):
    response = app.get(f"/organization/{organization['name']}/publicering?format=csv", headers=_as(editor), status=200)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.body.startswith("\ufeff") or response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Datamängd", "Titel", "Organisation"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"utkast", "redo", "publik", "aldre-publik"}
    assert by_name["aldre-publik"][1] == "Äldre publik"
    assert "Offentlig utan komplett checklista" in by_name["aldre-publik"]
    filtered = app.get(
        f"/organization/{organization['name']}/publicering?format=csv&status=draft", headers=_as(editor)
    ).data.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(filtered), delimiter=";")][1:] == ["utkast"]


def _changed_at(dataset_id, moment):
    """Every activity and history entry of the dataset at that (UTC) time."""
    import sqlalchemy as sa

    from ckanext.gbgopendata import model as gbg_model

    model.Session.execute(sa.text("UPDATE activity SET timestamp = :t WHERE object_id = :id"), {"t": moment, "id": dataset_id})
    model.Session.execute(
        sa.update(gbg_model.checklist_event).where(gbg_model.checklist_event.c.package_id == dataset_id).values(created_at=moment)
    )
    model.repo.commit()


@pytest.mark.ckan_config("ckan.display_timezone", "Europe/Stockholm")
def test_the_overview_csv_writes_the_times_the_page_shows_in_swedish_time(app, organization, editor, admin):
    import datetime

    winter = draft(editor, organization, name="vinter")
    summer = published(editor, admin, organization, name="sommar")
    _changed_at(winter["id"], datetime.datetime(2027, 1, 15, 10, 30))  # UTC; CET is 1 hour ahead
    _changed_at(summer["id"], datetime.datetime(2027, 7, 1, 10, 30))  # CEST, 2 hours
    for prefix, delimiter, column in (("", ";", "Senast ändrad (svensk tid)"), ("/en", ",", "Last change (Swedish time)")):
        response = app.get(f"{prefix}/organization/{organization['name']}/publicering?format=csv", headers=_as(editor))
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))
        by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
        assert by_name["vinter"][column] == "2027-01-15 11:30"
        assert by_name["sommar"][column] == "2027-07-01 12:30"
    # the page shows the same times
    page = _page(app, f"/organization/{organization['name']}/publicering", editor)
    assert "15 januari 2027 11:30" in page.select_one('tr[data-dataset="vinter"]').get_text(" ", strip=True)
    assert "1 juli 2027 12:30" in page.select_one('tr[data-dataset="sommar"]').get_text(" ", strip=True)


def test_the_overview_csv_names_the_zone_of_its_times(app, organization, editor):
    import datetime

    dataset = draft(editor, organization, name="utc")
    _changed_at(dataset["id"], datetime.datetime(2027, 7, 1, 10, 30))
    rows = list(csv.reader(io.StringIO(app.get(
        f"/organization/{organization['name']}/publicering?format=csv", headers=_as(editor)
    ).data.decode("utf-8-sig")), delimiter=";"))
    assert dict(zip(rows[0], rows[1]))["Senast ändrad (UTC)"] == "2027-07-01 10:30"


def test_the_overview_pages(app, organization, editor, admin, every_status, monkeypatch):
    from ckanext.gbgopendata.views import publication

    monkeypatch.setattr(publication, "PAGE_SIZE", 3)
    first = _page(app, f"/organization/{organization['name']}/publicering", editor)
    second = _page(app, f"/organization/{organization['name']}/publicering?page=2", editor)
    names = [row["data-dataset"] for row in first.select("tr[data-dataset]")] + [
        row["data-dataset"] for row in second.select("tr[data-dataset]")
    ]
    assert sorted(names) == sorted(["utkast", "redo", "publik", "aldre-publik"])
    assert "Sida 2 av 2" in second.get_text()


def test_who_sees_the_overviews(app, organization, editor, admin, sysadmin, every_status):
    member = organization_member(organization, "member")
    url = f"/organization/{organization['name']}/publicering"
    for user, status in ((editor, 200), (admin, 200), (sysadmin, 200), (member, 403), (None, 403)):
        app.get(url, headers=_as(user), status=status)
        app.get(url + "?format=csv", headers=_as(user), status=status)
    for user, status in ((sysadmin, 200), (admin, 403), (editor, 403), (None, 403)):
        app.get("/ckan-admin/publicering", headers=_as(user), status=status)
    page = _page(app, "/ckan-admin/publicering", sysadmin)
    assert len(page.select("tr[data-dataset]")) == 4
    assert "Trafikkontoret" in page.get_text()


def test_the_checklist_of_a_public_dataset_is_there_for_its_editors(app, organization, editor, admin):
    # the control of the leak canary: the comment is shown to those who may see it
    dataset = published(editor, admin, organization)
    confirm(editor, dataset["id"], ["announced_and_followed_up"], comment="Meddelat på intranätet")
    assert "Meddelat på intranätet" in _page(app, f"/dataset/{dataset['name']}/checklist", editor).get_text()


def test_the_csv_names_the_missing_items_in_words(app, organization, editor, every_status):
    data = app.get(f"/organization/{organization['name']}/publicering?format=csv&status=ready", headers=_as(editor))
    rows = list(csv.reader(io.StringIO(app.get(
        f"/organization/{organization['name']}/publicering?format=csv", headers=_as(editor)
    ).data.decode("utf-8-sig")), delimiter=";"))
    missing = {row[0]: row[rows[0].index("Punkter som saknas")] for row in rows[1:]}
    assert "B. Informationsägaren godkänner att datamängden publiceras som öppna data." in missing["utkast"]
    assert missing["publik"] == ""
    assert data.status_code == 200


def test_the_new_dataset_form_offers_only_private_and_says_where_publishing_happens(app, organization, editor):
    page = _page(app, "/dataset/new", editor)
    assert [option["value"] for option in page.select("select#field-private option")] == ["True"]
    assert "Du publicerar den från dess publiceringschecklista" in page.select_one(".gbgopendata-creating-note").get_text()
    # an existing dataset's form still offers both
    dataset = published(editor, organization_member(organization, "admin"), organization)
    page = _page(app, f"/dataset/edit/{dataset['name']}", editor)
    assert {option["value"] for option in page.select("select#field-private option")} == {"True", "False"}
    assert page.select_one(".gbgopendata-creating-note") is None


def test_page_titles_end_in_the_portals_name_in_the_visitors_language(app):
    def title(path):
        return BeautifulSoup(app.get(path).body, "html.parser").title.get_text(strip=True)

    assert title("/") == "Göteborgs Stads öppna data"
    assert title("/en/") == "City of Gothenburg open data"
    assert title("/en/dataset/").endswith("- City of Gothenburg open data")
    assert title("/dataset/").endswith("- Göteborgs Stads öppna data")


def test_a_refused_unpublishing_is_explained_next_to_the_button_and_keeps_the_comment(app, organization, editor, admin):
    dataset = published(editor, admin, organization)
    response = app.post(
        f"/dataset/{dataset['name']}/unpublish", data={"comment": "Fel i kolumnen datum"}, headers=_as(editor),
        status=400,
    )
    page = BeautifulSoup(response.body, "html.parser")
    section = page.select_one("#publication")
    assert "Kryssa i rutan för att bekräfta" in section.select_one(".gbg-checklist-errors").get_text()
    assert section.select_one("#unpublish-comment").get_text() == "Fel i kolumnen datum"
    assert section.select_one("form")["action"].endswith("/unpublish#publication")
    assert page.select_one("form.gbg-checklist").find_previous(class_="gbg-checklist-errors") is None
    assert "Klassning: konfidentialitet / riktighet / tillgänglighet" in _page(
        app, f"/organization/{organization['name']}/publicering", editor
    ).select_one(".gbg-overview-legend").get_text()


def test_the_overview_shows_which_drafts_await_the_admins_approval(app, organization, editor, admin):
    waiting = draft(editor, organization, name="vantar")
    confirm(editor, waiting["id"], editor_items())
    draft(editor, organization, name="pabörjad".replace("ö", "o"))
    page = _page(app, f"/organization/{organization['name']}/publicering", admin)
    badges = {
        row["data-dataset"]: row.select_one(".gbg-awaiting-approval") is not None for row in page.select("tr[data-dataset]")
    }
    assert badges == {"vantar": True, "paborjad": False}
    assert "Väntar på administratörens godkännande" in page.select_one("tr[data-dataset=vantar]").get_text()

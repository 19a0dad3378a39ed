"""The checklist's actions and the rule's checklist condition, through
CKAN's action API against the real database: who may do what, ticking,
publishing only when complete (on every path), fail-closed unpublishing,
history, concurrency and bad input."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.tests.checklist_helpers import (
    DEFAULT_CHECKLIST,
    admin_items,
    complete_metadata,
    confirm,
    draft,
    editor_items,
    published,
    ready,
    required_confirmed_items,
)
from ckanext.gbgopendata.tests.helpers import derived_ini, organization_fields, organization_member, resource_fields

pytestmark = [pytest.mark.usefixtures("with_plugins"), DEFAULT_CHECKLIST]


@pytest.fixture
def admin(organization):
    return organization_member(organization, "admin")


@pytest.fixture
def member(organization):
    return organization_member(organization, "member")


@pytest.fixture
def other_editor(clean_db):
    other = factories.Organization(name="miljoforvaltningen", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    return organization_member(other, "editor")


def call(action, user=None, **data):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return ckan_helpers.call_action(action, context=context, **data)


def stored_confirmations(dataset_id):
    return gbg_model.checklist_confirmations(dataset_id)


def history(dataset_id):
    return gbg_model.checklist_events(dataset_id)


# --- the rule: a dataset becomes public only with a complete checklist ----------------


def test_a_new_dataset_cannot_be_created_public_and_the_refusal_names_the_items(organization, editor):
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_create", editor, owner_org=organization["id"], private=False, **complete_metadata())
    messages = " ".join(raised.value.error_dict["private"])
    # In Swedish, the default language, only.
    assert "Informationsägaren godkänner att datamängden publiceras som öppna data" in messages
    assert "Data är granskad och publiceringen är testad" in messages
    assert "The information owner approves" not in messages and "checklist item" not in messages
    assert model.Session.query(model.Package).count() == 0


def test_publish_is_refused_until_the_checklist_is_complete_then_allowed(organization, editor, admin):
    dataset = draft(editor, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_dataset_publish", editor, id=dataset["id"])
    assert "checklist" in raised.value.error_dict
    assert len(raised.value.error_dict["checklist"]) == len(required_confirmed_items())

    confirm(editor, dataset["id"], editor_items())
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_dataset_publish", editor, id=dataset["id"])
    assert raised.value.error_dict["checklist"] == [
        "Checklistans punkt B. «Informationsägaren godkänner att datamängden publiceras som öppna data.» är inte "
        "bekräftad av en administratör i organisationen."
    ]
    assert call("package_show", editor, id=dataset["id"])["private"] is True

    confirm(admin, dataset["id"], admin_items())
    result = call("gbg_dataset_publish", editor, id=dataset["id"])
    assert result["private"] is False and result["status"] == "public"
    anonymous = call("package_search", None, q="*:*")
    assert [found["id"] for found in anonymous["results"]] == [dataset["id"]]


@pytest.mark.parametrize(
    "path",
    ["package_update", "package_patch", "package_revise", "bulk_update_public", "resource_create"],
)
def test_every_write_path_refuses_to_publish_an_incomplete_checklist(organization, editor, admin, path):
    dataset = draft(editor, organization)
    confirm(editor, dataset["id"], editor_items())  # the admin's approval is missing
    with pytest.raises(toolkit.ValidationError) as raised:
        if path == "package_update":
            shown = call("package_show", editor, id=dataset["id"])
            call("package_update", editor, **dict(shown, private=False))
        elif path == "package_patch":
            call("package_patch", editor, id=dataset["id"], private=False)
        elif path == "package_revise":
            call("package_revise", editor, match={"id": dataset["id"]}, update={"private": False})
        elif path == "bulk_update_public":
            call("bulk_update_public", admin, datasets=[dataset["id"]], org_id=organization["id"])
        else:
            # a resource save keeps the dataset's `private`: make it public in
            # the same request is not possible, so publish by patch via resource
            shown = call("package_show", editor, id=dataset["id"])
            call("package_update", editor, **dict(shown, private=False, resources=shown["resources"] + [resource_fields()]))
    text = str(raised.value.error_dict)
    assert "Informationsägaren godkänner" in text and "information owner approves" not in text
    assert call("package_show", editor, id=dataset["id"])["private"] is True


def test_a_sysadmin_cannot_publish_past_the_checklist_either(organization, editor, sysadmin):
    dataset = draft(editor, organization)
    with pytest.raises(toolkit.ValidationError):
        call("package_patch", sysadmin, id=dataset["id"], private=False)
    with pytest.raises(toolkit.ValidationError):
        call("gbg_dataset_publish", sysadmin, id=dataset["id"])
    assert model.Package.get(dataset["id"]).private is True


def test_a_harvest_import_cannot_create_a_public_dataset_without_a_checklist(organization, sysadmin):
    from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION
    from ckanext.gbgopendata.tests.test_dcat_parse import EVERY_FORM, _parse

    [imported] = _parse(EVERY_FORM)
    imported.update(OPEN_CLASSIFICATION, owner_org=organization["id"], private=False)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_create", sysadmin, **imported)
    assert "Checklistans punkt" in str(raised.value.error_dict["private"])
    assert model.Session.query(model.Package).count() == 0


def test_a_complete_checklist_on_the_web_form_publishes(app, organization, editor, admin):
    dataset = ready(editor, admin, organization)
    shown = call("package_show", editor, id=dataset["id"])
    result = call("package_update", editor, **dict(shown, private=False))
    assert result["private"] is False
    assert [event["event"] for event in history(dataset["id"])][:1] == ["published"]


# --- who may do what ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["sysadmin", "admin", "editor"])
def test_those_who_may_edit_see_and_change_the_checklist(organization, editor, admin, sysadmin, role):
    user = {"sysadmin": sysadmin, "admin": admin, "editor": editor}[role]
    dataset = draft(editor, organization)
    shown = call("gbg_checklist_show", user, id=dataset["id"])
    assert {item["id"] for item in shown["items"]} >= set(editor_items())
    result = confirm(user, dataset["id"], ["tested"], comment="Testat 2026-11-29")
    tested = next(item for item in result["items"] if item["id"] == "tested")
    assert tested["confirmed"] is True and tested["comment"] == "Testat 2026-11-29"


@pytest.mark.parametrize("role", ["member", "other_editor", "anonymous"])
@pytest.mark.parametrize("public", [False, True])
def test_members_others_and_anonymous_may_not_see_or_change_the_checklist(
    organization, editor, admin, member, other_editor, role, public
):
    user = {"member": member, "other_editor": other_editor, "anonymous": None}[role]
    dataset = published(editor, admin, organization) if public else draft(editor, organization)
    before = stored_confirmations(dataset["id"])
    for action, data in (
        ("gbg_checklist_show", {}),
        ("gbg_checklist_update", {"items": [{"id": "tested", "confirmed": False}]}),
        ("gbg_dataset_publish", {}),
        ("gbg_dataset_unpublish", {}),
    ):
        # A private dataset is "not found" for those who may not see it (as
        # in package_show); its members see it, but not its checklist.
        refusal = toolkit.ObjectNotFound if not public and role != "member" else toolkit.NotAuthorized
        with pytest.raises(refusal):
            call(action, user, id=dataset["id"], **data)
    assert stored_confirmations(dataset["id"]) == before
    assert model.Package.get(dataset["id"]).private is (not public)


def test_the_checklist_is_not_public_over_http(app, organization, editor, admin):
    dataset = published(editor, admin, organization)
    response = app.get(f"/api/3/action/gbg_checklist_show?id={dataset['id']}", status=403)
    assert "Testat" not in response.body
    response = app.get(
        f"/api/3/action/gbg_checklist_show?id={dataset['id']}",
        headers={"Authorization": editor["token"]},
        status=200,
    )
    assert response.json["result"]["status"] == "public"


def test_only_an_organisation_admin_confirms_the_owners_approval(organization, editor, admin, sysadmin):
    dataset = draft(editor, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        confirm(editor, dataset["id"], ["owner_approval"])
    assert raised.value.error_dict["items"] == [
        "owner_approval («Informationsägaren godkänner att datamängden publiceras som öppna data.») får bara "
        "bekräftas av en administratör i organisationen."
    ]
    assert stored_confirmations(dataset["id"]) == {}
    shown = call("gbg_checklist_show", editor, id=dataset["id"])
    approval = next(item for item in shown["items"] if item["id"] == "owner_approval")
    assert approval["may_confirm"] is False
    confirm(admin, dataset["id"], ["owner_approval"])
    confirm(sysadmin, dataset["id"], ["owner_approval"], confirmed=False)
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is False


# --- fail closed: unticking, and edits that break an automatic item -------------------


def test_unticking_a_required_item_of_a_public_dataset_makes_it_private_with_a_history_entry(
    organization, editor, admin
):
    dataset = published(editor, admin, organization)
    result = confirm(editor, dataset["id"], ["personal_data"], confirmed=False)
    assert result["private"] is True and result["status"] == "draft"
    assert model.Package.get(dataset["id"]).private is True
    assert call("package_search", None, q="*:*")["count"] == 0
    events = history(dataset["id"])
    assert [event["event"] for event in events[:2]] == ["unpublished_automatically", "unconfirmed"]
    assert events[0]["reason"] == "item_unconfirmed:personal_data"
    shown = call("gbg_checklist_show", editor, id=dataset["id"])
    assert "«Datamängden innehåller inga personuppgifter" in shown["history"][0]["reason"]


def test_unticking_an_optional_item_leaves_a_public_dataset_public(organization, editor, admin):
    dataset = published(editor, admin, organization)
    confirm(editor, dataset["id"], ["announced_and_followed_up"])
    confirm(editor, dataset["id"], ["announced_and_followed_up"], confirmed=False)
    assert model.Package.get(dataset["id"]).private is False


def test_an_edit_of_a_public_dataset_that_breaks_an_automatic_item_is_refused_naming_it(organization, editor, admin):
    dataset = published(editor, admin, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_patch", editor, id=dataset["id"], title_translated={"sv": "Parkeringsplatser"})
    assert "Titel och beskrivning finns på svenska och engelska" in str(raised.value.error_dict["title_translated"])
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_patch", editor, id=dataset["id"], contact=[])
    assert "kontaktpunkt med e-postadress" in str(raised.value.error_dict)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("resource_delete", editor, id=dataset["resources"][0]["id"])
    assert "Ändringen bryter checklistans punkt B. «Minst en distribution har ett öppet, maskinläsbart format.»" in str(
        raised.value.error_dict
    )
    stored = call("package_show", editor, id=dataset["id"])
    assert stored["title_translated"]["en"] == "Parking spaces" and len(stored["resources"]) == 1
    assert stored["private"] is False


def test_a_dataset_published_before_the_checklist_stays_public_and_is_listed(organization, editor, cli, tmp_path):
    # As it was stored before this feature: public, with no checklist.
    with_checklist_off = draft(editor, organization)
    pkg = model.Package.get(with_checklist_off["id"])
    pkg.private = False
    model.repo.commit()
    from ckan.lib import search

    search.rebuild(pkg.id)
    assert call("package_search", None, q="*:*")["count"] == 1
    # an ordinary edit is still possible
    call("package_patch", editor, id=pkg.id, version="2")
    assert model.Package.get(pkg.id).private is False
    assert call("gbg_checklist_show", editor, id=pkg.id)["status"] == "public_incomplete"

    from ckan.cli.cli import ckan as ckan_command

    # The command reads its own configuration: the test's, with the default checklist.
    ini = derived_ini(tmp_path / "default-checklist.ini", **{"ckanext.gbgopendata.checklist_file": ""})
    result = cli.invoke(ckan_command, ["-c", str(ini), "gbgopendata", "publication-check"])
    assert result.exit_code == 0, result.output
    assert f"{pkg.name}: " in result.output and "owner_approval" in result.output


# --- history -----------------------------------------------------------------------------


def test_the_history_keeps_every_change_newest_first_across_edits_and_is_purged(
    organization, editor, admin, sysadmin
):
    dataset = draft(editor, organization)
    confirm(editor, dataset["id"], ["tested"], comment="Länkarna testade")
    call("gbg_checklist_update", editor, id=dataset["id"], items=[{"id": "tested", "comment": "Länkar och filer testade"}])
    confirm(editor, dataset["id"], editor_items())
    confirm(admin, dataset["id"], admin_items(), comment="Beslut 2026-11-29")
    call("gbg_dataset_publish", admin, id=dataset["id"])
    call("package_patch", editor, id=dataset["id"], version="1.1")  # an edit keeps the history
    call("gbg_dataset_unpublish", admin, id=dataset["id"], comment="Fel i filen")
    shown = call("gbg_checklist_show", editor, id=dataset["id"])
    events = [(entry["event"], entry["item_id"]) for entry in shown["history"]]
    assert events[0] == ("unpublished", None) and shown["history"][0]["comment"] == "Fel i filen"
    assert events[1] == ("published", None)
    assert events[2] == ("confirmed", "owner_approval") and shown["history"][2]["comment"] == "Beslut 2026-11-29"
    assert events[-2:] == [("commented", "tested"), ("confirmed", "tested")]
    assert shown["history"][-1]["comment"] == "Länkarna testade"
    assert shown["history"][0]["user"] == admin["display_name"]
    assert all(entry["created_at"] for entry in shown["history"])

    call("dataset_purge", sysadmin, id=dataset["id"])
    assert history(dataset["id"]) == [] and stored_confirmations(dataset["id"]) == {}


def test_raising_confidentiality_unpublishes_with_a_history_entry(organization, editor, admin):
    dataset = published(editor, admin, organization)
    call("package_patch", editor, id=dataset["id"], confidentiality_level="1")
    event = history(dataset["id"])[0]
    assert event["event"] == "unpublished_automatically" and event["reason"] == "confidentiality_raised:1"


# --- concurrency ----------------------------------------------------------------------


def _in_threads(app, *calls):
    """Runs each call in its own thread (so its own database session and
    transaction), started together; returns their exceptions."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(function):
        try:
            with app.flask_app.test_request_context():
                barrier.wait()
                function()
        except Exception as error:  # noqa: BLE001 (reported to the test)
            errors.append(error)
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=run, args=(function,)) for function in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_two_editors_saving_different_items_at_once_lose_neither(app, organization, editor, admin):
    other = organization_member(organization, "editor")
    dataset = draft(editor, organization)
    model.Session.remove()
    errors = _in_threads(
        app,
        lambda: confirm(editor, dataset["id"], ["tested"], comment="A"),
        lambda: confirm(other, dataset["id"], ["update_plan"], comment="B"),
    )
    assert errors == []
    stored = stored_confirmations(dataset["id"])
    assert stored["tested"]["confirmed"] and stored["tested"]["comment"] == "A"
    assert stored["update_plan"]["confirmed"] and stored["update_plan"]["comment"] == "B"


def test_the_same_item_saved_twice_at_once_ends_in_one_state_with_both_in_the_history(app, organization, editor, admin):
    other = organization_member(organization, "editor")
    dataset = draft(editor, organization)
    model.Session.remove()
    errors = _in_threads(
        app,
        lambda: confirm(editor, dataset["id"], ["tested"], confirmed=True),
        lambda: confirm(other, dataset["id"], ["tested"], confirmed=False),
    )
    assert errors == []
    events = [event for event in history(dataset["id"]) if event["item_id"] == "tested"]
    assert sorted(event["event"] for event in events) == ["confirmed", "unconfirmed"]
    # the stored state is the last one written
    assert stored_confirmations(dataset["id"])["tested"]["confirmed"] is (events[0]["event"] == "confirmed")


def test_an_untick_racing_a_publish_never_leaves_a_public_dataset_with_the_item_unticked(app, organization, editor, admin):
    dataset = ready(editor, admin, organization)
    model.Session.remove()
    _in_threads(
        app,
        lambda: call("gbg_dataset_publish", admin, id=dataset["id"]),
        lambda: confirm(editor, dataset["id"], ["no_secrecy"], confirmed=False),
    )
    model.Session.remove()
    pkg = model.Package.get(dataset["id"])
    unticked = not stored_confirmations(dataset["id"])["no_secrecy"]["confirmed"]
    assert unticked and pkg.private is True


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items, message",
    [
        ([{"id": "no_such_item", "confirmed": True}], "«no_such_item» är ingen punkt i checklistan."),
        ([{"id": "contact_email", "confirmed": True}], "kan inte bockas av för hand"),
        ([{"id": "tested", "confirmed": True, "comment": "x" * 2001}], "högst 2000 tecken (den har 2001)"),
        ([{"id": "tested", "confirmed": "yes"}], "confirmed ska vara true eller false"),
        ([{"id": "tested"}], "ange confirmed, comment eller båda"),
        ([{"id": "tested", "confirmed": True, "by": "me"}], "okända fält by"),
        ([{"id": "tested", "comment": 7}], "kommentaren ska vara text"),
        ([{"id": "tested", "comment": "a\x00b"}], "kontrolltecken"),
        ([{"confirmed": True}], "ange punktens id som text"),
        ([{"id": "tested", "confirmed": True}, {"id": "tested", "confirmed": False}], "punkten finns två gånger"),
        ("tested", "Ange en lista med punkter"),
        ([], "Ange en lista med punkter"),
    ],
)
def test_bad_input_is_refused_naming_the_item_and_nothing_is_stored(organization, editor, items, message):
    dataset = draft(editor, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_checklist_update", editor, id=dataset["id"], items=[{"id": "update_plan", "confirmed": True}] + items
             if isinstance(items, list) and items else items)
    assert message in " ".join(raised.value.error_dict["items"])
    assert stored_confirmations(dataset["id"]) == {}
    assert history(dataset["id"]) == []


def test_bad_input_over_http_is_a_400_in_the_requests_language(app, organization, editor):
    dataset = draft(editor, organization)
    response = app.post(
        "/api/3/action/gbg_checklist_update",
        json={"id": dataset["id"], "items": [{"id": "owner_approval", "confirmed": True}]},
        headers={"Authorization": editor["token"], "Accept-Language": "en"},
        status=409,
    )
    assert response.json["error"]["items"] == [
        "owner_approval («The information owner approves publishing the dataset as open data.») may only be "
        "confirmed by an administrator of the organisation."
    ]
    for payload in ({"id": dataset["id"], "items": "x"}, {"id": 7}, {"items": []}, {"id": "no-such-dataset", "items": []}):
        response = app.post(
            "/api/3/action/gbg_checklist_update", json=payload, headers={"Authorization": editor["token"]}, expect_errors=True
        )
        assert response.status_code in (404, 409), (payload, response.status_code, response.body)
    assert stored_confirmations(dataset["id"]) == {}


# --- the migration ---------------------------------------------------------------------------


def test_the_migration_creates_the_checklist_tables_on_a_fresh_database(clean_db, cli):
    from ckan.cli.cli import ckan as ckan_command

    engine = model.meta.engine
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE gbgopendata_checklist_event"))
        connection.execute(sa.text("DROP TABLE gbgopendata_checklist_confirmation"))
        # and without what later migrations made (the kept catalogue, the quality)
        for table in ("gbgopendata_dcat_fragment", "gbgopendata_dcat_node", "gbgopendata_dcat_document",
                      "gbgopendata_quality", "gbgopendata_link_check"):
            connection.execute(sa.text(f"DROP TABLE {table}"))
    # the portal as it was before the checklist: at the first migration
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE gbgopendata_alembic_version SET version_num = '0001_classification_change'"))
    result = cli.invoke(ckan_command, ["db", "upgrade", "-p", "gbgopendata"])
    assert result.exit_code == 0, result.output
    with engine.begin() as connection:
        tables = sa.inspect(connection).get_table_names()
    assert {"gbgopendata_checklist_event", "gbgopendata_checklist_confirmation", "gbgopendata_dcat_fragment",
            "gbgopendata_dcat_node", "gbgopendata_dcat_document", "gbgopendata_quality",
            "gbgopendata_link_check"} <= set(tables)


# --- moving between organisations, and datasets left half-created ---------------------------


@pytest.fixture
def other_organization(clean_db):
    return factories.Organization(name="stadsledningskontoret", **organization_fields(
        title_translated={"sv": "Stadsledningskontoret", "en": "City Executive Office"}))


@pytest.mark.parametrize("path", ["package_patch", "package_owner_org_update"])
def test_moving_a_public_dataset_withdraws_the_approval_and_unpublishes_it(
    organization, editor, admin, sysadmin, other_organization, path
):
    dataset = published(editor, admin, organization)
    if path == "package_patch":
        call("package_patch", sysadmin, id=dataset["id"], owner_org=other_organization["id"])
    else:
        call("package_owner_org_update", sysadmin, id=dataset["id"], organization_id=other_organization["id"])
    pkg = model.Package.get(dataset["id"])
    assert pkg.owner_org == other_organization["id"] and pkg.private is True
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is False
    assert stored_confirmations(dataset["id"])["tested"]["confirmed"] is True  # the editors' items stay
    events = history(dataset["id"])
    assert {(event["event"], event["reason"]) for event in events[:2]} == {
        ("unconfirmed", "organisation_changed"),
        ("unpublished_automatically", "organisation_changed"),
    }
    assert call("package_search", None, q="*:*")["count"] == 0
    # The new organisation's admin approves before it is public again.
    new_admin = organization_member(other_organization, "admin")
    with pytest.raises(toolkit.ValidationError):
        call("gbg_dataset_publish", sysadmin, id=dataset["id"])
    confirm(new_admin, dataset["id"], ["owner_approval"])
    assert call("gbg_dataset_publish", new_admin, id=dataset["id"])["status"] == "public"


def test_moving_a_private_dataset_withdraws_the_approval(organization, editor, admin, sysadmin, other_organization):
    dataset = ready(editor, admin, organization)
    call("package_patch", sysadmin, id=dataset["id"], owner_org=other_organization["id"])
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is False
    assert call("gbg_checklist_show", sysadmin, id=dataset["id"])["status"] == "draft"


def test_a_private_dataset_moved_and_published_in_one_save_needs_the_new_approval(
    organization, editor, admin, sysadmin, other_organization
):
    dataset = ready(editor, admin, organization)
    with pytest.raises(toolkit.ValidationError) as raised:
        call("package_patch", sysadmin, id=dataset["id"], owner_org=other_organization["id"], private=False)
    assert "private" in raised.value.error_dict
    pkg = model.Package.get(dataset["id"])
    assert pkg.owner_org == organization["id"] and pkg.private is True
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is True  # nothing saved


# --- a change of confidentiality level ends the approval -----------------------------------


def test_raising_then_lowering_and_publishing_needs_a_new_approval(organization, editor, admin):
    dataset = published(editor, admin, organization)
    raised = call("package_patch", editor, id=dataset["id"], confidentiality_level="1")
    assert raised["private"] is True
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is False
    assert stored_confirmations(dataset["id"])["tested"]["confirmed"] is True  # the editors' items stay
    events = history(dataset["id"])
    assert ("unconfirmed", "confidentiality_changed:0:1") in {(event["event"], event["reason"]) for event in events}
    # Lowering and publishing in one save: the approval given before the raise does not count.
    with pytest.raises(toolkit.ValidationError) as refused:
        call("package_patch", editor, id=dataset["id"], confidentiality_level="0", private=False,
             metadata_modified=raised["metadata_modified"])
    assert "private" in refused.value.error_dict
    assert model.Package.get(dataset["id"]).private is True
    # The owner approves the level-0 dataset anew; then it may be published.
    lowered = call("package_patch", editor, id=dataset["id"], confidentiality_level="0",
                   metadata_modified=raised["metadata_modified"])
    assert lowered["private"] is True
    confirm(admin, dataset["id"], ["owner_approval"])
    assert call("gbg_dataset_publish", editor, id=dataset["id"])["status"] == "public"


def test_an_approval_given_at_another_level_does_not_publish(organization, editor, admin):
    """Approved while classified at level 1 (it was then private), lowered to
    0 and published in one save: the approval was of level 1."""
    dataset = ready(editor, admin, organization, confidentiality_level="1")
    shown = call("package_show", editor, id=dataset["id"])
    with pytest.raises(toolkit.ValidationError):
        call("package_patch", editor, id=dataset["id"], confidentiality_level="0", private=False,
             metadata_modified=shown["metadata_modified"])
    assert model.Package.get(dataset["id"]).private is True
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is True  # the refused save changed nothing
    lowered = call("package_patch", editor, id=dataset["id"], confidentiality_level="0",
                   metadata_modified=shown["metadata_modified"])
    assert lowered["private"] is True
    assert stored_confirmations(dataset["id"])["owner_approval"]["confirmed"] is False
    texts = [event for event in call("gbg_checklist_show", editor, id=dataset["id"])["history"]
             if event["event"] == "unconfirmed" and "ändrades från nivå 1 till 0" in event["reason"]]
    assert texts, "the history says why the approval was withdrawn"


def test_a_dataset_left_half_created_is_a_draft_and_cannot_be_published(organization, editor, admin):
    dataset = call(
        "package_create", editor, owner_org=organization["id"], name="halvfardig", private=True, state="draft",
        **complete_metadata(),
    )
    confirm(editor, dataset["id"], editor_items())
    confirm(admin, dataset["id"], admin_items())
    shown = call("gbg_checklist_show", editor, id=dataset["id"])
    assert shown["status"] == "draft" and shown["may_publish"] is False
    with pytest.raises(toolkit.ValidationError) as raised:
        call("gbg_dataset_publish", admin, id=dataset["id"])
    assert "Datamängden är inte färdigskapad" in raised.value.error_dict["state"][0]
    assert model.Package.get(dataset["id"]).private is True

    from ckanext.gbgopendata.logic import overview

    assert {row.name: row.status for row in overview.rows([organization["id"]])} == {"halvfardig": "draft"}


def test_bulk_publishing_and_unpublishing_are_in_the_history_once(organization, editor, admin):
    # CKAN 2.12 saves each dataset through package_update (its hooks write the
    # entry); CKAN 2.11 writes past it (the chained bulk action writes it).
    dataset = ready(editor, admin, organization)
    call("bulk_update_public", admin, datasets=[dataset["id"]], org_id=organization["id"])
    assert model.Package.get(dataset["id"]).private is False
    call("bulk_update_private", admin, datasets=[dataset["name"]], org_id=organization["id"])
    assert model.Package.get(dataset["id"]).private is True
    events = [(event["event"], event["user_id"]) for event in history(dataset["id"])[:3]]
    assert events[:2] == [("unpublished", admin["id"]), ("published", admin["id"])]
    assert events[2][0] == "confirmed"


# --- the reasons in the language the client asks for ------------------------------------


def _api_errors(app, user, action, payload, query, headers):
    response = app.post(
        f"/api/action/{action}{query}", json=payload, headers={"Authorization": user["token"], **headers},
        expect_errors=True,
    )
    assert response.status_code == 409, response.body
    return response.json["error"]


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [("", {}, "sv"), ("?lang=en", {}, "en"), ("", {"Accept-Language": "en"}, "en"), ("?lang=sv", {"Accept-Language": "en"}, "sv")],
)
def test_the_api_gives_the_rules_reasons_in_the_language_asked_for_only(app, organization, editor, query, headers, lang):
    dataset = draft(editor, organization)
    refused_save = _api_errors(
        app, editor, "package_patch", {"id": dataset["id"], "private": False, "license_id": "CC-BY-NC-4.0"}, query, headers
    )
    refused_publish = _api_errors(app, editor, "gbg_dataset_publish", {"id": dataset["id"]}, query, headers)

    licence = refused_save["license_id"][-1]
    assert refused_save["private"][0] == licence  # the reason under the rule and under its field
    checklist = refused_publish["checklist"]
    assert len(checklist) == len(required_confirmed_items())
    owner_item = next(reason for reason in checklist if "«" in reason and "admin" in reason.lower())
    if lang == "sv":
        assert licence.startswith("Licensen CC BY-NC 4.0 får inte användas på en offentlig datamängd")
        assert licence.endswith("CC0 1.0 (CC0-1.0) eller CC BY 4.0 (CC-BY-4.0).")
        assert all(reason.startswith("Checklistans punkt ") for reason in checklist)
        assert "«Informationsägaren godkänner att datamängden publiceras som öppna data.»" in owner_item
    else:
        assert licence.startswith("The licence CC BY-NC 4.0 may not be used on a public dataset")
        assert licence.endswith("CC0 1.0 (CC0-1.0) or CC BY 4.0 (CC-BY-4.0).")
        assert all(reason.startswith("The checklist item ") for reason in checklist)
        assert "«The information owner approves publishing the dataset as open data" in owner_item
    # No word of the other language (the rule's texts, its "or", the items' texts), nothing joined with " / ".
    every = " ".join(reason for errors in (refused_save, refused_publish) for reasons in errors.values() for reason in reasons)
    other = (
        ("The ", "checklist item", "confirmed", "licence", " or ", "owner approves")
        if lang == "sv"
        else ("Checklistans", "punkt", "bekräftad", "Licensen", " eller ", "Informationsägaren")
    )
    assert [word for word in other if word in every] == [] and " / " not in every
    assert toolkit.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})["private"] is True

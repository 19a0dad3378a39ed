"""The publication rule off the ordinary path: other dataset types, stale
full updates, relationships, moving a dataset to another organisation, the
search index rebuild, resource search and the dataset list with resources.

Each test was written against a reproduced hole (hardening issue) and
failed before its fix.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.model as model
from ckan.lib import search
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.tests.helpers import (
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    organization_member,
    resource_fields,
)

LEVEL_1 = {**OPEN_CLASSIFICATION, "confidentiality_level": "1"}


def _as(user: dict | None) -> dict[str, Any]:
    return {"user": user["name"] if user else "", "ignore_auth": False}


def _api(app, action: str, user: dict | None = None, **params) -> tuple[int, dict]:
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(f"/api/3/action/{action}", query_string=params, headers=headers)
    return response.status_code, json.loads(response.get_data(as_text=True))


# --- 1. every dataset type -------------------------------------------------------------------

OTHER_TYPES = ["harvest", "Dataset", "dataset ", "showcase", "", None, 7, ["dataset"]]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("role", ["editor", "sysadmin"])
@pytest.mark.parametrize("dataset_type", OTHER_TYPES, ids=[repr(t) for t in OTHER_TYPES])
def test_a_dataset_of_another_type_is_refused(organization, editor, sysadmin, role, dataset_type):
    user = editor if role == "editor" else sysadmin
    before = model.Session.query(model.Package).count()
    with pytest.raises(toolkit.ValidationError) as raised:
        helpers.call_action(
            "package_create",
            context=_as(user),
            type=dataset_type,
            name="smuggled",
            title="Smuggled",
            owner_org=organization["id"],
            private=False,
            extras=[{"key": "confidentiality_level", "value": "2"}],
        )
    if (dataset_type, role) == ("harvest", "sysadmin"):
        # A harvest source, which only a sysadmin may write (test_harvest.py):
        # ckanext-harvest's schema refuses one without its URL and source type.
        assert {"url", "source_type"} <= set(raised.value.error_dict)
    else:
        assert "type" in raised.value.error_dict
        assert "dataset" in raised.value.error_dict["type"][0]
    assert model.Session.query(model.Package).count() == before


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("action", ["package_update", "package_patch"])
def test_an_update_cannot_change_the_type(organization, editor, action):
    created = helpers.call_action(
        "package_create", context=_as(editor), name="parkering", owner_org=organization["id"], private=True,
        **dataset_fields(**LEVEL_1),
    )
    data = created if action == "package_update" else {"id": created["id"]}
    with pytest.raises(toolkit.ValidationError) as raised:
        helpers.call_action(action, context=_as(editor), **dict(data, type="harvest", private=False))
    assert "type" in raised.value.error_dict
    stored = model.Package.get(created["id"])
    assert (stored.type, stored.private) == ("dataset", True)


@pytest.mark.usefixtures("with_plugins")
def test_a_stored_dataset_of_another_type_is_treated_as_private(app, organization):
    """A dataset of another type stored before the fix (or past the action
    layer) is labelled private, even when its extras say level 0."""
    pkg = model.Package(name="fore-regeln", title="Före regeln", type="harvest", private=False,
                        owner_org=organization["id"], license_id="CC0-1.0")
    pkg.extras = {**OPEN_CLASSIFICATION}
    model.Session.add(pkg)
    model.repo.commit()
    search.rebuild(pkg.id)
    status, body = _api(app, "package_show", id=pkg.id)
    assert status == 404
    status, body = _api(app, "package_search", q="name:fore-regeln")
    assert body["result"]["count"] == 0


# --- 2. resource_search ---------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_resource_search_finds_no_resource_of_a_dataset_that_may_not_be_public(app, organization, editor):
    # Stored public against the rule (as before the rule existed): labelled private.
    pkg = model.Package(name="gammal", title="Gammal", type="dataset", private=False, owner_org=organization["id"])
    pkg.extras = {**LEVEL_1}
    pkg.resources_all.append(model.Resource(url="https://intern.goteborg.se/hemligtoken1.csv", name="hemligt"))
    model.Session.add(pkg)
    open_dataset = helpers.call_action(
        "package_create", context=_as(editor), name="oppen", owner_org=organization["id"], private=False,
        resources=[resource_fields(url="https://goteborg.se/oppentoken1.csv")], **dataset_fields(),
    )
    model.repo.commit()
    status, body = _api(app, "resource_search", query="url:token1")
    assert status == 200
    assert [r["package_id"] for r in body["result"]["results"]] == [open_dataset["id"]]
    assert body["result"]["count"] == 1
    assert "hemligtoken1" not in json.dumps(body)
    # Paging applies after the filter.
    status, body = _api(app, "resource_search", query="url:token1", limit=1, offset=1)
    assert body["result"] == {"count": 1, "results": []}
    # The organisation still finds it.
    status, body = _api(app, "resource_search", user=editor, query="url:hemligtoken1")
    assert body["result"]["count"] == 1


# --- 3. current_package_list_with_resources -------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_the_dataset_list_with_resources_keeps_internal_fields_in(app, organization, editor, viewer):
    helpers.call_action(
        "package_create", context=_as(editor), name="oppen", owner_org=organization["id"], private=False,
        resources=[resource_fields()], **dataset_fields(),
    )
    other = factories.Organization(name="miljo", **organization_fields())
    user = organization_member(other, "editor") if viewer == "outsider" else None
    status, body = _api(app, "current_package_list_with_resources", user=user, limit=100)
    assert status == 200
    [dataset] = body["result"]
    assert dataset["name"] == "oppen"
    text = json.dumps(dataset)
    for field in ("integrity_level", "availability_level", "classified_by", "classification_date"):
        assert field not in text
    status, body = _api(app, "current_package_list_with_resources", user=editor, limit=100)
    assert body["result"][0]["classified_by"] == editor["id"]


# --- 4. relationships -----------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_relationships_show_no_dataset_the_viewer_may_not_read(app, organization, editor, sysadmin):
    public = helpers.call_action(
        "package_create", context=_as(editor), name="oppen", owner_org=organization["id"], private=False,
        **dataset_fields(),
    )
    private = helpers.call_action(
        "package_create", context=_as(editor), name="hemlig-relationtoken", owner_org=organization["id"],
        private=True, **dataset_fields(**LEVEL_1),
    )
    helpers.call_action(
        "package_relationship_create", context=_as(sysadmin), subject=public["id"], object=private["id"],
        type="child_of", comment="kommentarstoken",
    )
    for action, params in (
        ("package_relationships_list", {"id": public["id"]}),
        ("package_show", {"id": public["id"]}),
        ("package_search", {"q": "*:*"}),
        ("package_search", {"q": "child_of:*"}),
    ):
        status, body = _api(app, action, **params)
        assert status == 200, action
        text = json.dumps(body)
        assert "relationtoken" not in text and "kommentarstoken" not in text, action
    # The organisation sees the relationship.
    status, body = _api(app, "package_relationships_list", user=editor, id=public["id"])
    assert [(r["object"], r["comment"]) for r in body["result"]] == [("hemlig-relationtoken", "kommentarstoken")]


@pytest.mark.usefixtures("with_plugins")
def test_relationships_are_not_written_through_package_update(organization, editor):
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="oppen", owner_org=organization["id"], private=True,
        **dataset_fields(),
    )
    with pytest.raises(toolkit.ValidationError) as raised:
        helpers.call_action(
            "package_patch", context=_as(editor), id=dataset["id"],
            relationships_as_subject=[{"object": dataset["id"], "type": "child_of"}],
        )
    assert "relationships_as_subject" in raised.value.error_dict


# --- 5. moving a dataset to another organisation -----------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_moving_a_dataset_updates_the_index(app, organization, editor, sysadmin):
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="flyttad-flyttoken", owner_org=organization["id"],
        private=True, **dataset_fields(**LEVEL_1),
    )
    other = factories.Organization(name="miljo", **organization_fields())
    helpers.call_action("package_owner_org_update", context=_as(sysadmin), id=dataset["id"], organization_id=other["id"])
    status, body = _api(app, "package_search", user=editor, q="flyttoken", include_private=True)
    assert body["result"]["count"] == 0
    status, body = _api(app, "package_show", user=editor, id=dataset["id"])
    assert status == 404
    shown = helpers.call_action("package_show", context=_as(sysadmin), id=dataset["id"])
    assert shown["owner_org"] == other["id"]
    assert shown["organization"]["name"] == "miljo"
    found = helpers.call_action("package_search", context=_as(sysadmin), q="flyttoken", include_private=True)
    assert [d["organization"]["name"] for d in found["results"]] == ["miljo"]
    # Nor do the old organisation's people see its past activities.
    status, body = _api(app, "organization_activity_list", user=editor, id=organization["id"])
    assert "flyttoken" not in json.dumps(body)


# --- 6. a stale full update cannot lower confidentiality ------------------------------------------


def _public_dataset(editor, organization) -> dict:
    return helpers.call_action(
        "package_create", context=_as(editor), name="luftkvalitet", owner_org=organization["id"], private=False,
        **dataset_fields(),
    )


@pytest.mark.usefixtures("with_plugins")
def test_a_stale_update_does_not_undo_an_unpublishing(organization, editor):
    read_before = _public_dataset(editor, organization)
    raised = helpers.call_action("package_patch", context=_as(editor), id=read_before["id"], confidentiality_level="1")
    assert raised["private"] is True
    with pytest.raises(toolkit.ValidationError) as refused:
        helpers.call_action("package_update", context=_as(editor), **read_before)
    assert "confidentiality_level" in refused.value.error_dict
    stored = helpers.call_action("package_show", context=_as(editor), id=read_before["id"])
    assert (stored["confidentiality_level"], stored["private"]) == ("1", True)


@pytest.mark.usefixtures("with_plugins")
def test_a_stale_update_is_a_409_in_the_request_language(app, organization, editor):
    read_before = _public_dataset(editor, organization)
    helpers.call_action("package_patch", context=_as(editor), id=read_before["id"], confidentiality_level="2")
    for prefix, words in (("", "sänka konfidentialiteten"), ("/en", "Lowering the confidentiality level")):
        response = app.post(
            f"{prefix}/api/3/action/package_update", json=read_before, headers={"Authorization": editor["token"]}
        )
        assert response.status_code == 409
        error = json.loads(response.get_data(as_text=True))["error"]
        assert words.lower() in " ".join(error["confidentiality_level"]).lower()


@pytest.mark.usefixtures("with_plugins")
def test_lowering_needs_the_current_version(organization, editor):
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="luftkvalitet", owner_org=organization["id"], private=True,
        **dataset_fields(**LEVEL_1),
    )
    without_version = {key: value for key, value in dataset.items() if key != "metadata_modified"}
    with pytest.raises(toolkit.ValidationError):
        helpers.call_action("package_update", context=_as(editor), **dict(without_version, confidentiality_level="0"))
    # With the version just read, the declassification is saved (also by patch,
    # which names only the field it changes).
    current = helpers.call_action("package_show", context=_as(editor), id=dataset["id"])
    lowered = helpers.call_action("package_update", context=_as(editor), **dict(current, confidentiality_level="0"))
    assert lowered["confidentiality_level"] == "0"
    helpers.call_action("package_patch", context=_as(editor), id=dataset["id"], confidentiality_level="2")
    patched = helpers.call_action("package_patch", context=_as(editor), id=dataset["id"], confidentiality_level="1")
    assert patched["confidentiality_level"] == "1"


@pytest.mark.usefixtures("with_plugins")
def test_every_classification_change_is_recorded_with_user_and_time(organization, editor, sysadmin):
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="luftkvalitet", owner_org=organization["id"], private=True,
        **dataset_fields(**LEVEL_1),
    )
    helpers.call_action("package_patch", context=_as(sysadmin), id=dataset["id"], confidentiality_level="0")
    # A refused lowering leaves no record.
    helpers.call_action("package_patch", context=_as(editor), id=dataset["id"], confidentiality_level="2")
    with pytest.raises(toolkit.ValidationError):
        helpers.call_action("package_update", context=_as(editor), **dict(dataset, confidentiality_level="0"))
    changes = [
        (c["field"], c["old_level"], c["new_level"], c["user_id"])
        for c in gbg_model.classification_changes(dataset["id"])
        if c["field"] == "confidentiality_level"
    ]
    assert changes == [
        ("confidentiality_level", "0", "2", editor["id"]),
        ("confidentiality_level", "1", "0", sysadmin["id"]),
        ("confidentiality_level", None, "1", editor["id"]),
    ]
    assert all(c["changed_at"] for c in gbg_model.classification_changes(dataset["id"]))
    helpers.call_action("dataset_purge", context=_as(sysadmin), id=dataset["id"])
    assert gbg_model.classification_changes(dataset["id"]) == []


@pytest.mark.usefixtures("with_plugins")
def test_the_web_form_lowers_on_the_version_it_showed(app, organization, editor):
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="luftkvalitet", owner_org=organization["id"], private=True,
        **dataset_fields(**LEVEL_1),
    )
    headers = {"Authorization": editor["token"]}
    page = app.get(f"/dataset/edit/{dataset['id']}", headers=headers).get_data(as_text=True)
    assert f'name="metadata_modified" value="{dataset["metadata_modified"]}"' in page
    # Someone else raises it to level 2 while the form is open.
    helpers.call_action("package_patch", context=_as(editor), id=dataset["id"], confidentiality_level="2")
    form = {
        "title_translated-sv": "Luftkvalitet", "notes_translated-sv": "Mätningar.", "name": "luftkvalitet",
        "owner_org": organization["id"], "license_id": "CC0-1.0", "private": "True",
        "confidentiality_level": "1", "integrity_level": "1", "availability_level": "1",
        "metadata_modified": dataset["metadata_modified"], "save": "",
    }
    response = app.post(f"/dataset/edit/{dataset['id']}", data=form, headers=headers)
    assert response.status_code == 200  # the form again, with the error
    assert "sänka konfidentialiteten" in response.get_data(as_text=True).lower()
    assert model.Package.get(dataset["id"]).extras["confidentiality_level"] == "2"


# --- 7. the search index rebuild --------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_the_index_rebuild_indexes_a_catalogue_with_relationships(organization, editor, sysadmin):
    names = []
    for number in range(4):
        names.append(
            helpers.call_action(
                "package_create", context=_as(editor), name=f"data-{number}", owner_org=organization["id"],
                private=bool(number % 2), **dataset_fields(),
            )["name"]
        )
    helpers.call_action("package_relationship_create", context=_as(sysadmin), subject="data-0", object="data-1",
                        type="child_of", comment="del av")
    helpers.call_action("package_relationship_create", context=_as(sysadmin), subject="data-2", object="data-0",
                        type="depends_on")
    search.clear_all()
    search.rebuild()
    found = helpers.call_action("package_search", context=_as(sysadmin), q="*:*", include_private=True, rows=100)
    assert sorted(d["name"] for d in found["results"]) == names


@pytest.mark.usefixtures("with_plugins")
def test_the_publication_check_finds_a_dataset_of_another_type_and_makes_it_private(organization, cli):
    from ckan.cli.cli import ckan as ckan_command

    pkg = model.Package(name="annan-typ", title="Annan typ", type="harvest", private=False,
                        owner_org=organization["id"], license_id="CC0-1.0")
    pkg.extras = {**OPEN_CLASSIFICATION}
    model.Session.add(pkg)
    model.repo.commit()
    found = cli.invoke(ckan_command, ["gbgopendata", "publication-check"])
    assert found.exit_code == 1, found.output
    assert "annan-typ: " in found.output and "'harvest'" in found.output
    fixed = cli.invoke(ckan_command, ["gbgopendata", "publication-check", "--make-private"])
    assert fixed.exit_code == 0, fixed.output
    model.Session.remove()
    assert model.Package.get("annan-typ").private is True
    assert cli.invoke(ckan_command, ["gbgopendata", "publication-check"]).exit_code == 0


# --- who may see the whole classification: one auth function ---------------------------------


@pytest.mark.usefixtures("with_plugins")
def test_one_auth_function_decides_who_sees_the_whole_classification(app, organization, editor, sysadmin):
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="luftkvalitet", owner_org=organization["id"], private=False,
        **dataset_fields(),
    )
    admin = organization_member(organization, "admin")
    member = organization_member(organization, "member")
    outsider = organization_member(factories.Organization(name="miljo", **organization_fields()), "editor")
    allowed = {}
    for role, user in (("sysadmin", sysadmin), ("admin", admin), ("editor", editor), ("member", member),
                       ("outsider", outsider), ("anonymous", None)):
        try:
            toolkit.check_access("gbgopendata_classification_show", _as(user), {"id": dataset["id"]})
            allowed[role] = True
        except toolkit.NotAuthorized:
            allowed[role] = False
        # package_show asks the same function.
        shown = helpers.call_action("package_show", context=_as(user), id=dataset["id"])
        assert ("integrity_level" in shown) is allowed[role], role
    assert allowed == {"sysadmin": True, "admin": True, "editor": True, "member": False, "outsider": False,
                       "anonymous": False}


@pytest.mark.usefixtures("with_plugins")
def test_a_version_the_client_gives_is_checked_also_when_empty(organization, editor):
    """package_patch is current by construction, unless the client names a
    version itself: an empty one does not count as the current."""
    dataset = helpers.call_action(
        "package_create", context=_as(editor), name="luftkvalitet", owner_org=organization["id"], private=True,
        **dataset_fields(**LEVEL_1),
    )
    for empty in (None, ""):
        with pytest.raises(toolkit.ValidationError) as refused:
            helpers.call_action("package_patch", context=_as(editor), id=dataset["id"], confidentiality_level="0",
                                metadata_modified=empty)
        assert "confidentiality_level" in refused.value.error_dict
    # Removing a level above 0 from a stale full update is refused too.
    helpers.call_action("package_patch", context=_as(editor), id=dataset["id"], version="2")
    stale = {key: value for key, value in dataset.items() if key != "confidentiality_level"}
    with pytest.raises(toolkit.ValidationError):
        helpers.call_action("package_update", context=_as(editor), **stale)
    assert model.Package.get(dataset["id"]).extras["confidentiality_level"] == "1"


@pytest.mark.usefixtures("with_plugins")
def test_a_bad_or_repeated_relationship_is_refused_and_nothing_is_stored(organization, editor, sysadmin):
    for name in ("oppen", "annan"):
        helpers.call_action("package_create", context=_as(editor), name=name, owner_org=organization["id"],
                            private=True, **dataset_fields())
    for bad in ({"comment": 7}, {"subject": 7}, {"subject": [1]}, {"object": True}):
        arguments = dict({"subject": "oppen", "object": "annan", "type": "depends_on"}, **bad)
        with pytest.raises(toolkit.ValidationError) as refused:
            helpers.call_action("package_relationship_create", context=_as(sysadmin), **arguments)
        assert set(bad) <= set(refused.value.error_dict)
    assert model.Package.get("oppen").get_relationships() == []
    helpers.call_action("package_relationship_create", context=_as(sysadmin), subject="oppen", object="annan",
                        type="depends_on", comment="först")
    with pytest.raises(toolkit.ValidationError) as refused:
        helpers.call_action("package_relationship_create", context=_as(sysadmin), subject="oppen", object="annan",
                            type="depends_on", comment="sedan")
    assert "type" in refused.value.error_dict
    [relationship] = model.Package.get("oppen").get_relationships()
    assert relationship.comment == "först"


@pytest.mark.usefixtures("with_plugins")
def test_bulk_actions_take_names_as_well_as_ids(organization, sysadmin):
    """CKAN matched ids only: names made the request succeed and change
    nothing. The rule still applies to what names select."""
    for name in ("forsta", "andra"):
        helpers.call_action("package_create", context=_as(sysadmin), name=name, owner_org=organization["id"],
                            private=True, **dataset_fields())
    helpers.call_action("bulk_update_public", context=_as(sysadmin), org_id=organization["name"],
                        datasets=["forsta", "andra"])
    model.Session.expire_all()  # CKAN 2.11 writes past the session's objects
    assert [model.Package.get(name).private for name in ("forsta", "andra")] == [False, False]
    helpers.call_action("package_patch", context=_as(sysadmin), id="andra", private=True)
    helpers.call_action("package_patch", context=_as(sysadmin), id="andra", confidentiality_level="2")
    with pytest.raises(toolkit.ValidationError):
        helpers.call_action("bulk_update_public", context=_as(sysadmin), org_id=organization["name"],
                            datasets=["andra"])
    model.Session.expire_all()
    assert model.Package.get("andra").private is True

"""What a caller may not see answers exactly as what does not exist.

Every action of the registry and every page that names a dataset, a
resource, a resource view or a dataset's activity is asked about a hidden
dataset (private, level 1, of another organisation) and about a missing
one, as an anonymous visitor and as an editor of another organisation; the
two answers (status and body, with the request's own identifiers replaced
by placeholders) must be the same byte for byte.
"""
from __future__ import annotations

from ckan.plugins import toolkit

import json
import re
import secrets
import uuid
from typing import Any

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.gbgopendata.logic import existence
from ckanext.gbgopendata.tests.helpers import (
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    organization_member,
    reset_database,
    resource_fields,
)
from ckanext.gbgopendata.tests.session_app import registered_actions

VIEWERS = ("anonymous", "outsider")

# Registered actions that name a dataset or resource in their name or their
# documented parameters, but take no identifier of an existing one: why each
# needs no check.
NOT_NAMING_AN_EXISTING_DATASET = {
    "package_create": "names a new dataset (a hidden dataset's name: test_a_hidden_name_is_refused_as_unusable)",
    "package_search": "a search: finds only what the caller may read",
    "package_list": "a list of what the caller may read",
    "package_autocomplete": "a search",
    "current_package_list_with_resources": "a list of what the caller may read",
    "resource_search": "a search",
    "format_autocomplete": "a search",
    "package_collaborator_list_for_user": "`id` is a user",
    "dataset_followee_count": "`id` is a user",
    "dataset_followee_list": "`id` is a user",
    "bulk_update_public": "CKAN changes only datasets of `org_id`, which the caller must administer",
    "bulk_update_private": "as bulk_update_public",
    "bulk_update_delete": "as bulk_update_public",
    "resource_view_clear": "takes view types, not a view",
    "recently_changed_packages_activity_list": "a list of what the caller may read",
    "activity_create": "sysadmins only; names no existing activity",
    "activity_delete_all": "sysadmins only; names no activity",
    "activity_delete_counts": "sysadmins only; names no activity",
    "dashboard_activity_list": "the caller's own dashboard",
    "user_activity_list": "`id` is a user",
    "group_activity_list": "`id` is a group",
    "organization_activity_list": "`id` is an organisation",
    "group_package_show": "`id` is a group",
    "member_list": "`id` is a group; lists what the caller may read",
    "dcat_catalog_show": "the open catalogue",
    "dcat_catalog_search": "the open catalogue",
    "scheming_dataset_schema_list": "schemas, not datasets",
    "scheming_dataset_schema_show": "a schema, not a dataset",
    "harvest_objects_import": "ckanext-harvest's: not offered through the action API (request_guard), sysadmins only",
}
IDENTIFYING_PARAMETERS = ("id", "id2", "package_id", "resource_id", "view_id", "subject", "object", "match", "package")


def _takes_a_dataset(name: str, action: Any) -> bool:
    if {"package", "dataset", "resource", "activity"} & set(name.split("_")):
        return True
    documented = re.findall(r":param (\w+):([^:]*)", action.__doc__ or "")
    return any(
        parameter in IDENTIFYING_PARAMETERS and re.search(r"dataset|package|resource", text, re.I)
        for parameter, text in documented
    )


@pytest.fixture(scope="module")
def world(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    reset_database(reset_db, migrate_db_for)
    reset_index()
    organization = factories.Organization(name="miljoforvaltningen", **organization_fields())
    other = factories.Organization(name="trafikkontoret", **organization_fields())
    editor = organization_member(organization, "editor")
    outsider = organization_member(other, "editor")
    as_editor = {"user": editor["name"], "ignore_auth": False}
    hidden = helpers.call_action(
        "package_create", context=dict(as_editor), name="skyddade-adresser", owner_org=organization["id"],
        private=True, resources=[resource_fields()],
        **dataset_fields(**{**OPEN_CLASSIFICATION, "confidentiality_level": "1"}),
    )
    view = model.ResourceView(resource_id=hidden["resources"][0]["id"], view_type="image_view", title="Bild", order=0,
                              config={})
    model.Session.add(view)
    model.repo.commit()
    activity = helpers.call_action("package_activity_list", context=dict(as_editor), id=hidden["id"])[0]
    public = helpers.call_action(
        "package_create", context=dict(as_editor), name="luftkvalitet", owner_org=organization["id"],
        private=False, resources=[resource_fields()], **dataset_fields(),
    )
    return {
        "app": _app_of_the_session,
        "outsider": outsider,
        "public": public,
        "hidden": {
            existence.DATASET: hidden["id"],
            "dataset name": hidden["name"],
            existence.RESOURCE: hidden["resources"][0]["id"],
            existence.RESOURCE_VIEW: view.id,
            existence.ACTIVITY: activity["id"],
        },
    }


def _missing() -> dict[str, str]:
    return {
        existence.DATASET: str(uuid.uuid4()),
        "dataset name": "saknas-" + secrets.token_hex(4),
        existence.RESOURCE: str(uuid.uuid4()),
        existence.RESOURCE_VIEW: str(uuid.uuid4()),
        existence.ACTIVITY: str(uuid.uuid4()),
    }


def _headers(world: dict, viewer: str) -> dict[str, str]:
    return {} if viewer == "anonymous" else {"Authorization": world["outsider"]["token"]}


def _answer(response: Any, identifiers: dict[str, str]) -> tuple[int, str]:
    body = response.get_data(as_text=True)
    for kind, identifier in sorted(identifiers.items(), key=lambda item: -len(item[1])):
        body = body.replace(identifier, f"<{kind}>")
    # A page's CSRF token is new for every visitor.
    body = re.sub(r'(name="_csrf_token" (?:content|value)=")[^"]*', r"\1<token>", body)
    return response.status_code, body


# --- actions --------------------------------------------------------------------------


def _action_requests() -> list[tuple[str, existence.Identifier, str]]:
    """(action, parameter, which value) for every registered action of the table."""
    registered = registered_actions()
    requests = []
    for name, identifiers in existence.NAMED_BY.items():
        if name not in registered:
            continue
        for identifier in identifiers:
            requests.append((name, identifier, identifier.kind))
            if identifier.kind == existence.DATASET:
                requests.append((name, identifier, "dataset name"))
    return requests


# Parameters an action requires beside the one asked about (the request
# guard refuses a request without them before any lookup): one fixed
# missing object, the same in both requests.
ALONGSIDE = {
    "resource_create_default_resource_views": {"resource": {"id": str(uuid.UUID(int=1))}},
}


def _data_dict(name: str, identifier: existence.Identifier, value: str) -> dict[str, Any]:
    outer, _, inner = identifier.parameter.partition(".")
    data: dict[str, Any] = {**ALONGSIDE.get(name, {}), **(identifier.when or {})}
    data[outer] = {inner: value} if inner else value
    return data


def test_every_action_that_takes_a_dataset_is_declared(_plugins_of_the_session):
    undeclared = sorted(
        name for name, action in registered_actions().items()
        if _takes_a_dataset(name, action) and name not in existence.NAMED_BY and name not in NOT_NAMING_AN_EXISTING_DATASET
    )
    assert undeclared == [], "add them to existence.NAMED_BY (or, with a reason, to NOT_NAMING_AN_EXISTING_DATASET)"


def test_every_declared_action_is_registered(_plugins_of_the_session):
    registered = registered_actions()
    # CKAN 2.11 has no activity deletion (2.12's): declared, guarded where it exists.
    only_on_2_12 = {"activity_delete", "activity_delete_all", "activity_delete_counts"}
    assert sorted(set(existence.NAMED_BY) - set(registered) - only_on_2_12) == []
    if toolkit.check_ckan_version(min_version="2.12"):
        assert only_on_2_12 <= set(registered)
    assert sorted(set(NOT_NAMING_AN_EXISTING_DATASET) - set(registered) - only_on_2_12) == []


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_action_answers_a_hidden_dataset_as_a_missing_one(world, viewer):
    app, requests = world["app"], _action_requests()
    different = []
    for name, identifier, kind in requests:
        answers = []
        for values in (world["hidden"], _missing()):
            response = app.post(f"/api/3/action/{name}", json=_data_dict(name, identifier, values[kind]),
                                headers=_headers(world, viewer))
            answers.append(_answer(response, {kind: values[kind]}))
        if answers[0] != answers[1] or answers[0][0] != 404:
            different.append((name, identifier.parameter, kind, answers))
    print(f"{len(requests)} action requests compared ({len({r[0] for r in requests})} actions) for {viewer}")
    assert different == []


@pytest.mark.parametrize("name, parameters", [
    ("package_show", {"id": "public"}), ("package_activity_list", {"id": "public"}),
    ("dataset_follower_count", {"id": "public"}), ("package_relationships_list", {"id": "public"}),
    ("resource_show", {"id": "resource"}), ("resource_view_list", {"id": "resource"}),
])
def test_the_guarded_reads_still_answer_get_requests(world, name, parameters):
    # The guard marks CKAN's reads side-effect-free as CKAN does (every action
    # of ckan.logic.action.get): else a GET is refused (400).
    values = {"public": world["public"]["id"], "resource": world["public"]["resources"][0]["id"]}
    response = world["app"].get(f"/api/3/action/{name}", query_string={k: values[v] for k, v in parameters.items()})
    assert response.status_code == 200


def test_a_reader_who_may_not_edit_is_told_so(world):
    response = world["app"].post("/api/3/action/package_patch", json={"id": world["public"]["id"], "notes": "x"},
                                 headers=_headers(world, "outsider"))
    assert response.status_code == 403


def test_a_hidden_name_is_refused_as_unusable(world):
    """The name of a dataset the caller may not see is refused as a name
    that can never be used, not as "already in use"."""
    outsider = world["outsider"]
    organization = helpers.call_action("organization_list_for_user", id=outsider["id"], permission="create_dataset")[0]
    answers = {}
    for name in (world["hidden"]["dataset name"], "new"):
        response = world["app"].post(
            "/api/3/action/package_create", headers=_headers(world, "outsider"),
            json={"name": name, "owner_org": organization["id"], **dataset_fields()},
        )
        assert response.status_code == 409
        answers[name] = json.loads(response.get_data(as_text=True))["error"]["name"]
    assert answers[world["hidden"]["dataset name"]] == answers["new"] == ["Namnet kan inte användas"]


# --- pages ----------------------------------------------------------------------------


_FIXED_ARGUMENTS = {"filename": "fil.csv", "_format": "ttl"}


def _dataset_pages(app: Any) -> list[tuple[str, str, dict[str, str]]]:
    """(endpoint, method, {argument: kind}) of every page under /dataset
    that names something."""
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/dataset") or not set(rule.arguments) - set(rule.defaults or {}):
            continue
        kinds = {}
        for argument in set(rule.arguments) - set(rule.defaults or {}) - set(_FIXED_ARGUMENTS):
            kinds[argument] = {
                "id": existence.ACTIVITY if rule.endpoint == "activity.package_changes" else existence.DATASET,
                "_id": existence.DATASET, "resource_id": existence.RESOURCE,
                "view_id": existence.RESOURCE_VIEW, "activity_id": existence.ACTIVITY,
            }[argument]
        method = "GET" if "GET" in rule.methods else "POST"
        pages.append((rule.rule, method, kinds))
    return pages


def _url(rule: str, kinds: dict[str, str], values: dict[str, str], by_name: bool) -> str:
    url = rule
    for argument, kind in kinds.items():
        value = values["dataset name" if by_name and kind == existence.DATASET else kind]
        url = re.sub(rf"<(?:[^:>]+:)?{argument}>", value, url)
    for argument, value in _FIXED_ARGUMENTS.items():
        url = re.sub(rf"<(?:[^:>]+:)?{argument}>", value, url)
    return url


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_page_answers_a_hidden_dataset_as_a_missing_one(world, viewer):
    app = world["app"]
    flask_app = app.flask_app if hasattr(app, "flask_app") else app.app
    pages = _dataset_pages(flask_app)
    different, compared = [], 0
    for rule, method, kinds in pages:
        # By name too where the dataset is all the page names (the rest by id: pages are slow).
        for by_name in (False, True) if list(kinds.values()) == [existence.DATASET] else (False,):
            answers = []
            for values in (world["hidden"], _missing()):
                url = _url(rule, kinds, values, by_name)
                response = app.get(url, headers=_headers(world, viewer), follow_redirects=False) if method == "GET" \
                    else app.post(url, headers=_headers(world, viewer), follow_redirects=False)
                shown = {("dataset name" if by_name and kind == existence.DATASET else kind): values[
                    "dataset name" if by_name and kind == existence.DATASET else kind] for kind in kinds.values()}
                answers.append(_answer(response, shown))
            compared += 1
            if answers[0] != answers[1] or answers[0][0] != 404:
                different.append((rule, by_name, answers))
    print(f"{compared} page requests compared ({len(pages)} URL rules) for {viewer}")
    assert len(pages) > 30
    assert different == []

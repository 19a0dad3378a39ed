"""Canary: a dataset above confidentiality level 0 appears nowhere outside its
organisation.

A level-1 dataset carries a unique token in its name, title, description,
tags, resource URL, resource format and an uploaded file; a second dataset is
published at level 0 (and followed by an outsider), then raised to level 1.
Every public page and API endpoint is then requested as an anonymous visitor
and as an editor of another organisation, through the real web app, and
neither token may appear in any response (body or headers). A control proves
the tokens are there for the organisation itself.
"""
from __future__ import annotations

import json
import secrets
from io import BytesIO
from typing import Any, Callable
from urllib.parse import unquote

import pytest

import ckan.model as model
from ckan.lib import search
from ckan.plugins import toolkit
from ckan.tests import factories, helpers
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.gbgopendata.tests.helpers import (
    reset_database,
    OPEN_CLASSIFICATION,
    dataset_fields,
    organization_fields,
    organization_member,
    resource_fields,
)

LEVEL_1 = {**OPEN_CLASSIFICATION, "confidentiality_level": "1"}


@pytest.fixture(scope="module")
def world(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    reset_database(reset_db, migrate_db_for)
    reset_index()

    token = "kanarie" + secrets.token_hex(5)  # the level-1 dataset's
    raised = "hojning" + secrets.token_hex(5)  # the dataset raised from 0 to 1

    organization = factories.Organization(name="miljoforvaltningen", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    other = factories.Organization(name="trafikkontoret", **organization_fields())
    editor = organization_member(organization, "editor")
    admin = organization_member(organization, "admin")
    member = organization_member(organization, "member")
    outsider = organization_member(other, "editor")
    sysadmin = factories.Sysadmin()
    group = factories.Group(name="miljo", user=sysadmin)
    as_editor = {"user": editor["name"], "ignore_auth": False}

    innocent = helpers.call_action(
        "package_create",
        context=dict(as_editor),
        name="luftkvalitet",
        owner_org=organization["id"],
        private=False,
        resources=[resource_fields()],
        **dataset_fields(
            title_translated={"sv": "Luftkvalitet", "en": "Air quality"},
            tags_translated={"sv": ["luft"], "en": ["air"]},
        ),
    )
    # The organisation's admin classifies it (classified_by: the admin, not
    # the editor who created it).
    helpers.call_action(
        "package_patch",
        context={"user": admin["name"], "ignore_auth": False},
        id=innocent["id"],
        integrity_level="2",
    )
    canary = helpers.call_action(
        "package_create",
        context=dict(as_editor),
        name=f"{token}-namn",
        owner_org=organization["id"],
        private=True,
        title_translated={"sv": f"Skyddade adresser {token}titel", "en": f"Protected addresses {token}titel"},
        notes_translated={"sv": f"Intern förteckning {token}beskrivning.", "en": f"Internal list {token}beskrivning."},
        tags_translated={"sv": [f"{token}tagg", "luft"], "en": [f"{token}tag"]},
        resources=[
            resource_fields(
                url=f"https://intern.goteborg.se/{token}url/adresser.csv",
                format=f"application/x-{token}format",
                name_translated={"sv": f"Adresser {token}resurs"},
            )
        ],
        **LEVEL_1,
    )
    upload = helpers.call_action(
        "resource_create",
        context=dict(as_editor),
        package_id=canary["id"],
        upload=FakeFileStorage(BytesIO(f"personnummer;adress\n{token}fil;Storgatan 1\n".encode()), f"{token}fil.csv"),
        url=f"{token}fil.csv",
        format="text/csv",
    )
    assert upload["url_type"] == "upload"
    helpers.call_action(
        "member_create",
        context={"user": sysadmin["name"]},
        id=group["id"],
        object=canary["id"],
        object_type="package",
        capacity="public",
    )

    raised_dataset = helpers.call_action(
        "package_create",
        context=dict(as_editor),
        name=f"{raised}-namn",
        owner_org=organization["id"],
        private=False,
        resources=[resource_fields(url=f"https://goteborg.se/{raised}url/data.csv")],
        **dataset_fields(
            title_translated={"sv": f"Tidigare öppen {raised}titel"},
            notes_translated={"sv": f"Publicerad av misstag {raised}beskrivning."},
            tags_translated={"sv": [f"{raised}tagg"]},
        ),
    )
    helpers.call_action("member_create", context={"user": sysadmin["name"]}, id=group["id"],
                        object=raised_dataset["id"], object_type="package", capacity="public")
    # An outsider follows it while it is public, and tries to follow the canary.
    helpers.call_action("follow_dataset", context={"user": outsider["name"], "ignore_auth": False},
                        id=raised_dataset["id"])
    try:
        helpers.call_action("follow_dataset", context={"user": outsider["name"], "ignore_auth": False},
                            id=canary["id"])
    except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
        pass
    raised_after = helpers.call_action(
        "package_patch", context=dict(as_editor), id=raised_dataset["id"], confidentiality_level="1"
    )
    assert raised_after["private"] is True

    # The public dataset points at the canary, with a comment only the
    # organisation may read.
    helpers.call_action(
        "package_relationship_create", context={"user": sysadmin["name"]}, subject=innocent["id"],
        object=canary["id"], type="links_to", comment=f"Se {token}relation",
    )
    # A dataset moved by a sysadmin from the outsider's organisation into
    # this one: the outsider must lose it everywhere (index, activities).
    moved = helpers.call_action(
        "package_create", context={"user": outsider["name"], "ignore_auth": False}, name=f"{token}-flyttad",
        owner_org=other["id"], private=True, resources=[resource_fields(url=f"https://goteborg.se/{token}flytt.csv")],
        **dataset_fields(title_translated={"sv": f"Flyttad {token}flytt"}, **LEVEL_1),
    )
    helpers.call_action("package_owner_org_update", context={"user": sysadmin["name"]}, id=moved["id"],
                        organization_id=organization["id"])
    # A dataset of a type without the rule's schema, stored public with
    # level-0 extras past the action layer (as before types were checked).
    # (Not `harvest`: harvest sources are for sysadmins only, test_harvest.py.)
    other_type = model.Package(name=f"{token}-annan-typ", title=f"Annan typ {token}typ", type="showcase",
                               private=False, owner_org=organization["id"], license_id="CC0-1.0")
    other_type.extras = dict(OPEN_CLASSIFICATION)
    other_type.resources_all.append(model.Resource(url=f"https://goteborg.se/{token}typ.csv", format="text/csv"))
    model.Session.add(other_type)
    model.repo.commit()
    search.rebuild(other_type.id)
    other_type = {"id": other_type.id, "resources": [{"id": other_type.resources[0].id}]}

    # The checklists, also of the public dataset, name people and internal
    # reasons: only the organisation's editors may read them.
    for dataset in (innocent, canary):
        helpers.call_action(
            "gbg_checklist_update", context=dict(as_editor), id=dataset["id"],
            items=[{"id": "personal_data", "confirmed": True, "comment": f"Granskat {token}checklista"}],
        )

    activities = []
    for dataset in (canary, raised_dataset):
        activities += helpers.call_action(
            "package_activity_list", context=dict(as_editor), id=dataset["id"]
        )

    yield {
        "token": token,
        "raised": raised,
        "organization": organization,
        "other": other,
        "group": group,
        "editor": editor,
        "admin": admin,
        "member": member,
        "outsider": outsider,
        "sysadmin": sysadmin,
        "innocent": innocent,
        "canary": canary,
        "upload": upload,
        "raised_dataset": raised_dataset,
        "moved": moved,
        "other_type": other_type,
        "activities": activities,
        "app": _app_of_the_session,
    }


def _headers(world: dict, viewer: str) -> dict[str, str]:
    if viewer == "anonymous":
        return {}
    return {"Authorization": world[viewer]["token"]}


# Each endpoint: a name and a function of the world giving its URLs, each
# with the status it must answer (one for both viewers, or per viewer), so a
# renamed route or a 404 where a page was expected fails the test instead of
# passing it unseen. Ids, not names, address the datasets, so that no URL
# carries a token unless the endpoint is a search for it (whose echo of the
# query is allowed).
def _canary(world):
    return world["canary"]


def _raised(world):
    return world["raised_dataset"]


OK, FORBIDDEN, NOT_FOUND, REDIRECT, REFUSED = 200, 403, 404, 302, 409
LOGIN_FIRST = {"anonymous": FORBIDDEN, "outsider": OK}  # actions for signed-in users
DASHBOARD = {"anonymous": REDIRECT, "outsider": OK}  # pages for signed-in users


def _hidden_datasets(w) -> list[dict]:
    return [_canary(w), _raised(w), w["moved"], w["other_type"]]


ENDPOINTS: list[tuple[str, Callable[[dict], list[tuple[str, Any]]]]] = [
    # search, API and page
    ("package_search", lambda w: [
        ("/api/3/action/package_search?q=*:*&rows=1000", OK),
        ("/api/3/action/package_search?q=*:*&include_private=true&include_drafts=true&rows=1000", OK),
        (f"/api/3/action/package_search?q={w['token']}titel", OK),
        ("/api/3/action/package_search?q=*:*&facet.field=[\"tags\",\"res_format\",\"groups\"]&facet.limit=1000&rows=0", OK),
        ("/api/3/action/package_search?q=*:*&facet.field=[\"tags\",\"res_format\",\"groups\"]&facet.limit=-1&rows=0", REFUSED),
        ("/api/3/action/package_search?q=*:*&fl=name,title,notes,data_dict,validated_data_dict&rows=1000", REFUSED),
        ("/api/3/action/package_search?q=*:*&fl=name,title,notes&rows=1000", OK),
        ("/api/3/action/package_search?q=child_of:* OR parent_of:* OR links_to:*&rows=1000", OK)]),
    ("home page", lambda w: [("/", OK), ("/en/", OK)]),
    ("search page", lambda w: [("/dataset/", OK), (f"/dataset/?q={w['token']}titel", OK),
                               (f"/dataset/?tags={w['token']}tagg", OK), ("/en/dataset/", OK),
                               (f"/dataset/?q={w['raised']}titel", OK)]),
    ("package_list", lambda w: [("/api/3/action/package_list", OK),
                                ("/api/3/action/current_package_list_with_resources?limit=1000", OK)]),
    # the datasets themselves
    ("package_show", lambda w: [(f"/api/3/action/package_show?id={d['id']}", NOT_FOUND) for d in _hidden_datasets(w)]
        + [(f"/api/3/action/package_show?id={_canary(w)['name']}", NOT_FOUND)]
        + [(f"/api/3/action/package_show?id={w['innocent']['id']}", OK)]),
    ("dataset page", lambda w: [(f"/dataset/{d['id']}", NOT_FOUND) for d in _hidden_datasets(w)]
        + [(f"/dataset/{_canary(w)['id']}/groups", NOT_FOUND), (f"/dataset/edit/{_canary(w)['id']}", NOT_FOUND),
           (f"/dataset/{w['innocent']['name']}", OK)]),
    ("relationships", lambda w: [
        (f"/api/3/action/package_relationships_list?id={w['innocent']['id']}", OK),
        (f"/api/3/action/package_relationships_list?id={_canary(w)['id']}", NOT_FOUND),
        (f"/api/3/action/package_relationships_list?id={w['innocent']['id']}&id2={_canary(w)['id']}", NOT_FOUND)]),
    ("collaborators", lambda w: [(f"/api/3/action/package_collaborator_list?id={_canary(w)['id']}", NOT_FOUND),
                                 (f"/api/3/action/package_collaborator_list?id={w['innocent']['id']}", FORBIDDEN)]),
    ("resource_show", lambda w: [(f"/api/3/action/resource_show?id={r['id']}", NOT_FOUND)
                                 for d in _hidden_datasets(w) for r in d["resources"]]
        + [(f"/api/3/action/resource_show?id={w['upload']['id']}", NOT_FOUND),
           (f"/api/3/action/resource_view_list?id={w['upload']['id']}", NOT_FOUND)]),
    ("resource_search", lambda w: [(f"/api/3/action/resource_search?query=url:{w['token']}", OK),
                                   (f"/api/3/action/resource_search?query=url:{w['raised']}", OK),
                                   ("/api/3/action/resource_search?query=url:http", OK),
                                   ("/api/3/action/resource_search?query=name:adresser", OK)]),
    ("resource page", lambda w: [(f"/dataset/{_canary(w)['id']}/resource/{_canary(w)['resources'][0]['id']}", NOT_FOUND),
                                 (f"/dataset/{_canary(w)['id']}/resource/{w['upload']['id']}", NOT_FOUND)]),
    ("downloads", lambda w: [(f"/dataset/{_canary(w)['id']}/resource/{_canary(w)['resources'][0]['id']}/download", NOT_FOUND),
                             (f"/dataset/{_canary(w)['id']}/resource/{w['upload']['id']}/download", NOT_FOUND),
                             (f"/dataset/{_canary(w)['id']}/resource/{w['upload']['id']}/download/{w['token']}fil.csv", NOT_FOUND)]),
    # activity streams
    ("package activity", lambda w: [(f"/api/3/action/package_activity_list?id={_canary(w)['id']}", NOT_FOUND),
                                    (f"/api/3/action/package_activity_list?id={_raised(w)['id']}", NOT_FOUND),
                                    (f"/dataset/activity/{_canary(w)['id']}", NOT_FOUND),
                                    (f"/dataset/activity/{_raised(w)['id']}", NOT_FOUND)]),
    ("organization activity", lambda w: [
        (f"/api/3/action/organization_activity_list?id={o['id']}&limit=100", OK) for o in (w["organization"], w["other"])]
        + [(f"/organization/activity/{o['name']}", OK) for o in (w["organization"], w["other"])]),
    ("group activity", lambda w: [(f"/api/3/action/group_activity_list?id={w['group']['id']}&limit=100", OK),
                                  (f"/group/activity/{w['group']['name']}", OK)]),
    ("recently changed", lambda w: [("/api/3/action/recently_changed_packages_activity_list?limit=100", OK)]),
    ("user activity", lambda w: [(f"/api/3/action/user_activity_list?id={w['editor']['id']}&limit=100", OK),
                                 (f"/api/3/action/user_show?id={w['editor']['id']}&include_datasets=true", OK),
                                 (f"/api/3/action/user_show?id={w['outsider']['id']}&include_datasets=true", OK),
                                 (f"/api/3/action/am_following_dataset?id={_canary(w)['id']}", NOT_FOUND),
                                 (f"/user/activity/{w['editor']['name']}", OK), (f"/user/{w['editor']['name']}", OK)]),
    ("dashboard", lambda w: [("/api/3/action/dashboard_activity_list?limit=100", LOGIN_FIRST),
                             ("/dashboard/", DASHBOARD), ("/dashboard/datasets", DASHBOARD),
                             ("/api/3/action/followee_list?id=" + w["outsider"]["id"], LOGIN_FIRST),
                             ("/api/3/action/dataset_followee_list?id=" + w["outsider"]["id"], LOGIN_FIRST)]),
    ("activity details", lambda w: [(url, NOT_FOUND) for a in w["activities"] for url in (
        f"/api/3/action/activity_show?id={a['id']}", f"/api/3/action/activity_data_show?id={a['id']}",
        f"/api/3/action/activity_diff?id={a['id']}&object_type=package", f"/dataset/changes/{a['id']}")]
        + [(f"/dataset/changes_multiple?new_id={w['activities'][0]['id']}&old_id={w['activities'][-1]['id']}",
            NOT_FOUND)]),
    # the publication checklist and the publishing overviews
    ("checklist", lambda w: [(f"/dataset/{_canary(w)['id']}/checklist", NOT_FOUND),
                             (f"/dataset/{w['innocent']['name']}/checklist", FORBIDDEN),
                             (f"/api/3/action/gbg_checklist_show?id={_canary(w)['id']}", NOT_FOUND),
                             (f"/api/3/action/gbg_checklist_show?id={w['innocent']['id']}", FORBIDDEN),
                             (f"/organization/{w['organization']['name']}/publicering", FORBIDDEN),
                             (f"/organization/{w['organization']['name']}/publicering?format=csv", FORBIDDEN),
                             ("/ckan-admin/publicering", FORBIDDEN),
                             ("/ckan-admin/publicering?format=csv", FORBIDDEN)]),
    # the open catalogue
    ("dcat catalogue", lambda w: [(f"/catalog.{fmt}", OK) for fmt in ("rdf", "ttl", "jsonld", "xml", "n3")]
        + [(f"/catalog.ttl?q={w['token']}titel", OK), ("/catalog.ttl?modified_since=2000-01-01", OK)]),
    ("dcat harvest endpoint", lambda w: [("/datasets/dcat", OK), ("/datasets/dcat?format=ttl", OK),
                                         ("/datasets/dcat?format=jsonld", OK), ("/en/datasets/dcat", OK)]),
    ("dcat dataset", lambda w: [(f"/dataset/{d['id']}.{fmt}", NOT_FOUND) for d in _hidden_datasets(w)
                                for fmt in ("rdf", "ttl", "jsonld", "xml")]),
    # tags and autocompletes
    ("tags", lambda w: [("/api/3/action/tag_list", OK), ("/api/3/action/tag_list?all_fields=true", OK),
                        (f"/api/3/action/tag_list?query={w['token']}", OK),
                        (f"/api/3/action/tag_search?query={w['token']}", OK),
                        (f"/api/3/action/tag_search?query={w['raised']}", OK),
                        (f"/api/3/action/tag_autocomplete?query={w['token']}", OK),
                        (f"/api/3/action/tag_show?id={w['token']}tagg", NOT_FOUND),
                        (f"/api/3/action/tag_show?id={w['raised']}tagg", NOT_FOUND),
                        ("/api/3/action/tag_show?id=luft&include_datasets=true", OK)]),
    ("autocompletes", lambda w: [(f"/api/3/action/package_autocomplete?q={w['token']}", OK),
                                 ("/api/3/action/package_autocomplete?q=skyddade", OK),
                                 (f"/api/3/action/format_autocomplete?q=x-{w['token']}", OK),
                                 ("/api/3/action/format_autocomplete?q=application", OK),
                                 (f"/api/2/util/dataset/autocomplete?incomplete={w['token']}", OK),
                                 (f"/api/2/util/tag/autocomplete?incomplete={w['token']}", OK),
                                 (f"/api/2/util/resource/format_autocomplete?incomplete=x-{w['token']}", OK)]),
    # organisation and group listings
    ("organization", lambda w: [
        (f"/api/3/action/organization_show?id={o['id']}&include_datasets=true", OK) for o in (w["organization"], w["other"])]
        + [("/api/3/action/organization_list?all_fields=true", OK),
           (f"/api/3/action/member_list?id={w['organization']['id']}&object_type=package", OK),
           (f"/organization/{w['organization']['name']}", OK), (f"/organization/{w['other']['name']}", OK),
           ("/organization/", OK), (f"/organization/{w['organization']['name']}?q={w['token']}titel", OK)]),
    ("group", lambda w: [(f"/api/3/action/group_show?id={w['group']['id']}&include_datasets=true", OK),
                         ("/api/3/action/group_list?all_fields=true", OK),
                         (f"/api/3/action/group_package_show?id={w['group']['id']}", OK),
                         (f"/api/3/action/member_list?id={w['group']['id']}&object_type=package", OK),
                         (f"/group/{w['group']['name']}", OK), ("/group/", OK)]),
    ("feeds", lambda w: [("/feeds/dataset.atom", OK), (f"/feeds/organization/{w['organization']['name']}.atom", OK),
                         (f"/feeds/group/{w['group']['name']}.atom", OK), (f"/feeds/tag/{w['token']}tagg.atom", OK),
                         (f"/feeds/custom.atom?q={w['token']}titel", OK)]),
]


def _echoes(url: str, world: dict) -> list[str]:
    """The token-bearing words a URL asks for: a response may repeat the
    question, never the answer."""
    words = []
    for token in (world["token"], world["raised"]):
        path = unquote(url)
        start = path.find(token)
        while start != -1:
            end = start
            while end < len(path) and (path[end].isalnum() or path[end] in "-_."):
                end += 1
            words.append(path[start:end].removesuffix(".atom"))
            start = path.find(token, end)
    return sorted(set(words), key=len, reverse=True)


def _leaks(response: Any, url: str, world: dict) -> list[str]:
    text = response.get_data(as_text=True) + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    text = unquote(text).lower()
    for echo in _echoes(url, world):
        text = text.replace(echo.lower(), "")
    return [token for token in (world["token"], world["raised"]) if token in text]


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
@pytest.mark.parametrize("endpoint", [e[0] for e in ENDPOINTS])
class TestCanary:
    def test_the_token_appears_nowhere(self, world, endpoint, viewer):
        app = world["app"]
        urls = dict(ENDPOINTS)[endpoint](world)
        assert urls
        leaking, unexpected = [], []
        for url, expected in urls:
            expected = expected[viewer] if isinstance(expected, dict) else expected
            response = app.get(url, headers=_headers(world, viewer), follow_redirects=False)
            if response.status_code != expected:
                unexpected.append((url, response.status_code, expected))
            if _leaks(response, url, world):
                leaking.append(url)
        assert unexpected == [], "unexpected statuses (url, got, expected)"
        assert leaking == [], f"{viewer} sees the canary"


def _indexed_fields(dataset_id: str) -> list[str]:
    """Every field the search index holds of a dataset: those stored for it
    (also dynamic ones, such as extras_*), and every field of the schema."""
    import urllib.request

    from ckan.lib.search.common import make_connection

    documents = make_connection().search(f'id:"{dataset_id}"', fl="*")
    with urllib.request.urlopen(toolkit.config["solr_url"].rstrip("/") + "/schema/fields?wt=json") as answer:
        declared = {field["name"] for field in json.load(answer)["fields"]}
    return sorted({field for document in documents for field in document} | declared - {"_version_"})


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
class TestFacetCanary:
    """A facet lists the values of a field over the whole index when its
    minimum count is 0: only the catalogue's facet fields, counted over the
    datasets the search found, are answered."""

    def _search(self, world, viewer, parameters, post=False):
        app = world["app"]
        if post:
            response = app.post("/api/3/action/package_search", json=parameters, headers=_headers(world, viewer))
        else:
            query = {key: json.dumps(value) if isinstance(value, list) else value for key, value in parameters.items()}
            response = app.get("/api/3/action/package_search", query_string=query, headers=_headers(world, viewer))
        return response

    def test_no_field_of_the_index_gives_a_hidden_value(self, world, viewer):
        fields = _indexed_fields(world["canary"]["id"]) + _indexed_fields(world["raised_dataset"]["id"])
        fields += ["vocab_theme", "vocab_hvd_category", "vocab_tags_en"]
        assert {"name", "title_string", "res_url", "tags", "permission_labels", "text"} <= set(fields)
        leaking, answered = [], []
        asks = [{"rows": 0, "facet.mincount": 0, "facet.limit": -1, "facet.field": sorted(set(fields))}]
        asks += [{"rows": 0, "facet.mincount": 0, "facet.field": [field]} for field in sorted(set(fields))]
        asks += [{"rows": 0, "facet.field": [field], "facet.limit": 1000} for field in sorted(set(fields))]
        asks += [{"rows": 0, "facet.field": f"{{!ex=x}}{field}"} for field in ("name", "tags")]
        for parameters in asks:
            for post in (False, True):
                response = self._search(world, viewer, parameters, post)
                assert response.status_code in (OK, REFUSED), (parameters, response.status_code)
                if response.status_code == OK:
                    answered += parameters["facet.field"]
                if _leaks(response, "", world):
                    leaking.append(parameters)
        assert leaking == []
        # The catalogue's own facets are answered, over the datasets found.
        assert {"organization", "tags", "res_format", "vocab_theme", "license_id"} <= set(answered)
        assert not {"name", "title_string", "res_url", "permission_labels", "text"} & set(answered)

    def test_a_refused_parameter_is_named(self, world, viewer):
        for parameters, named in (
            ({"facet.field": ["tags"], "facet.mincount": 0}, "facet.mincount"),
            ({"facet.field": ["tags"], "facet.limit": -1}, "facet.limit"),
            ({"facet.field": ["res_url"]}, "facet.field"),
            ({"wt": "xml"}, "wt"),
            ({"defType": "lucene"}, "defType"),
            ({"q": "{!lucene}name:*"}, "q"),
            ({"fq": "{!join from=id to=id}*:*"}, "fq"),
            ({"sort": "res_url asc"}, "sort"),
            ({"sort": "name sideways"}, "sort"),
            ({"fl": "res_url"}, "fl"),
            ({"qf": "name^10"}, "qf"),
        ):
            response = self._search(world, viewer, parameters)
            assert response.status_code == REFUSED, parameters
            assert sorted(response.json["error"]) == sorted(["__type", named]), parameters

    def test_the_pages_and_feeds_still_sort_and_facet(self, world, viewer):
        app = world["app"]
        for url in ("/dataset/?sort=title_string+asc", "/dataset/?sort=score+desc,+metadata_modified+desc",
                    f"/organization/{world['organization']['name']}?sort=metadata_modified+desc",
                    "/feeds/custom.atom?sort=metadata_modified+desc", "/", "/catalog.ttl"):
            assert app.get(url, headers=_headers(world, viewer)).status_code == OK, url
        assert app.get("/dataset/?sort=res_url+asc", headers=_headers(world, viewer)).status_code == 400


@pytest.mark.parametrize("parameters, named", [
    ({"facet.field": ["res_url"], "facet.mincount": 0}, "facet.field"),
    ({"wt": "xml"}, "wt"),
    ({"q": "{!lucene}name:*"}, "q"),
])
def test_a_sysadmin_gets_the_same_refusals(world, parameters, named):
    """Refused by default for every role: a sysadmin sees every dataset, but
    sends Solr no more than anyone else may."""
    with pytest.raises(toolkit.ValidationError) as refusal:
        helpers.call_action("package_search", context={"user": world["sysadmin"]["name"], "ignore_auth": False},
                            **parameters)
    assert named in refusal.value.error_dict


class TestTheCanaryIsThereForItsOrganisation:
    """Controls: the tokens are findable by the organisation, so their absence
    above is not an accident of the test."""

    @pytest.mark.parametrize("viewer", ["editor", "member"])
    def test_the_organisation_sees_both_datasets(self, world, viewer):
        app = world["app"]
        for url in (
            f"/api/3/action/package_show?id={world['canary']['id']}",
            f"/dataset/{world['canary']['id']}",
            "/api/3/action/package_search?q=*:*&include_private=true&rows=1000",
            f"/dataset/activity/{world['raised_dataset']['id']}",
        ):
            response = app.get(url, headers=_headers(world, viewer))
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            assert world["token"] in body or world["raised"] in body, url

    def test_the_uploaded_file_is_served_to_the_organisation(self, world):
        canary, upload = world["canary"], world["upload"]
        response = world["app"].get(
            f"/dataset/{canary['id']}/resource/{upload['id']}/download/{world['token']}fil.csv",
            headers=_headers(world, "editor"),
        )
        assert response.status_code == 200
        assert f"{world['token']}fil" in response.get_data(as_text=True)

    def test_public_counts_leave_the_canary_out(self, world):
        response = world["app"].get("/api/3/action/organization_list?all_fields=true")
        counts = {o["name"]: o["package_count"] for o in json.loads(response.get_data(as_text=True))["result"]}
        assert counts["miljoforvaltningen"] == 1  # only the level-0 dataset
        response = world["app"].get(
            "/api/3/action/organization_list?all_fields=true", headers=_headers(world, "member")
        )
        counts = {o["name"]: o["package_count"] for o in json.loads(response.get_data(as_text=True))["result"]}
        # the level-0, the canary, the raised, the moved dataset and the one of
        # another type
        assert counts["miljoforvaltningen"] == 5

    def test_the_raised_dataset_was_public_and_followed_before(self, world):
        # Its first activity was public when it was made; it is hidden now.
        activities = helpers.call_action(
            "package_activity_list", context={"user": world["editor"]["name"]}, id=world["raised_dataset"]["id"]
        )
        assert [a["activity_type"] for a in activities][-1] == "new package"
        assert activities[0]["data"]["package"]["private"] is True


INTERNAL_FIELD_NAMES = ("integrity_level", "availability_level", "classified_by", "classification_date")


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "member"])
def test_internal_fields_are_only_for_those_who_may_edit(world, viewer):
    """The level-0 dataset is public: everyone sees its confidentiality
    level, nobody but its editors who classified it and how else."""
    app, innocent = world["app"], world["innocent"]
    classifier_id = world["admin"]["id"]
    headers = _headers(world, viewer)
    shown = json.loads(app.get(f"/api/3/action/package_show?id={innocent['id']}", headers=headers).get_data(
        as_text=True))["result"]
    assert shown["confidentiality_level"] == "0"
    assert not set(INTERNAL_FIELD_NAMES) & set(shown)
    for url in (
        f"/api/3/action/package_show?id={innocent['id']}",
        "/api/3/action/package_search?q=*:*&fl=*,validated_data_dict,data_dict",
        "/api/3/action/package_search?q=*:*&fl=extras_classified_by,extras_integrity_level,classified_by",
        "/api/3/action/package_search?q=*:*",
        f"/api/3/action/package_search?q={classifier_id}",
        "/api/3/action/package_search?q=integrity_level:2 OR extras_integrity_level:2",
        f"/dataset/{innocent['id']}",
        "/catalog.ttl",
    ):
        body = app.get(url, headers=headers).get_data(as_text=True)
        assert classifier_id not in body, url
        assert not [name for name in INTERNAL_FIELD_NAMES if name in body], url
    # Nor can a search find a dataset by them.
    for query in (f'"{classifier_id}"', "integrity_level:2", "extras_integrity_level:2", "classified_by:*"):
        result = app.get("/api/3/action/package_search", query_string={"q": query}, headers=headers)
        assert json.loads(result.get_data(as_text=True))["result"]["count"] == 0, query
    for url in (
        f"/api/3/action/package_activity_list?id={innocent['id']}",
        "/api/3/action/recently_changed_packages_activity_list",
    ):
        body = app.get(url, headers=headers).get_data(as_text=True)
        assert "luftkvalitet" in body
        assert not [name for name in INTERNAL_FIELD_NAMES if name in body], url


def test_editors_see_the_internal_fields(world):
    shown = helpers.call_action(
        "package_show", context={"user": world["editor"]["name"], "ignore_auth": False}, id=world["innocent"]["id"]
    )
    assert shown["classified_by"] == world["admin"]["id"]
    assert shown["integrity_level"] == "2"
    assert shown["classification_date"]
    found = helpers.call_action(
        "package_search", context={"user": world["editor"]["name"], "ignore_auth": False}, q="name:luftkvalitet"
    )["results"][0]
    assert found["classified_by"] == world["admin"]["id"]


def test_the_open_catalogue_never_carries_internal_fields(world):
    app = world["app"]
    for url in ("/catalog.ttl", "/catalog.jsonld", f"/dataset/{world['innocent']['id']}.ttl"):
        for viewer in ("anonymous", "editor"):
            response = app.get(url, headers=_headers(world, viewer))
            body = response.get_data(as_text=True)
            assert response.status_code == 200
            assert "luftkvalitet" in body or world["innocent"]["id"] in body
            assert world["admin"]["id"] not in body, (url, viewer)
            assert "integrity_level" not in body and "classification_date" not in body


def test_the_open_catalogue_holds_no_private_dataset_even_for_its_organisation(world):
    app = world["app"]
    response = app.get(f"/dataset/{world['canary']['id']}.ttl", headers=_headers(world, "editor"))
    assert response.status_code == 404
    body = app.get("/catalog.ttl", headers=_headers(world, "editor")).get_data(as_text=True)
    assert world["token"] not in body and world["raised"] not in body


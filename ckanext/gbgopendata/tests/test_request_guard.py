"""The request guard (logic/request_guard.py) covers every registered action,
and no bad value sent to any of them gives a server error (issue 16).

Every action CKAN has registered at run time (core, ckanext-activity,
ckanext-dcat, ckanext-scheming, ours) must be declared: a new one fails the
first test until it is. Then each action gets each class of bad value in
each declared parameter, an undeclared parameter and a repeated one, over
HTTP, anonymously, as an ordinary user with an API token and as a
sysadmin: no response may be 500 or more, and a value the parameter's kind
refuses must be a 409 naming the parameter. The pages that used to fail
on a bad query parameter each have a regression test below.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.gbgopendata.logic import request_guard
from ckanext.gbgopendata.tests.helpers import dataset_fields
from ckanext.gbgopendata.tests.session_app import registered_actions

BAD_VALUES: dict[str, Any] = {
    "list": ["a"],
    "object": {"a": "b"},
    "huge integer": 10**30,
    "negative": -1,
    "non-numeric text": "abc",
}
UNDECLARED = "gbgopendata_undeclared"


@pytest.mark.usefixtures("with_plugins")
def test_every_registered_action_is_declared_in_the_guard():
    registered = set(registered_actions())
    declared = set(request_guard.declarations())
    assert not registered - declared, f"not declared in request_guard: {sorted(registered - declared)}"
    assert not declared - registered, f"declared but not registered: {sorted(declared - registered)}"


def _send(app, action: str, headers: dict, repeated: str | None = None, **data: Any):
    if repeated is not None:
        body = f"{repeated}=a&{repeated}=b"
        if getattr(toolkit.get_action(action), "side_effect_free", False):
            return app.get(f"/api/3/action/{action}?{body}", headers=headers, expect_errors=True)
        form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        return app.post(f"/api/3/action/{action}", data=body, headers=form, expect_errors=True)
    return app.post(f"/api/3/action/{action}", json=data, headers=headers, expect_errors=True)


def _fuzz(app, headers: dict, also_refused: bool) -> tuple[int, list[str]]:
    """Every action, every parameter, every bad value: (requests sent,
    failures). A value the guard refuses is answered by the middleware
    before CKAN reads the caller, so it is sent for one caller only
    (`also_refused`); what the guard lets through reaches the action and is
    sent for every caller."""
    sent, failures = 0, []
    for action, declaration in sorted(request_guard.declarations().items()):
        cases: list[tuple[str, str, Any, bool]] = [(UNDECLARED, "undeclared", "x", declaration.body is None)]
        for name, kind in declaration.parameters.items():
            cases += [(name, label, value, kind.problem(value) is not None) for label, value in BAD_VALUES.items()]
            cases.append((name, "repeated", None, not kind.repeatable))
        for name, label, value, refused in cases:
            if refused and not also_refused:
                continue
            sent += 1
            try:
                if label == "repeated":
                    response = _send(app, action, headers, repeated=name)
                else:
                    response = _send(app, action, headers, **{name: value})
            except Exception as error:  # noqa: BLE001 (the test app raises what a view let through)
                failures.append(f"{action} {name} {label}: {error!r:.200}")
                continue
            error = response.json.get("error", {}) if response.is_json else {}
            if response.status_code >= 500:
                failures.append(f"{action} {name} {label}: {response.status_code}")
            elif refused and (response.status_code != 409 or name not in error):
                failures.append(f"{action} {name} {label}: {response.status_code} {json.dumps(error)[:200]}")
    return sent, failures


@pytest.mark.usefixtures("with_plugins")
def test_no_bad_value_to_any_action_gives_a_server_error(app, sysadmin, editor, capsys):
    callers = {"anonymous": {}, "ordinary user": {"Authorization": editor["token"]},
               "sysadmin": {"Authorization": sysadmin["token"]}}
    sent, failures = 0, []
    for caller, headers in callers.items():
        count, found = _fuzz(app, headers, also_refused=caller == "anonymous")
        sent += count
        failures += [f"{caller}: {failure}" for failure in found]
    with capsys.disabled():
        print(f"\nrequest guard: {len(request_guard.declarations())} actions, {len(BAD_VALUES) + 2} classes "
              f"of bad value, {len(callers)} callers, {sent} requests, {len(failures)} failures")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


@pytest.mark.usefixtures("with_plugins")
def test_an_undeclared_action_is_not_offered(app, monkeypatch):
    declared = request_guard.declarations()
    monkeypatch.delitem(declared, "status_show")
    response = app.get("/api/3/action/status_show", expect_errors=True)
    assert response.status_code == 400
    assert "status_show" in response.json["error"]["message"]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("url, field", [
    ("/api/3/action/package_show?id=a&id=b", "id"),
    ("/api/3/action/package_search?rows=1&rows=2", "rows"),
    ("/api/3/action/package_search?wt=xml", "wt"),
    ("/api/3/action/dcat_catalog_show?format=abc", "format"),
    ("/api/3/action/package_list?limit=" + "1" * 30, "limit"),
    ("/api/3/action/package_activity_list?id=x&before=1e30", "before"),
    ("/api/3/action/package_relationships_list?id=x&rel=abc", "rel"),
    ("/api/3/action/member_list?id=x&object_type=5", "object_type"),
    ("/api/3/action/tag_list?vocabulary_id=a&vocabulary_id=b", "vocabulary_id"),
    ("/api/3/action/user_list?all_fields=abc", "all_fields"),
])
def test_the_action_api_names_the_bad_parameter_in_the_requests_language(app, url, field):
    response = app.get(url, expect_errors=True)
    assert response.status_code == 409
    assert response.json["error"]["__type"] == "Validation Error"
    assert field in response.json["error"]
    english = app.get(url + "&lang=en", expect_errors=True).json["error"][field][0]
    assert english != response.json["error"][field][0]  # Swedish by default


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("resource", ['{"a": "b"}', '{"id": "x"}'])
def test_an_object_sent_as_form_text_is_refused_by_name(app, resource):
    # CKAN reads resource["id"] and does not parse a form's JSON text: 500.
    response = app.post("/api/3/action/resource_create_default_resource_views", data={"resource": resource},
                        expect_errors=True)
    assert response.status_code == 409
    assert list(response.json["error"]) == ["__type", "resource"]


@pytest.mark.usefixtures("with_plugins")
def test_a_good_request_passes_the_guard(app):
    response = app.get('/api/3/action/package_search?q=*:*&rows=5&facet.field=["tags"]&include_private=true')
    assert response.json["success"] is True


# --- pages ------------------------------------------------------------------------------


@pytest.fixture
def public_dataset(organization, editor):
    return helpers.call_action(
        "package_create", context={"user": editor["name"]}, name="oppen", owner_org=organization["id"],
        private=False, **dataset_fields(),
    )


@pytest.mark.usefixtures("with_plugins")
def test_pages_refuse_bad_query_parameters_without_a_server_error(app, public_dataset, organization):
    for url, status, field in [
        ("/catalog.nt", 404, None),
        ("/catalog.foo", 404, None),
        (f"/dataset/{public_dataset['name']}.foo", 404, None),
        ("/catalog.rdf?fq=((((", 400, None),
        ("/catalog.rdf?modified_since=2020-01-01T00:00:00Z", 400, "modified_since"),
        ("/catalog.rdf?page=" + "9" * 30, 400, "page"),
        ("/feeds/custom.atom?sort=xx", 400, None),
        ("/feeds/custom.atom?page=abc", 400, "page"),
        ("/api/2/util/tag/autocomplete?incomplete=a&limit=abc", 400, "limit"),
        ("/api/2/util/dataset/autocomplete?incomplete=a&limit=" + "1" * 30, 400, "limit"),
    ]:
        response = app.get(url, expect_errors=True)
        assert response.status_code == status, url
        assert field is None or field in response.get_data(as_text=True), url
    assert app.get(f"/dataset/{public_dataset['name']}.ttl").status_code == 200
    assert app.get("/catalog.rdf?modified_since=2020-01-01T00:00:00").status_code == 200


@pytest.mark.usefixtures("with_plugins")
def test_an_organisation_page_with_a_sort_the_index_refuses_is_no_server_error(app, organization):
    response = app.get(f"/organization/{organization['name']}?sort=xx", expect_errors=True)
    # Until the search parameters' allowlist refuses it (400), the page
    # shows CKAN's search error.
    assert response.status_code in (200, 400)


@pytest.mark.usefixtures("with_plugins")
def test_a_login_that_would_go_on_off_the_site_is_refused(app):
    import re

    from ckan.tests import factories

    user = factories.User(password="correct horse battery")
    form = app.get("/user/login").get_data(as_text=True)
    token = re.search(r'name="_csrf_token" content="([^"]+)"', form).group(1)
    # CKAN took the twice-encoded path for the name of a route (BuildError).
    response = app.post("/user/login?came_from=%252F%252Fevil.example", expect_errors=True,
                        data={"login": user["name"], "password": "correct horse battery", "_csrf_token": token})
    assert response.status_code == 400
    assert "came_from" in response.get_data(as_text=True)

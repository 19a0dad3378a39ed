"""CSRF protection that holds (csrf.py; issue 16, item 2).

CKAN 2.12 exempted a view from CSRF for the rest of the process the first
time a request to it came with an `Authorization` header (or none at all).
Here each form first gets such a request; then a cookie-authenticated POST
without the form's CSRF token, from a foreign origin, is refused and stores
nothing, and the same POST with the token the form carries goes through.
test.ini switches CSRF off for the other tests; it is on here."""
from __future__ import annotations

from typing import Any, Callable

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict
from ckan import model
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata.tests.checklist_helpers import complete_metadata
from ckanext.gbgopendata.tests.helpers import form_values, organization_fields, organization_member, reset_database

HOSTILE = {"Origin": "https://angripare.example"}
FIELD = "_csrf_token"  # CKAN's WTF_CSRF_FIELD_NAME


@pytest.fixture(scope="module")
def world(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    reset_database(reset_db, migrate_db_for)
    reset_index()
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    editor = organization_member(organization, "editor")
    admin = organization_member(organization, "admin")

    def dataset(name: str, private: bool) -> dict[str, Any]:
        return ckan_helpers.call_action(
            "package_create", context={"user": admin["name"]}, name=name, owner_org=organization["id"],
            private=private, **complete_metadata(),
        )

    names = ("checklist", "publish", "unpublish", "edit", "bulk")
    datasets = {name: dataset(f"csrf-{name}", private=name == "publish") for name in names}
    return {"organization": organization, "editor": editor, "admin": admin, "datasets": datasets}


@pytest.fixture
def csrf_on(app, monkeypatch):
    # CKAN copies WTF_CSRF_ENABLED into the Flask app's config when it builds
    # the app (once per session here).
    monkeypatch.setitem(app.flask_app.config, "WTF_CSRF_ENABLED", True)
    return app


def _cookie_client(app, user: dict[str, Any]):
    """A browser session of `user`: a session cookie, no Authorization header."""
    from ckan.plugins import toolkit

    from urllib.parse import urlsplit

    client = app.test_client()
    site_url = toolkit.config["ckan.site_url"]
    # The session as the login leaves it, saved by the app's own session
    # interface, its cookie set for the site the requests go to (CKAN 2.11's
    # test client is werkzeug's, without Flask's session_transaction).
    flask_app = app.flask_app
    with flask_app.test_request_context("/", base_url=site_url) as request_context:
        session = flask_app.session_interface.open_session(flask_app, request_context.request)
        session["_user_id"] = model.User.get(user["id"]).get_id()
        session["_fresh"] = True
        response = flask_app.response_class()
        flask_app.session_interface.save_session(flask_app, session, response)
    name = flask_app.config.get("SESSION_COOKIE_NAME") or "session"
    cookie = response.headers.get("Set-Cookie", "")
    value = cookie.split(";", 1)[0].partition("=")[2]
    assert cookie.startswith(f"{name}=") and value, cookie
    client.set_cookie(name, value, domain=urlsplit(site_url).hostname)
    return client


def _form(client, url: str, selector: str) -> list[tuple[str, str]]:
    page = BeautifulSoup(client.get(url, status=200).get_data(as_text=True), "html.parser")
    return form_values(page.select_one(selector))


def _stored(name: str) -> model.Package:
    model.Session.expire_all()
    return model.Package.get(name)


def _confirmed_items(world) -> set[str]:
    shown = ckan_helpers.call_action(
        "gbg_checklist_show", context={"user": world["editor"]["name"]}, id=world["datasets"]["checklist"]["id"]
    )
    return {item["id"] for item in shown["items"] if item.get("confirmed")}


def _changed(values: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    kept = [(name, value) for name, value in values if name not in changes]
    return kept + list(changes.items())


# Each form: the page it is on, its selector there, the URL it posts to, what
# it sends (from the page's values), and whether the change was stored.
FORMS: dict[str, tuple[str, str, str, Callable, Callable]] = {
    "checklist": (
        "/dataset/csrf-checklist/checklist", "form.gbg-checklist", "/dataset/csrf-checklist/checklist",
        lambda values, world: _changed(values, **{"confirm-tested": "1"}),
        lambda world: "tested" in _confirmed_items(world),
    ),
    "publish": (
        "/dataset/csrf-publish/checklist", "form[action^='/dataset/csrf-publish/publish']",
        "/dataset/csrf-publish/publish",
        lambda values, world: values,
        lambda world: not _stored("csrf-publish").private,
    ),
    "unpublish": (
        "/dataset/csrf-unpublish/checklist", "form[action^='/dataset/csrf-unpublish/unpublish']",
        "/dataset/csrf-unpublish/unpublish",
        lambda values, world: _changed(values, confirm="1"),
        lambda world: _stored("csrf-unpublish").private,
    ),
    "dataset edit": (
        "/dataset/edit/csrf-edit", "form#dataset-edit", "/dataset/edit/csrf-edit",
        lambda values, world: _changed(values, **{"title_translated-sv": "Ändrad titel", "save": ""}),
        lambda world: _stored("csrf-edit").title == "Ändrad titel",
    ),
    "organisation edit": (
        "/organization/edit/trafikkontoret", "form.dataset-form", "/organization/edit/trafikkontoret",
        lambda values, world: _changed(values, **{"title_translated-sv": "Ändrat namn", "save": ""}),
        lambda world: _stored_organization_title() == "Ändrat namn",
    ),
    "organisation bulk": (
        "/organization/bulk_process/trafikkontoret", "form[method='POST']", "/organization/bulk_process/trafikkontoret",
        lambda values, world: values + [
            (f"dataset_{world['datasets']['bulk']['id']}", "on"), ("bulk_action.private", "private")
        ],
        lambda world: _stored("csrf-bulk").private,
    ),
}


def _stored_organization_title() -> str:
    model.Session.expire_all()
    return ckan_helpers.call_action("organization_show", id="trafikkontoret")["title_translated"]["sv"]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("form", list(FORMS))
def test_a_cookie_post_without_the_csrf_token_is_refused_after_a_token_request(csrf_on, world, form):
    page, selector, target, sent, stored = FORMS[form]
    admin = world["admin"]
    # An API client's request to the same view (a 404 is enough for CKAN to
    # exempt the view).
    csrf_on.post(target.replace("trafikkontoret", "finns-inte").replace("csrf-", "finns-inte-"),
                 headers={"Authorization": admin["token"]})

    browser = _cookie_client(csrf_on, admin)
    values = sent(_form(browser, page, selector), world)
    assert FIELD in dict(values), "the form carries its CSRF token"
    forged = [(name, value) for name, value in values if name != FIELD]
    response = browser.post(target, data=MultiDict(forged), headers=HOSTILE, follow_redirects=False)
    assert response.status_code == 400
    assert "säkerhetsnyckel" in response.get_data(as_text=True)
    assert not stored(world)

    response = browser.post(target, data=MultiDict(values), follow_redirects=False)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    assert stored(world)


@pytest.mark.usefixtures("with_plugins")
def test_the_action_api_needs_the_csrf_token_with_a_cookie_not_with_an_api_token(csrf_on, world):
    editor, dataset = world["editor"], world["datasets"]["edit"]
    url = "/api/action/package_patch"
    csrf_on.post(url, json={"id": "finns-inte"}, headers={"Authorization": editor["token"]})
    before = _stored(dataset["name"]).version

    browser = _cookie_client(csrf_on, editor)
    response = browser.post(url, json={"id": dataset["id"], "version": "2"}, headers={**HOSTILE, "Accept-Language": "en"})
    assert response.status_code == 400
    assert "security token" in response.json["error"]["message"]
    assert _stored(dataset["name"]).version == before

    # An invalid token in the header is no API token: still the cookie's request.
    response = browser.post(url, json={"id": dataset["id"], "version": "2"}, headers={"Authorization": "falsk"})
    assert response.status_code == 400
    assert _stored(dataset["name"]).version == before

    response = csrf_on.post(url, json={"id": dataset["id"], "version": "2"}, headers={"Authorization": editor["token"]})
    assert response.status_code == 200
    assert _stored(dataset["name"]).version == "2"

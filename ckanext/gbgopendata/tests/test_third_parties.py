"""No page makes the visitor's browser ask another host for anything
(avatars.py; issue 16, item 7): no Gravatar (an MD5 of the user's e-mail
address sent to a US service), no fonts, scripts or images from elsewhere.
Chromium's network events record every request of a walk over the portal's
pages, anonymously and logged in; the user pages are also checked through
the test app, with the option that turns Gravatar on."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from ckan.tests import factories
from ckan.tests import helpers as ckan_helpers

from ckanext.gbgopendata.tests.browser import PASSWORD
from ckanext.gbgopendata.tests.checklist_helpers import complete_metadata
from ckanext.gbgopendata.tests.helpers import organization_fields, organization_member

pytestmark = pytest.mark.usefixtures("with_plugins")


def _other_hosts(urls: list[str], portal: str) -> list[str]:
    own = urlsplit(portal).netloc
    return [url for url in urls if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own]


def test_no_page_requests_anything_from_another_host(live_server, browser):
    # No logo: a logo linked from another host is the organisation's own choice.
    organization = factories.Organization(name="trafikkontoret", image_url="", **organization_fields())
    editor = organization_member(organization, "editor", password=PASSWORD, image_url="", fullname="Anna Redaktör")
    dataset = ckan_helpers.call_action(
        "package_create", context={"user": editor["name"]}, name="parkeringsplatser",
        owner_org=organization["id"], private=False, **complete_metadata(),
    )
    # A dataset series and a data service (their own pages and forms).
    levels = {"confidentiality_level": "0", "integrity_level": "1", "availability_level": "1"}
    series = ckan_helpers.call_action(
        "package_create", context={"user": editor["name"]}, type="dataset_series", name="luftkvalitet-per-ar",
        owner_org=organization["id"], private=False, license_id="CC0-1.0",
        title_translated={"sv": "Luftkvalitet per år", "en": "Air quality by year"},
        notes_translated={"sv": "Årliga mätningar.", "en": "Yearly measurements."}, **levels)
    service = ckan_helpers.call_action(
        "package_create", context={"user": editor["name"]}, type="dataservice", name="luftkvalitets-api",
        owner_org=organization["id"], private=False, license_id="CC0-1.0", endpoint_url="https://goteborg.se/api",
        title_translated={"sv": "Luftkvalitets-API", "en": "Air quality API"},
        notes_translated={"sv": "Mätvärden.", "en": "Readings."}, **levels)
    public_pages = ["/", "/dataset/", f"/dataset/{dataset['name']}", f"/organization/{organization['name']}",
                    f"/user/{editor['name']}", f"/dataset_series/{series['name']}", f"/dataservice/{service['name']}"]
    editor_pages = public_pages + [
        "/dashboard/datasets", f"/dataset/edit/{dataset['name']}", f"/dataset/{dataset['name']}/checklist",
        f"/organization/{organization['name']}/publicering", "/dataset/new", "/dataset_series/new",
        "/dataservice/new", f"/dataservice/edit/{service['name']}",
    ]
    admin = organization_member(organization, "admin", password=PASSWORD, image_url="", fullname="Erik Ägare")
    admin_pages = [f"/organization/{organization['name']}/kvalitet", f"/organization/{organization['name']}/kvalitet?scope=all"]
    # ckanext-harvest's pages, a sysadmin's only.
    sysadmin = factories.Sysadmin(password=PASSWORD, image_url="")
    sysadmin_pages = ["/harvest", "/harvest/new"]
    found: dict[str, list[str]] = {}

    def visit(who: str, paths: list[str]) -> None:
        for path in paths:
            browser.goto(path)
            found[f"{who} {path}"] = _other_hosts(browser.requested_urls(), live_server.url)

    visit("anonymous", public_pages)
    browser.login(editor["name"], PASSWORD)
    found["login"] = _other_hosts(browser.requested_urls(), live_server.url)
    visit("editor", editor_pages)
    browser.logout()
    browser.login(admin["name"], PASSWORD)
    visit("admin", admin_pages)
    browser.logout()
    browser.login(sysadmin["name"], PASSWORD)
    visit("sysadmin", sysadmin_pages)

    assert {page: urls for page, urls in found.items() if urls} == {}


GRAVATAR = "gravatar.com"


@pytest.fixture
def user_pages(organization):
    editor = organization_member(organization, "editor", image_url="")
    headers = {"Authorization": editor["token"]}

    def pages(app) -> dict[str, str]:
        return {path: app.get(path, headers=headers, status=200).get_data(as_text=True)
                for path in ("/", f"/user/{editor['name']}", "/dashboard/datasets", "/user/edit/" + editor["name"])}

    return pages


def test_the_user_pages_show_the_local_placeholder_not_a_gravatar(app, user_pages):
    for path, html in user_pages(app).items():
        assert GRAVATAR not in html, path
        assert "placeholder-user.png" in html, path


@pytest.mark.ckan_config("ckanext.gbgopendata.gravatar", True)
def test_the_option_shows_gravatars(app, user_pages):
    assert GRAVATAR in user_pages(app)["/"]

"""Pages a publisher and a visitor meet must never answer 500 (issue 12,
items 1 and 3): a dataset of a type the catalogue does not have (stored
before the type check, as a legacy dataset is) does not break the search
page, the dashboard or the user pages, and an unexpected error shows the
portal's own error page in the visitor's language, never a traceback."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.lib import search

from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION


@pytest.fixture
def legacy_dataset_of_unknown_type(organization):
    """A dataset of a type no schema has, stored directly in the database
    as one from before the type check would be."""
    pkg = model.Package(name="gammal-typ", title="Gammal typ", type="harvest", private=False,
                        owner_org=organization["id"], license_id="CC0-1.0")
    pkg.extras = {**OPEN_CLASSIFICATION}
    model.Session.add(pkg)
    model.repo.commit()
    search.rebuild(pkg.id)
    return pkg.id


def _pages(user_name: str) -> list[str]:
    return ["/dataset/", "/en/dataset/", "/dashboard/datasets", "/dashboard/", f"/user/{user_name}",
            f"/user/activity/{user_name}", "/user/", "/organization/trafikkontoret", "/organization/activity/trafikkontoret",
            "/dataset/gammal-typ", "/dataset/activity/gammal-typ", "/dataset/edit/gammal-typ",
            "/dataset/gammal-typ/resource/new", "/dataset/groups/gammal-typ", "/harvest/gammal-typ", "/"]


def _status(app, url: str, user: dict) -> int | str:
    """The page's status; an exception the test app lets through (where a
    portal shows its 500 page) is named."""
    try:
        return app.get(url, headers={"Authorization": user["token"]}, expect_errors=True).status_code
    except Exception as error:  # noqa: BLE001 (a 500 in a running portal)
        return f"500 {type(error).__name__}: {error}"[:200]


@pytest.mark.usefixtures("with_plugins", "legacy_dataset_of_unknown_type")
@pytest.mark.parametrize("who", ["sysadmin", "editor"])
def test_a_dataset_of_an_unknown_type_breaks_no_page(app, request, who):
    user = request.getfixturevalue(who)
    answers = {url: _status(app, url, user) for url in _pages(user["name"])}
    assert {url: code for url, code in answers.items() if code not in (200, 404)} == {}


@pytest.fixture
def failing_search_page(monkeypatch, app):
    """The search page fails as a database error fails a page (the empty
    size once did): the statement leaves the transaction failed. The test
    app raises errors for the test to see; a portal does not (testing off)."""
    from sqlalchemy import text

    from ckanext.gbgopendata import search as search_module

    def failing(facets_dict):
        model.Session.execute(text("SELECT ''::bigint"))

    monkeypatch.setattr(search_module, "dataset_facets", failing)
    flask_app = app.flask_app
    monkeypatch.setattr(flask_app, "testing", False)
    return app


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("prefix, title", [("", "Något gick fel"), ("/en", "Something went wrong")])
def test_an_unexpected_error_shows_the_portals_error_page_in_the_visitors_language(
        failing_search_page, editor, prefix, title):
    # A signed-in publisher: the page's header reads the database.
    headers = {"Authorization": editor["token"]}
    response = failing_search_page.get(f"{prefix}/dataset/", headers=headers, expect_errors=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    page = BeautifulSoup(body, "html.parser")
    assert page.select_one("#error-content h1").get_text(" ", strip=True) == f"500 {title}"
    for leak in ("Traceback", "bigint", "psycopg2", "site-packages", "Werkzeug", "Internal server error"):
        assert leak not in body
    # The worker's next request is served (the failed transaction is gone).
    assert failing_search_page.get(f"{prefix}/organization/", headers=headers, expect_errors=True).status_code == 200


# --- empty values are no rows (issue 12, item 12) ---------------------------------------------


@pytest.fixture
def dataset_with_empty_values(editor, organization):
    """A public dataset whose optional fields are empty, and with the empty
    entries the form stored before empty entries were dropped (an untouched
    area, a contact of only its default kind, a contact without telephone
    and web page)."""
    from ckan.tests import helpers as ckan_helpers

    from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

    dataset = ckan_helpers.call_action(
        "package_create", context={"user": editor["name"]}, name="parkering", owner_org=organization["id"],
        private=False, license_id="CC0-1.0",
        contact=[{"name": "Trafikkontoret", "email": "trafikkontoret@goteborg.se", "kind": "Organization"}],
        resources=[resource_fields(name_translated={"sv": "Parkering", "en": "Parking"})], **dataset_fields(),
    )
    pkg = model.Package.get(dataset["id"])
    pkg.extras = dict(
        pkg.extras,
        spatial_coverage='[{"uri": ""}]',
        contact='[{"name": "Trafikkontoret", "email": "trafikkontoret@goteborg.se", "telephone": "", "url": "",'
                ' "kind": "Organization"}, {"name": "", "email": "", "kind": "Organization"}]',
    )
    model.repo.commit()
    search.rebuild(pkg.id)
    return dataset


def _rows(page) -> list[tuple[str, str]]:
    rows = [(tr.th, tr.td) for tr in page.select("table tr") if tr.th is not None and tr.td is not None]
    rows += [(dt, dt.find_next_sibling("dd")) for dt in page.select("dl dt")]
    return [(" ".join(label.get_text(" ", strip=True).split()),
             " ".join(value.get_text(" ", strip=True).split()) if value else "") for label, value in rows]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_empty_values_are_no_rows_on_the_public_pages(app, dataset_with_empty_values, prefix):
    dataset = dataset_with_empty_values
    resource_id = dataset["resources"][0]["id"]
    for url in (f"{prefix}/dataset/{dataset['name']}", f"{prefix}/dataset/{dataset['name']}/resource/{resource_id}"):
        page = BeautifulSoup(app.get(url).get_data(as_text=True), "html.parser")
        rows = _rows(page)
        assert rows, url
        assert [label for label, value in rows if not value] == [], url
        text = page.get_text(" ", strip=True)
        for absent in ("Kontakt 2", "Contact 2", "Område 1", "Area 1", "Geonames", "Telefon", "Telephone"):
            assert absent not in text, (url, absent)
    page = BeautifulSoup(app.get(f"{prefix}/dataset/{dataset['name']}/resource/{resource_id}").get_data(as_text=True),
                         "html.parser")
    assert ("Format", "CSV") in _rows(page)

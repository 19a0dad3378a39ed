"""What the extension's middleware costs per request (issue 17): the SQL
statements its own request handlers send, counted with `counting()` while
one of them runs. A request that needs no database answer gets none from
us; a dataset page looks its dataset up once."""
from __future__ import annotations

import contextlib
import functools
from typing import Iterator

import pytest
from ckan.tests import helpers

from ckanext.gbgopendata.tests.counting import counting
from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields

pytestmark = pytest.mark.usefixtures("with_plugins")


@contextlib.contextmanager
def our_middleware_sql(flask_app) -> Iterator[list[str]]:
    """The SQL statements sent while one of the extension's before-,
    after- or teardown-request handlers runs (the app's handler lists are
    wrapped for the block)."""
    ours: list[str] = []
    tables = (flask_app.before_request_funcs, flask_app.after_request_funcs, flask_app.teardown_request_funcs)
    saved = [(handlers, list(handlers)) for table in tables for handlers in table.values()]
    with counting() as counts:

        def measured(handler):
            @functools.wraps(handler)
            def run(*args, **kwargs):
                before = len(counts.sql)
                try:
                    return handler(*args, **kwargs)
                finally:
                    ours.extend(f"{handler.__module__}.{handler.__name__}: {s}" for s in counts.sql[before:])

            return run

        for handlers, original in saved:
            handlers[:] = [
                measured(h) if getattr(h, "__module__", "").startswith("ckanext.gbgopendata") else h for h in original
            ]
        try:
            yield ours
        finally:
            for handlers, original in saved:
                handlers[:] = original


@pytest.fixture
def dataset(sysadmin, organization):
    return helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="parkeringsplatser",
        owner_org=organization["id"],
        private=False,
        **dataset_fields(resources=[resource_fields()]),
    )


@pytest.mark.parametrize(
    "path",
    [
        "/base/images/ckan-logo.png",
        "/api/3/action/status_show",
        "/api/3/action/package_search?q=parkering",
        "/",
        "/dataset/",
        "/organization/",
    ],
)
def test_a_request_that_needs_no_database_gets_no_sql_from_our_middleware(app, dataset, path):
    with our_middleware_sql(app.flask_app) as statements:
        response = app.get(path)
    assert response.status_code == 200
    print(f"{path}: {len(statements)}")
    assert statements == []


def _lookups(statements: list[str], table: str) -> int:
    """The statements that read `table` ("member JOIN": a user's organisations)."""
    return sum(1 for statement in statements if f"FROM {table} " in statement)


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
def test_a_dataset_page_looks_its_dataset_up_once(app, dataset, editor, caller):
    headers = {"Authorization": editor["token"]} if caller == "editor" else {}
    resource_id = dataset["resources"][0]["id"]
    for path, status in [
        (f"/dataset/{dataset['name']}", 200),
        (f"/dataset/{dataset['id']}", 302),  # CKAN's redirect to the dataset's name
        (f"/dataset/{dataset['name']}/resource/{resource_id}", 200),
    ]:
        with our_middleware_sql(app.flask_app) as statements:
            response = app.get(path, headers=headers, follow_redirects=False)
        assert response.status_code == status
        print(f"{path} ({caller}): {len(statements)}", *statements, sep="\n  ")
        assert _lookups(statements, "package") == 1, statements
        # the resource the page names; the dataset's resources for its permission labels
        assert _lookups(statements, "resource") <= 1 + ("/resource/" in path), statements
        # the caller's permission labels once (CKAN's organization_list_for_user)
        assert _lookups(statements, "member JOIN") <= 1, statements
        assert caller == "editor" or _lookups(statements, '"user"') == 0, statements


def test_a_private_dataset_page_reads_the_callers_labels_once(app, sysadmin, organization, editor):
    private = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="hemliga-platser",
        owner_org=organization["id"],
        private=True,
        **dataset_fields(),
    )
    for headers, status in [({"Authorization": editor["token"]}, 200), ({}, 404)]:
        with our_middleware_sql(app.flask_app) as statements:
            response = app.get(f"/dataset/{private['name']}", headers=headers, expect_errors=True)
        assert response.status_code == status
        print(f"private dataset ({status}): {len(statements)}", *statements, sep="\n  ")
        assert _lookups(statements, "package") == 1, statements
        assert _lookups(statements, "member JOIN") == (1 if headers else 0), statements

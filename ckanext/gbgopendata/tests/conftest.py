"""Shared fixtures. CKAN's own pytest plugin provides clean_db, clean_index,
with_plugins, ckan_config and app; the factories come from ckan.tests."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
GOTEBORGS_KOMMUN_ORGNR = "2120001355"
# A classification that allows publication (Göteborgs Stads riktlinjer för
# informationssäkerhet: confidentiality level 0).
OPEN_CLASSIFICATION = {"confidentiality_level": "0", "integrity_level": "1", "availability_level": "1"}


def reset_database(reset_db, migrate_db_for) -> None:
    """CKAN's reset_db, plus the tables of the activity plugin and of this
    extension, whose own migrations CKAN's reset_db does not apply."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("gbgopendata")


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    reset_database(reset_db, migrate_db_for)


def organization_fields(**overrides: Any) -> dict[str, Any]:
    """The fields a publisher needs under the DCAT-AP-SE schema."""
    fields = {
        "title_translated": {"sv": "Trafikkontoret", "en": "Urban Transport Administration"},
        "orgnr": "212000-1355",
        "publisher_type": LOCAL_AUTHORITY,
    }
    fields.update(overrides)
    return fields


def dataset_fields(**overrides: Any) -> dict[str, Any]:
    """A minimal valid dataset under the DCAT-AP-SE schema (mandatory fields),
    classified so that it may be public (confidentiality level 0)."""
    fields = {
        "title_translated": {"sv": "Parkeringsplatser", "en": "Parking spaces"},
        "notes_translated": {"sv": "Kommunala parkeringsplatser.", "en": "Municipal parking spaces."},
        **OPEN_CLASSIFICATION,
    }
    fields.update(overrides)
    return fields


def resource_fields(**overrides: Any) -> dict[str, Any]:
    fields = {"url": "https://goteborg.se/opendata/parkering.csv", "format": "text/csv"}
    fields.update(overrides)
    return fields


@pytest.fixture
def organization(clean_db, clean_index):
    return factories.Organization(name="trafikkontoret", **organization_fields())


@pytest.fixture
def sysadmin(clean_db):
    return factories.SysadminWithToken()


@pytest.fixture
def editor(organization):
    """An editor of the `organization` fixture, with an API token."""
    return organization_member(organization, "editor")


def organization_member(organization: dict[str, Any], role: str) -> dict[str, Any]:
    """A new user (with an API token) holding `role` in `organization`."""
    from ckan.tests import helpers

    user = factories.UserWithToken()
    helpers.call_action(
        "organization_member_create",
        context={"ignore_auth": True},
        id=organization["id"],
        username=user["name"],
        role=role,
    )
    return user


# --- speed: load the plugins and build the app once per session -------------------
#
# CKAN's own with_plugins and app fixtures reload every plugin for each test
# (about a second each, twice for a web test). The plugins of this suite never
# change between tests (ckan.plugins comes from test.ini, and no test marks
# with_plugins), so they are loaded once; config marks (ckan_config) still
# apply per test because CKAN reads them from its global config at run time.


@pytest.fixture(scope="session")
def _plugins_of_the_session():
    import ckan.plugins

    ckan.plugins.load_all()
    yield
    ckan.plugins.unload_all()


@pytest.fixture
def with_plugins(_plugins_of_the_session, ckan_config):
    yield


@pytest.fixture(scope="session")
def _app_of_the_session(_plugins_of_the_session):
    from ckan.tests.helpers import _get_test_app

    return _get_test_app()


@pytest.fixture
def app(_app_of_the_session, ckan_config):
    from ckan.lib.app_globals import _CONFIG_CACHE

    # Values cached from the previous test would hide this test's config marks.
    _CONFIG_CACHE.clear()
    return _app_of_the_session

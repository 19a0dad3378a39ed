"""Shared fixtures. CKAN's own pytest plugin provides clean_db, clean_index,
with_plugins, ckan_config and app; the factories come from ckan.tests."""
from __future__ import annotations

import pytest

from ckan.tests import factories


@pytest.fixture
def organization(clean_db, clean_index):
    return factories.Organization(name="trafikkontoret", title="Trafikkontoret")


@pytest.fixture
def sysadmin(clean_db):
    return factories.SysadminWithToken()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the tables of the activity plugin.

    The portal runs the activity plugin, whose own migrations (for example
    activity.permission_labels) CKAN's reset_db does not apply.
    """
    reset_db()
    migrate_db_for("activity")

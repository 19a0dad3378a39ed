"""Load the plugins and build the web app once per test session.

CKAN's own `with_plugins` and `app` fixtures reload every plugin for each
test (about a second each, twice for a web test). The plugins of this suite
never change between tests (ckan.plugins comes from test.ini, and no test
marks with_plugins), so they are loaded once; config marks (ckan_config)
still apply per test because CKAN reads them from its global config at run
time.

CKAN offers no supported way to do this, so this module is the one place
that uses CKAN's private test names (`ckan.tests.helpers._get_test_app`,
`ckan.lib.app_globals._CONFIG_CACHE`) and its action registry
(`ckan.logic._actions`, `registered_actions`); conftest.py imports its fixtures.
It also reads the extension's settings again per test (`ckan_config`), as
they are read once per process.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def _plugins_of_the_session():
    import ckan.plugins

    ckan.plugins.load_all()
    yield
    ckan.plugins.unload_all()


@pytest.fixture
def ckan_config(ckan_config):
    """CKAN's fixture (config marks applied), and the extension's settings
    read again from that config, as a process started with it would: they
    are read once per process (settings.py). A test that changes the config
    itself calls `reconfigure(ckan_config)`. The settings in force before
    the test are put back after it."""
    from ckanext.gbgopendata import settings

    before = settings._current
    reconfigure(ckan_config)
    yield ckan_config
    settings.restore(before)


def reconfigure(config) -> None:
    """The settings read from `config`, as at a process start."""
    from ckanext.gbgopendata import settings
    from ckanext.gbgopendata.checklist import in_force

    settings.configure(config, in_force.at_start)


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


def registered_actions() -> dict:
    """Every action CKAN serves, by name (CKAN has no public list of them:
    its registry, which get_action fills)."""
    import ckan.logic
    from ckan.plugins import toolkit

    toolkit.get_action("package_show")
    return dict(ckan.logic._actions)

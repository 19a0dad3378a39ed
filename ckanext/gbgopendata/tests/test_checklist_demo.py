"""The demo portal has a dataset in every place of the publishing process,
made through the checklist actions with the city's default checklist."""
from __future__ import annotations

import pytest

from ckanext.gbgopendata.tests.checklist_helpers import DEFAULT_CHECKLIST
from ckanext.gbgopendata.tests.helpers import derived_ini

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"), DEFAULT_CHECKLIST]


def test_load_demo_gives_datasets_in_every_status(cli, tmp_path):
    from ckan.cli.cli import ckan as ckan_command

    from ckanext.gbgopendata.logic import overview

    # the test configuration with the demo's (default) checklist
    ini = derived_ini(tmp_path / "demo.ini", **{"ckanext.gbgopendata.checklist_file": ""})
    result = cli.invoke(
        ckan_command, ["-c", str(ini), "gbgopendata", "load-demo", "--admin-password-file", str(tmp_path / "pw")]
    )
    assert result.exit_code == 0, result.output
    statuses = {row.name: row.status for row in overview.rows(None)}
    assert statuses["befolkning-per-stadsomrade"] == "public"
    assert statuses["cykelrakningar"] == "public_incomplete"
    assert statuses["trafikfloden-kommunala-vagar"] == "ready"
    assert statuses["badplatser"] == "draft"
    assert set(statuses.values()) == {"draft", "ready", "public", "public_incomplete"}
    assert "anna-redaktor" in result.output and "erik-informationsagare" in result.output
    # The demo's editor and admin of Trafikkontoret can take the ready dataset further.
    from ckan.tests import helpers

    shown = helpers.call_action(
        "gbg_checklist_show", context={"user": "erik-informationsagare", "ignore_auth": False},
        id="trafikfloden-kommunala-vagar",
    )
    assert shown["may_publish"] is True

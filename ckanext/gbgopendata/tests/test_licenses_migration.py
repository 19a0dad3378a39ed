"""`ckan gbgopendata migrate-licenses`: from CKAN's default ids to the register."""
from __future__ import annotations


import pytest

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import resource_fields
from ckanext.gbgopendata.tests.licence_helpers import CC_BY, _create


# --- migration from CKAN's default ids ----------------------------------------------------------


def _set_legacy_licence(dataset_id: str, license_id: str, resource_licence: str | None = None) -> None:
    """Puts a dataset in the state an older portal left it in (CKAN's own
    ids, variant URIs), bypassing today's validation as the old portal did."""
    package = model.Package.get(dataset_id)
    package.license_id = license_id
    if resource_licence:
        resource = package.resources[0]
        resource.extras = dict(resource.extras or {}, license=resource_licence)
    model.Session.commit()


def _stored_licences(dataset_id: str) -> tuple[str, list]:
    model.Session.expire_all()
    package = model.Package.get(dataset_id)
    return package.license_id, [(r.extras or {}).get("license") for r in package.resources]


@pytest.mark.usefixtures("with_plugins")
class TestMigration:
    @pytest.fixture
    def legacy_datasets(self, sysadmin, organization):
        zero = _create(sysadmin, organization, name="befolkning", resources=[resource_fields()])
        by = _create(sysadmin, organization, name="cykelfloden", resources=[resource_fields()])
        odbl = _create(sysadmin, organization, name="gatunat", resources=[resource_fields()])
        current = _create(sysadmin, organization, name="badplatser", license_id="CC0-1.0")
        _set_legacy_licence(zero["id"], "cc-zero")
        _set_legacy_licence(by["id"], "cc-by", "https://creativecommons.org/licenses/by/4.0/deed.sv")
        _set_legacy_licence(odbl["id"], "odc-odbl")
        return {"zero": zero, "by": by, "odbl": odbl, "current": current}

    def test_dry_run_reports_and_changes_nothing(self, cli, legacy_datasets):
        modified = {k: model.Package.get(d["id"]).metadata_modified for k, d in legacy_datasets.items()}

        result = cli.invoke(ckan_command, ["gbgopendata", "migrate-licenses", "--dry-run"])

        assert result.exit_code == 0, result.output
        assert "befolkning: licens cc-zero → CC0-1.0" in result.output
        assert "cykelfloden: licens cc-by → CC-BY-4.0" in result.output
        assert f"cykelfloden: distribution {legacy_datasets['by']['resources'][0]['id']}: licens" in result.output
        assert "gatunat: licensen odc-odbl finns inte i katalogens licensregister" in result.output
        assert "badplatser" not in result.output
        assert "Provkörning, inget har ändrats. Datamängder att ändra: 2. Kräver beslut: 1." in result.output
        assert _stored_licences(legacy_datasets["zero"]["id"]) == ("cc-zero", [None])
        assert _stored_licences(legacy_datasets["by"]["id"]) == (
            "cc-by",
            ["https://creativecommons.org/licenses/by/4.0/deed.sv"],
        )
        for key, dataset in legacy_datasets.items():
            assert model.Package.get(dataset["id"]).metadata_modified == modified[key]

    def test_migration_moves_old_ids_to_the_register_and_reports_it(self, cli, legacy_datasets):
        current_modified = model.Package.get(legacy_datasets["current"]["id"]).metadata_modified

        result = cli.invoke(ckan_command, ["gbgopendata", "migrate-licenses"])

        assert result.exit_code == 0, result.output
        assert "Ändrade datamängder: 2. Kräver beslut: 1. Misslyckade: 0." in result.output
        assert _stored_licences(legacy_datasets["zero"]["id"]) == ("CC0-1.0", [None])
        assert _stored_licences(legacy_datasets["by"]["id"]) == ("CC-BY-4.0", [CC_BY])
        assert _stored_licences(legacy_datasets["odbl"]["id"]) == ("odc-odbl", [None])
        assert model.Package.get(legacy_datasets["current"]["id"]).metadata_modified == current_modified
        shown = helpers.call_action("package_show", id="cykelfloden")
        assert shown["license_url"] == CC_BY

        again = cli.invoke(ckan_command, ["gbgopendata", "migrate-licenses"])
        assert "Ändrade datamängder: 0. Kräver beslut: 1. Misslyckade: 0." in again.output

"""Licences given through the action API: stored as the register's id or URI, refused when unknown."""
from __future__ import annotations


import pytest

from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.gbgopendata import licenses
from ckanext.gbgopendata.tests.helpers import dataset_fields, resource_fields
from ckanext.gbgopendata.tests.licence_helpers import CC_BY, _create, _dataset_count


# --- API input -------------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins")
class TestLicenceInput:
    def test_a_new_dataset_without_licence_gets_the_default(self, sysadmin, organization):
        created = _create(sysadmin, organization)
        assert created["license_id"] == "CC0-1.0"

    @pytest.mark.ckan_config("ckanext.gbgopendata.default_license", "CC-BY-4.0")
    def test_the_default_licence_is_configurable(self, sysadmin, organization):
        created = _create(sysadmin, organization)
        assert created["license_id"] == "CC-BY-4.0"

    def test_an_update_never_gets_the_default_licence(self, sysadmin, organization):
        created = _create(sysadmin, organization, license_id="CC-BY-4.0", private=True)

        # package_update replaces the dataset: a licence not sent is gone, and
        # must not silently become CC0.
        helpers.call_action(
            "package_update",
            context={"user": sysadmin["name"]},
            id=created["id"],
            name=created["name"],
            owner_org=organization["id"],
            private=True,
            **dataset_fields(),
        )

        assert not helpers.call_action("package_show", id=created["id"]).get("license_id")

    def test_a_patch_keeps_the_licence(self, sysadmin, organization):
        created = _create(sysadmin, organization, license_id="CC-BY-4.0")

        helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=created["id"], version="2")

        assert helpers.call_action("package_show", id=created["id"])["license_id"] == "CC-BY-4.0"

    @pytest.mark.parametrize(
        ("given", "stored"),
        [
            ("cc-by", "CC-BY-4.0"),
            ("https://creativecommons.org/licenses/by/4.0/deed.sv", "CC-BY-4.0"),
            ("http://publications.europa.eu/resource/authority/licence/CC0", "CC0-1.0"),
        ],
    )
    def test_a_licence_written_another_way_is_stored_as_the_registers_id(self, sysadmin, organization, given, stored):
        created = _create(sysadmin, organization, license_id=given)
        assert created["license_id"] == stored

    def test_an_unknown_licence_is_refused_with_the_allowed_ids(self, sysadmin, organization):
        before = _dataset_count()

        with pytest.raises(toolkit.ValidationError) as raised:
            _create(sysadmin, organization, license_id="odc-odbl")

        # The register's ids first; the publication rule then adds that a
        # public dataset may only carry CC0 1.0 or CC BY 4.0.
        refusal = raised.value.error_dict["license_id"][0]
        assert refusal.startswith("odc-odbl")
        for license_id in licenses.license_ids():
            assert license_id in refusal
        assert _dataset_count() == before

    def test_a_distribution_stores_its_own_licence_as_canonical_uri(self, sysadmin, organization):
        created = _create(
            sysadmin,
            organization,
            license_id="CC0-1.0",
            resources=[resource_fields(license="https://creativecommons.org/licenses/by/4.0/legalcode")],
        )
        assert created["resources"][0]["license"] == CC_BY

    def test_an_unknown_distribution_licence_is_refused(self, sysadmin, organization):
        before = _dataset_count()

        with pytest.raises(toolkit.ValidationError) as raised:
            _create(
                sysadmin,
                organization,
                resources=[resource_fields(license="http://creativecommons.org/licenses/by/2.0/")],
            )

        resource_errors = raised.value.error_dict["resources"]
        assert "CC-BY-4.0" in resource_errors[0]["license"][0]
        assert _dataset_count() == before

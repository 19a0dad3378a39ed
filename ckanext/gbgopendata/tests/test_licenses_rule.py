"""The licence condition of the publication rule, and publishing with each licence."""
from __future__ import annotations


import pytest

from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.gbgopendata import licenses, rule
from ckanext.gbgopendata.tests.helpers import resource_fields
from ckanext.gbgopendata.tests.licence_helpers import CC_BY, CC_BY_NC, _create, _dataset_count


# --- the licence condition of the publication rule ------------------------------------------


@pytest.mark.usefixtures("with_catalogues")
class TestLicenceCondition:
    OPEN = ["CC0-1.0", "CC-BY-4.0"]

    @pytest.mark.parametrize("license_id", ["CC0-1.0", "CC-BY-4.0"])
    def test_an_open_licence_does_not_block(self, license_id):
        assert rule.license_blockers({"license_id": license_id}, open_licenses=self.OPEN) == []

    def test_a_licence_outside_open_licenses_blocks_and_names_the_allowed(self):
        blockers = rule.license_blockers({"license_id": "CC-BY-NC-4.0"}, open_licenses=self.OPEN)

        assert len(blockers) == 1
        blocker = blockers[0]
        assert isinstance(blocker, rule.PublicationBlocker)
        assert blocker.code == "license_not_open"
        assert blocker.field == "license_id"
        swedish, english = blocker.message("sv"), blocker.message("en")
        for text in (swedish, english):
            assert "CC BY-NC 4.0" in text
            assert "CC0 1.0 (CC0-1.0)" in text and "CC BY 4.0 (CC-BY-4.0)" in text
        assert swedish.startswith("Licensen CC BY-NC 4.0 får inte användas på en offentlig datamängd")
        assert swedish.endswith("CC0 1.0 (CC0-1.0) eller CC BY 4.0 (CC-BY-4.0).")
        assert english.startswith("The licence CC BY-NC 4.0 may not be used on a public dataset")
        assert english.endswith("CC0 1.0 (CC0-1.0) or CC BY 4.0 (CC-BY-4.0).")

    def test_a_missing_licence_blocks(self):
        blockers = rule.license_blockers({"license_id": ""}, open_licenses=self.OPEN)

        assert [(b.code, b.field) for b in blockers] == [("license_missing", "license_id")]
        assert "CC0 1.0 (CC0-1.0) eller CC BY 4.0 (CC-BY-4.0)" in blockers[0].message("sv")

    def test_a_distribution_with_a_licence_outside_open_licenses_blocks(self):
        dataset = {
            "license_id": "CC0-1.0",
            "resources": [
                {"id": "r1", "license": CC_BY},
                {"id": "r2", "name_translated": {"sv": "Karta", "en": "Map"}, "license": CC_BY_NC},
            ],
        }

        blockers = rule.license_blockers(dataset, open_licenses=self.OPEN)

        assert [(b.code, b.field) for b in blockers] == [("distribution_license_not_open", "resources")]
        swedish, english = blockers[0].message("sv"), blockers[0].message("en")
        assert swedish.startswith("Distributionen Karta har licensen") and "Map" not in swedish
        assert english.startswith("The distribution Map has the licence") and "Karta" not in english

    def test_the_publication_rule_includes_the_licence_condition(self):
        from ckanext.gbgopendata import assessment
        from ckanext.gbgopendata.checklist import automatic, definition

        def blockers(open_licenses):
            rules = assessment.Rules(
                definition.load(definition.DEFAULT_FILE, automatic.CHECK_NAMES), tuple(open_licenses), frozenset({"dataset"})
            )
            return assessment.assess(assessment.shape({"license_id": "CC-BY-SA-4.0"}), assessment.Facts(rules)).blockers

        assert "license_not_open" in [b.code for b in blockers(self.OPEN)]
        assert "license_not_open" not in [b.code for b in blockers(["CC-BY-SA-4.0"])]

    @pytest.mark.usefixtures("with_plugins")
    @pytest.mark.ckan_config("ckanext.gbgopendata.open_licenses", "CC0-1.0")
    def test_without_open_licenses_the_configuration_applies(self):
        from ckanext.gbgopendata.logic import facts

        configured = facts.rules().open_licenses
        assert rule.license_blockers({"license_id": "CC0-1.0"}, open_licenses=configured) == []
        blockers = rule.license_blockers({"license_id": "CC-BY-4.0"}, open_licenses=configured)
        assert [b.code for b in blockers] == ["license_not_open"]
        assert "CC0 1.0 (CC0-1.0)" in blockers[0].message("en") and "CC-BY-4.0)" not in blockers[0].message("en")

    @pytest.mark.usefixtures("with_plugins")
    def test_the_default_configuration_opens_cc0_and_cc_by(self):
        assert licenses.open_license_ids() == ["CC0-1.0", "CC-BY-4.0"]

    @pytest.mark.usefixtures("with_plugins")
    @pytest.mark.ckan_config("ckanext.gbgopendata.open_licenses", "CC0-1.0 CC-BY-40 cc-by")
    def test_a_configured_id_outside_the_register_opens_nothing(self):
        # "CC-BY-40" is a typo and is ignored; "cc-by" is CKAN's old id for CC BY.
        assert licenses.open_license_ids() == ["CC0-1.0", "CC-BY-4.0"]


@pytest.mark.usefixtures("with_plugins")
class TestPublishing:
    """The licence condition, enforced by the publication rule on every write."""

    def test_publishing_with_a_licence_outside_open_licenses_is_refused(self, sysadmin, organization):
        dataset = _create(sysadmin, organization, license_id="CC-BY-NC-4.0", private=True)

        with pytest.raises(toolkit.ValidationError) as raised:
            helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=dataset["id"], private=False)

        messages = raised.value.error_dict["license_id"]
        assert any("CC0 1.0 (CC0-1.0)" in m and "CC BY 4.0 (CC-BY-4.0)" in m for m in messages), messages
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True

    def test_creating_a_public_dataset_with_such_a_licence_stores_nothing(self, sysadmin, organization):
        before = _dataset_count()

        with pytest.raises(toolkit.ValidationError) as raised:
            _create(sysadmin, organization, license_id="CC-BY-ND-4.0")

        assert "license_id" in raised.value.error_dict
        assert _dataset_count() == before

    def test_a_public_dataset_cannot_give_a_distribution_such_a_licence(self, sysadmin, organization):
        dataset = _create(sysadmin, organization, license_id="CC0-1.0", resources=[resource_fields()])

        with pytest.raises(toolkit.ValidationError) as raised:
            helpers.call_action(
                "resource_patch",
                context={"user": sysadmin["name"]},
                id=dataset["resources"][0]["id"],
                license=CC_BY_NC,
            )

        assert any("CC BY-NC 4.0" in m for m in raised.value.error_dict["private"])
        assert "license" not in helpers.call_action("package_show", id=dataset["id"])["resources"][0]

    @pytest.mark.parametrize("license_id", ["CC0-1.0", "CC-BY-4.0"])
    def test_the_open_licences_may_be_published(self, sysadmin, organization, license_id):
        dataset = _create(sysadmin, organization, license_id=license_id, private=True)

        published = helpers.call_action(
            "package_patch", context={"user": sysadmin["name"]}, id=dataset["id"], private=False
        )

        assert published["private"] is False

"""The licence register: ids, canonical URIs, titles and explanations, and recognising a licence however it is written."""
from __future__ import annotations


import pytest

from ckan.tests import helpers

from ckanext.gbgopendata import licenses
from ckanext.gbgopendata.tests.licence_helpers import _harvested, _parse, CC0, CC_BY, CC_BY_NC, CC0_EXPLANATION_SV, CC_BY_EXPLANATION_SV, CC_BY_EXPLANATION_EN, _create


# --- the register -------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestRegister:
    def test_license_list_offers_cc0_and_cc_by_first_with_canonical_uris(self):
        listed = helpers.call_action("license_list")

        assert [entry["id"] for entry in listed[:2]] == ["CC0-1.0", "CC-BY-4.0"]
        cc0, cc_by = listed[0], listed[1]
        assert cc0["url"] == CC0
        assert cc_by["url"] == CC_BY
        assert cc0["recommended"] is True and cc_by["recommended"] is True
        assert cc0["title_translated"] == {
            "sv": "CC0 1.0 Universell (Fri från upphovsrätt)",
            "en": "CC0 1.0 Universal (Public Domain Dedication)",
        }
        assert cc_by["title_translated"] == {
            "sv": "Erkännande 4.0 Internationell (CC BY 4.0)",
            "en": "Attribution 4.0 International (CC BY 4.0)",
        }
        assert cc0["explanation_translated"]["sv"] == CC0_EXPLANATION_SV
        assert cc_by["explanation_translated"]["sv"] == CC_BY_EXPLANATION_SV
        assert cc_by["explanation_translated"]["en"] == CC_BY_EXPLANATION_EN
        assert cc0["od_conformance"] == cc_by["od_conformance"] == "approved"

    def test_the_other_creative_commons_4_licences_follow_not_recommended(self):
        listed = helpers.call_action("license_list")

        others = {entry["id"]: entry for entry in listed[2:]}
        assert set(others) == {"CC-BY-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0"}
        assert not any(entry["recommended"] for entry in others.values())
        assert others["CC-BY-NC-4.0"]["url"] == CC_BY_NC
        # The Open Definition rejects licences with NC or ND clauses.
        assert others["CC-BY-NC-4.0"]["od_conformance"] == "rejected"
        assert others["CC-BY-SA-4.0"]["od_conformance"] == "approved"

    def test_every_url_is_a_canonical_creative_commons_uri(self):
        for entry in helpers.call_action("license_list"):
            url = entry["url"]
            assert url.startswith("http://creativecommons.org/"), url
            assert url.endswith("/") and "deed" not in url and "legalcode" not in url, url
            assert "opendefinition.org" not in url

    def test_package_show_returns_the_canonical_uri_and_title(self, sysadmin, organization):
        created = _create(sysadmin, organization, license_id="CC-BY-4.0")

        shown = helpers.call_action("package_show", id=created["id"])

        assert shown["license_id"] == "CC-BY-4.0"
        assert shown["license_url"] == CC_BY
        assert shown["license_title"] == "Erkännande 4.0 Internationell (CC BY 4.0)"
        assert shown["isopen"] is True


# --- recognising licences (parsing) ------------------------------------------------------

VARIANTS = [
    ("CC0-1.0", "CC0-1.0"),
    ("CC-BY-4.0", "CC-BY-4.0"),
    (CC0, "CC0-1.0"),
    (CC_BY, "CC-BY-4.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
    ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ("http://creativecommons.org/licenses/by/4.0/deed.sv", "CC-BY-4.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/deed.sv", "CC0-1.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0"),
    ("http://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode.sv", "CC-BY-4.0"),
    ("http://creativecommons.org/licenses/by/4.0", "CC-BY-4.0"),
    ("http://creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"),
    ("https://www.creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ("cc-zero", "CC0-1.0"),
    ("cc-by", "CC-BY-4.0"),
    ("http://www.opendefinition.org/licenses/cc-zero", "CC0-1.0"),
    ("http://www.opendefinition.org/licenses/cc-by", "CC-BY-4.0"),
    ("http://publications.europa.eu/resource/authority/licence/CC0", "CC0-1.0"),
    ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "CC-BY-4.0"),
    ("https://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "CC-BY-4.0"),
    ("http://creativecommons.org/licenses/by-nc/4.0/deed.en", "CC-BY-NC-4.0"),
]


@pytest.mark.parametrize(("written", "license_id"), VARIANTS)
def test_each_variant_maps_to_the_registers_id(written, license_id):
    assert licenses.canonical_license_id(written) == license_id
    assert licenses.canonical_license_uri(written) == licenses.get_license(license_id).url


@pytest.mark.parametrize(
    "written",
    [
        "odc-odbl",
        "other-open",
        "notspecified",
        "http://creativecommons.org/licenses/by/3.0/",
        "http://creativecommons.org/licenses/by/2.5/se/",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_3_0",
        "https://example.org/licenses/by/4.0/",
        "",
        None,
    ],
)
def test_other_licences_are_not_mapped(written):
    assert licenses.canonical_license_id(written) is None


@pytest.mark.usefixtures("with_plugins")
class TestHarvestIn:
    @pytest.mark.parametrize(("written", "license_id"), [v for v in VARIANTS if v[0].startswith("http")])
    def test_a_distribution_licence_variant_becomes_the_datasets_licence(self, written, license_id):
        dataset = _parse(_harvested(written))

        assert dataset["license_id"] == license_id
        # The distribution carries the dataset's licence, so it inherits it.
        assert "license" not in dataset["resources"][0]

    def test_a_distribution_with_another_licence_keeps_its_canonical_uri(self):
        dataset = _parse(
            _harvested(
                "https://creativecommons.org/publicdomain/zero/1.0/deed.sv",
                "http://creativecommons.org/publicdomain/zero/1.0",
                "https://creativecommons.org/licenses/by/4.0/legalcode",
            )
        )

        assert dataset["license_id"] == "CC0-1.0"
        own = [resource.get("license") for resource in dataset["resources"]]
        assert sorted(own, key=str) == sorted([None, None, CC_BY], key=str)

    def test_a_licence_given_on_the_dataset_is_used(self):
        dataset = _parse(
            _harvested(
                "http://creativecommons.org/licenses/by/4.0/deed.sv",
                dataset_licence="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
            )
        )
        assert dataset["license_id"] == "CC-BY-4.0"

    def test_an_unknown_licence_is_left_for_the_validators(self):
        dataset = _parse(_harvested("http://creativecommons.org/licenses/by/3.0/"))

        assert dataset["resources"][0]["license"] == "http://creativecommons.org/licenses/by/3.0/"
        assert licenses.canonical_license_id(dataset.get("license_id")) is None

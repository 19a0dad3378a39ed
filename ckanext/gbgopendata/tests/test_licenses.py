"""Creative Commons licence presets: the register, the form, inheritance by
distributions, DCAT output with attribution, harvest-in parsing, the
migration command and the licence condition of the publication rule."""
from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.dcat.processors import RDFParser
from ckanext.gbgopendata import licenses, rule
from ckanext.gbgopendata.tests.conftest import dataset_fields, resource_fields

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
CC_BY_NC = "http://creativecommons.org/licenses/by-nc/4.0/"
ODRS = Namespace("http://schema.theodi.org/odrs#")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")

CC0_EXPLANATION_SV = (
    "Du får använda data hur du vill – sprida, göra om, modifiera och bygga vidare på – "
    "utan att tala om var den kommer ifrån."
)
CC_BY_EXPLANATION_SV = (
    "Du får använda data hur du vill – sprida, göra om, modifiera och bygga vidare på – "
    "men du behöver ange källan."
)
CC_BY_EXPLANATION_EN = (
    "You may use the data however you like – share, adapt, modify and build upon it – "
    "but you must credit the source."
)


# Condition 1 of the publication rule (classification), met, so that public
# datasets here are judged by their licence alone.
OPEN_CLASSIFICATION = {"confidentiality_level": "0", "integrity_level": "0", "availability_level": "0"}


def _create(user: dict, organization: dict, name: str = "parkeringsplatser", **fields: Any) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": user["name"]},
        name=name,
        owner_org=organization["id"],
        **dataset_fields(**{**OPEN_CLASSIFICATION, **fields}),
    )


def _dataset_count() -> int:
    return model.Session.query(model.Package).count()


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


def _parse(turtle: str) -> dict:
    parser = RDFParser(profiles=["dcat_ap_se"])
    parser.parse(turtle, _format="turtle")
    return next(parser.datasets())


def _harvested(*licence_uris: str, dataset_licence: str | None = None) -> str:
    distributions = "".join(
        f"""
        <http://example.org/d/1/r/{index}> a dcat:Distribution ;
            dcat:accessURL <http://example.org/file{index}.csv> ;
            dcterms:license <{uri}> .
        """
        for index, uri in enumerate(licence_uris)
    )
    links = ", ".join(f"<http://example.org/d/1/r/{index}>" for index in range(len(licence_uris)))
    dataset_licence_triple = f"dcterms:license <{dataset_licence}> ;" if dataset_licence else ""
    return f"""
        @prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <http://example.org/d/1> a dcat:Dataset ;
            dcterms:title "Cykelflöden"@sv ;
            {dataset_licence_triple}
            dcat:distribution {links} .
        {distributions}
    """


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


# --- the licence condition of the publication rule ------------------------------------------


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
        for text in (blocker.sv, blocker.en):
            assert "CC BY-NC 4.0" in text
            assert "CC0 1.0 (CC0-1.0)" in text and "CC BY 4.0 (CC-BY-4.0)" in text
        assert blocker.sv.startswith("Licensen CC BY-NC 4.0 får inte användas på en publik datamängd")
        assert blocker.en.startswith("The licence CC BY-NC 4.0 may not be used on a public dataset")

    def test_a_missing_licence_blocks(self):
        blockers = rule.license_blockers({"license_id": ""}, open_licenses=self.OPEN)

        assert [(b.code, b.field) for b in blockers] == [("license_missing", "license_id")]
        assert "CC0 1.0 (CC0-1.0) eller CC BY 4.0 (CC-BY-4.0)" in blockers[0].sv

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
        assert "Karta" in blockers[0].sv and "Map" in blockers[0].en

    def test_the_publication_rule_includes_the_licence_condition(self):
        blockers = rule.publication_blockers({"license_id": "CC-BY-SA-4.0"}, open_licenses=self.OPEN)
        assert "license_not_open" in [b.code for b in blockers]

        allowed = rule.publication_blockers({"license_id": "CC-BY-SA-4.0"}, open_licenses=["CC-BY-SA-4.0"])
        assert "license_not_open" not in [b.code for b in allowed]

    @pytest.mark.usefixtures("with_plugins")
    @pytest.mark.ckan_config("ckanext.gbgopendata.open_licenses", "CC0-1.0")
    def test_without_open_licenses_the_configuration_applies(self):
        assert rule.license_blockers({"license_id": "CC0-1.0"}) == []
        blockers = rule.license_blockers({"license_id": "CC-BY-4.0"})
        assert [b.code for b in blockers] == ["license_not_open"]
        assert "CC0 1.0 (CC0-1.0)" in blockers[0].en and "CC-BY-4.0)" not in blockers[0].en

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


# --- DCAT output: licence on every distribution, attribution --------------------------------


def _rdf(app, dataset_name: str) -> Graph:
    response = app.get(f"/dataset/{dataset_name}.rdf")
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(as_text=True), format="xml")


def _distribution(graph: Graph, resource: dict) -> URIRef:
    matches = [d for d in graph.subjects(RDF.type, DCAT.Distribution) if str(d).endswith(f"/resource/{resource['id']}")]
    assert len(matches) == 1
    return matches[0]


@pytest.mark.usefixtures("with_plugins")
class TestDcatOutput:
    def test_every_distribution_carries_the_canonical_licence_uri(self, app, sysadmin, organization):
        dataset = _create(
            sysadmin,
            organization,
            license_id="CC-BY-4.0",
            resources=[
                resource_fields(),
                resource_fields(url="https://goteborg.se/opendata/parkering.json", format="application/json"),
                resource_fields(url="https://goteborg.se/opendata/zon.csv", license=CC0),
            ],
        )

        graph = _rdf(app, dataset["name"])

        inherited, inherited_too, own = (_distribution(graph, r) for r in dataset["resources"])
        assert list(graph.objects(inherited, DCTERMS.license)) == [URIRef(CC_BY)]
        assert list(graph.objects(inherited_too, DCTERMS.license)) == [URIRef(CC_BY)]
        assert list(graph.objects(own, DCTERMS.license)) == [URIRef(CC0)]
        # DCAT-AP-SE puts licences on distributions only.
        dataset_ref = next(graph.subjects(RDF.type, DCAT.Dataset))
        assert list(graph.objects(dataset_ref, DCTERMS.license)) == []

    def test_the_licence_document_is_typed_with_its_adms_licence_type(self, app, sysadmin, organization):
        dataset = _create(sysadmin, organization, license_id="CC-BY-4.0", resources=[resource_fields()])

        graph = _rdf(app, dataset["name"])

        licence = URIRef(CC_BY)
        assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
        assert set(graph.objects(licence, DCTERMS.type)) == {ADMS_LICENCE_TYPE.Attribution}
        assert Literal("Attribution 4.0 International (CC BY 4.0)", lang="en") in set(graph.objects(licence, DCTERMS.title))

    def test_a_cc_by_distribution_carries_the_attribution_as_odrs_rights_statement(self, app, sysadmin, organization):
        dataset = _create(
            sysadmin,
            organization,
            license_id="CC-BY-4.0",
            resources=[resource_fields(), resource_fields(url="https://goteborg.se/opendata/parkering.json")],
        )

        graph = _rdf(app, dataset["name"])

        for resource in dataset["resources"]:
            statements = list(graph.objects(_distribution(graph, resource), DCTERMS.rights))
            assert len(statements) == 1
            statement = statements[0]
            assert (statement, RDF.type, ODRS.RightsStatement) in graph
            assert set(graph.objects(statement, ODRS.attributionText)) == {
                Literal("Trafikkontoret, Parkeringsplatser", lang="sv"),
                Literal("Urban Transport Administration, Parking spaces", lang="en"),
            }
            assert list(graph.objects(statement, ODRS.attributionURL)) == [
                URIRef(f"{toolkit.config['ckan.site_url']}/dataset/parkeringsplatser")
            ]

    def test_a_cc0_distribution_has_no_attribution(self, app, sysadmin, organization):
        dataset = _create(sysadmin, organization, license_id="CC0-1.0", resources=[resource_fields()])

        graph = _rdf(app, dataset["name"])

        distribution = _distribution(graph, dataset["resources"][0])
        assert list(graph.objects(distribution, DCTERMS.license)) == [URIRef(CC0)]
        assert list(graph.objects(distribution, DCTERMS.rights)) == []
        assert set(graph.objects(URIRef(CC0), DCTERMS.type)) == {ADMS_LICENCE_TYPE.PublicDomain}

    def test_a_cc_by_distribution_of_a_cc0_dataset_has_the_attribution(self, app, sysadmin, organization):
        dataset = _create(
            sysadmin,
            organization,
            license_id="CC0-1.0",
            resources=[resource_fields(), resource_fields(url="https://goteborg.se/karta.png", license=CC_BY)],
        )

        graph = _rdf(app, dataset["name"])

        cc0_distribution, cc_by_distribution = (_distribution(graph, r) for r in dataset["resources"])
        assert list(graph.objects(cc0_distribution, DCTERMS.rights)) == []
        statement = graph.value(cc_by_distribution, DCTERMS.rights)
        assert Literal("Trafikkontoret, Parkeringsplatser", lang="sv") in set(graph.objects(statement, ODRS.attributionText))

    def test_our_own_output_parses_back_to_the_same_licences(self, app, sysadmin, organization):
        dataset = _create(
            sysadmin,
            organization,
            license_id="CC-BY-4.0",
            resources=[
                resource_fields(),
                resource_fields(url="https://goteborg.se/parkering.json", format="application/json"),
                resource_fields(url="https://goteborg.se/zon.csv", license=CC0),
            ],
        )
        turtle = app.get(f"/dataset/{dataset['name']}.ttl").get_data(as_text=True)

        parsed = _parse(turtle)

        # RDF has licences on distributions only: the dataset's is the one
        # most of them carry, the others keep their own.
        assert parsed["license_id"] == "CC-BY-4.0"
        assert sorted((r.get("license") for r in parsed["resources"]), key=str) == sorted([None, None, CC0], key=str)
        # The attribution is derived from the licence, not stored as rights.
        assert not any("rights" in r for r in parsed["resources"])

    def test_the_demo_catalogue_carries_cc0_or_cc_by_on_every_distribution(self, app, cli, clean_db, clean_index, tmp_path):
        result = cli.invoke(
            ckan_command, ["gbgopendata", "load-demo", "--admin-password-file", str(tmp_path / "password")]
        )
        assert result.exit_code == 0, result.output
        public = helpers.call_action("package_search", rows=1000)["results"]
        assert public

        response = app.get("/catalog.rdf")
        graph = Graph().parse(data=response.get_data(as_text=True), format="xml")

        for dataset in public:
            assert dataset["license_id"] in ("CC0-1.0", "CC-BY-4.0"), dataset["name"]
            expected = URIRef(CC0 if dataset["license_id"] == "CC0-1.0" else CC_BY)
            assert dataset["resources"], dataset["name"]
            for resource in dataset["resources"]:
                distribution = _distribution(graph, resource)
                assert list(graph.objects(distribution, DCTERMS.license)) == [expected], dataset["name"]
                rights = list(graph.objects(distribution, DCTERMS.rights))
                if dataset["license_id"] == "CC-BY-4.0":
                    assert len(rights) == 1 and (rights[0], RDF.type, ODRS.RightsStatement) in graph
                    assert {t.language for t in graph.objects(rights[0], ODRS.attributionText)} == {"sv", "en"}
                else:
                    assert rights == []


# --- the web pages ----------------------------------------------------------------------------




def _page(app, url: str, user: dict | None = None) -> BeautifulSoup:
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, headers=headers)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _licence_field(page: BeautifulSoup):
    field = page.select_one("fieldset#field-license_id")
    assert field is not None
    return field


@pytest.mark.usefixtures("with_plugins")
class TestForm:
    def test_the_swedish_form_offers_the_two_presets_with_explanations_and_hides_the_rest(self, app, editor):
        field = _licence_field(_page(app, "/dataset/new", editor))

        main = [radio["value"] for radio in field.find_all("input", type="radio") if not radio.find_parent("details")]
        assert main == ["CC0-1.0", "CC-BY-4.0"]
        assert field.find(id="field-license_id-CC0-1.0").has_attr("checked")
        assert not field.find(id="field-license_id-CC-BY-4.0").has_attr("checked")
        assert "CC0 1.0 Universell (Fri från upphovsrätt)" in field.get_text()
        assert "Erkännande 4.0 Internationell (CC BY 4.0)" in field.get_text()
        assert field.find(id="license-explanation-CC0-1.0").get_text(" ", strip=True).startswith(CC0_EXPLANATION_SV)
        assert CC_BY_EXPLANATION_SV in field.find(id="license-explanation-CC-BY-4.0").get_text()

        more = field.select_one("details.gbgopendata-more-licenses")
        assert more.summary.get_text(strip=True) == "Visa fler licenser"
        assert not more.has_attr("open")
        hidden = [radio["value"] for radio in more.find_all("input", type="radio")]
        assert hidden == ["CC-BY-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0"]
        assert "Rekommenderas inte" in more.get_text()
        assert "Inte tillåten för en publik datamängd" in more.get_text()

    def test_the_english_form_speaks_english(self, app, editor):
        field = _licence_field(_page(app, "/en/dataset/new", editor))

        text = field.get_text(" ", strip=True)
        assert "CC0 1.0 Universal (Public Domain Dedication)" in text
        assert "Attribution 4.0 International (CC BY 4.0)" in text
        assert CC_BY_EXPLANATION_EN in text
        assert field.select_one("details summary").get_text(strip=True) == "Show more licences"
        assert "CC0 1.0 Universell" not in text

    @pytest.mark.ckan_config("ckanext.gbgopendata.default_license", "CC-BY-4.0")
    def test_the_configured_default_is_preselected(self, app, editor):
        field = _licence_field(_page(app, "/dataset/new", editor))

        assert field.find(id="field-license_id-CC-BY-4.0").has_attr("checked")
        assert not field.find(id="field-license_id-CC0-1.0").has_attr("checked")

    def test_editing_a_dataset_with_another_licence_opens_more_licences(self, app, editor, organization):
        dataset = _create(editor, organization, license_id="CC-BY-NC-4.0", private=True)

        field = _licence_field(_page(app, f"/dataset/edit/{dataset['name']}", editor))

        assert field.select_one("details.gbgopendata-more-licenses").has_attr("open")
        assert field.find(id="field-license_id-CC-BY-NC-4.0").has_attr("checked")
        assert not field.find(id="field-license_id-CC0-1.0").has_attr("checked")

    def test_the_form_saves_the_chosen_licence(self, app, editor, organization):
        response = app.post(
            "/dataset/new",
            data={
                "title_translated-sv": "Cykelflöden",
                "name": "cykelfloden",
                "notes_translated-sv": "Cyklar per timme.",
                "owner_org": organization["id"],
                "license_id": "CC-BY-4.0",
                **OPEN_CLASSIFICATION,
                "private": "True",
                "save": "continue",
            },
            headers={"Authorization": editor["token"]},
            follow_redirects=False,
        )

        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        shown = helpers.call_action("package_show", context={"user": editor["name"]}, id="cykelfloden")
        assert shown["license_id"] == "CC-BY-4.0"

    def test_the_distribution_form_offers_the_datasets_licence_first(self, app, editor, organization):
        dataset = _create(editor, organization, license_id="CC0-1.0", resources=[resource_fields()])

        page = _page(app, f"/dataset/{dataset['name']}/resource/{dataset['resources'][0]['id']}/edit", editor)

        options = page.select("select#field-license option")
        assert options[0]["value"] == "" and options[0].get_text(strip=True) == "Samma som datamängdens licens"
        assert [option["value"] for option in options[1:3]] == [CC0, CC_BY]
        assert options[0].has_attr("selected")


@pytest.mark.usefixtures("with_plugins")
class TestDatasetPage:
    def test_a_cc_by_dataset_shows_its_licence_and_how_to_credit_it(self, app, sysadmin, organization):
        _create(sysadmin, organization, license_id="CC-BY-4.0")

        swedish = _page(app, "/dataset/parkeringsplatser").select_one("section.license")
        english = _page(app, "/en/dataset/parkeringsplatser").select_one("section.license")

        link = swedish.find("a", href=CC_BY)
        assert link.get_text(strip=True) == "Erkännande 4.0 Internationell (CC BY 4.0)"
        assert "Ange källa: Trafikkontoret, Parkeringsplatser" in swedish.get_text(" ", strip=True)
        assert english.find("a", href=CC_BY).get_text(strip=True) == "Attribution 4.0 International (CC BY 4.0)"
        assert "Credit the source: Urban Transport Administration, Parking spaces" in english.get_text(" ", strip=True)

    def test_a_cc0_dataset_needs_no_credit(self, app, sysadmin, organization):
        _create(sysadmin, organization, license_id="CC0-1.0")

        section = _page(app, "/dataset/parkeringsplatser").select_one("section.license")

        assert section.find("a", href=CC0).get_text(strip=True) == "CC0 1.0 Universell (Fri från upphovsrätt)"
        assert CC0_EXPLANATION_SV in section.get_text(" ", strip=True)
        assert "Ange källa" not in section.get_text()

    def test_a_distribution_page_shows_the_inherited_or_own_licence(self, app, sysadmin, organization):
        dataset = _create(
            sysadmin,
            organization,
            license_id="CC0-1.0",
            resources=[resource_fields(), resource_fields(url="https://goteborg.se/karta.png", license=CC_BY)],
        )
        inherited, own = dataset["resources"]

        inherited_page = _page(app, f"/dataset/{dataset['name']}/resource/{inherited['id']}").get_text(" ", strip=True)
        own_page = _page(app, f"/dataset/{dataset['name']}/resource/{own['id']}").get_text(" ", strip=True)

        assert "CC0 1.0 Universell (Fri från upphovsrätt) (datamängdens licens)" in inherited_page
        assert "Ange källa" not in inherited_page
        assert "Erkännande 4.0 Internationell (CC BY 4.0)" in own_page
        assert "Ange källa: Trafikkontoret, Parkeringsplatser" in own_page

    def test_the_licence_facet_shows_titles_in_the_visitors_language(self, app, sysadmin, organization):
        _create(sysadmin, organization, license_id="CC-BY-4.0")

        swedish = _page(app, "/dataset/")
        english = _page(app, "/en/dataset/")

        # CKAN shortens long facet labels; the link's tooltip keeps the whole one.
        def facet_label(page):
            link = page.find("a", href=lambda href: href and "license_id=CC-BY-4.0" in href)
            return link.get("data-bs-title") or link.get("title")

        assert facet_label(swedish) == "Erkännande 4.0 Internationell (CC BY 4.0)"
        assert facet_label(english) == "Attribution 4.0 International (CC BY 4.0)"


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

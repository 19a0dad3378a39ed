"""DCAT output: the canonical licence on every distribution, CC BY attribution."""
from __future__ import annotations


import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS

from ckan.cli.cli import ckan as ckan_command
from ckan.plugins import toolkit
from ckan.tests import helpers

from ckanext.gbgopendata.tests.helpers import resource_fields
from ckanext.gbgopendata.tests.licence_helpers import _parse, CC0, CC_BY, ODRS, ADMS_LICENCE_TYPE, _create


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

    def test_a_cc0_distribution_has_no_attribution_but_the_licences_terms_as_its_rights(self, app, sysadmin, organization):
        dataset = _create(sysadmin, organization, license_id="CC0-1.0", resources=[resource_fields()])

        graph = _rdf(app, dataset["name"])

        distribution = _distribution(graph, dataset["resources"][0])
        assert list(graph.objects(distribution, DCTERMS.license)) == [URIRef(CC0)]
        [statement] = list(graph.objects(distribution, DCTERMS.rights))
        assert (statement, RDF.type, DCTERMS.RightsStatement) in graph
        assert list(graph.objects(statement, ODRS.attributionText)) == []
        labels = {label.language: str(label) for label in graph.objects(statement, RDFS.label)}
        assert labels["sv"].startswith("Du får använda data hur du vill")
        assert labels["en"].startswith("You may use the data however you like")
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
        [cc0_terms] = list(graph.objects(cc0_distribution, DCTERMS.rights))
        assert list(graph.objects(cc0_terms, ODRS.attributionText)) == []  # CC0's terms, no attribution
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
                else:  # CC0: its terms, no attribution
                    assert len(rights) == 1 and (rights[0], RDF.type, DCTERMS.RightsStatement) in graph
                    assert not list(graph.objects(rights[0], ODRS.attributionText))

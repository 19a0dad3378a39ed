"""Publisher URIs derived from the organisationsnummer."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ckan.tests import factories

from ckanext.gbgopendata.publishers import format_orgnr, publisher_uri
from ckanext.gbgopendata.tests.conftest import dataset_fields, organization_fields


@pytest.mark.parametrize("orgnr", ["2120001355", "212000-1355"])
def test_publisher_uri_follows_diggs_rule(orgnr):
    assert publisher_uri(orgnr) == "http://dataportal.se/organisation/SE2120001355"


def test_orgnr_is_shown_with_a_hyphen():
    assert format_orgnr("2120001355") == "212000-1355"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_departments_sharing_an_orgnr_share_one_publisher_in_the_catalogue(app):
    for name, title in [("trafikkontoret", "Trafikkontoret"), ("miljoforvaltningen", "Miljöförvaltningen")]:
        organization = factories.Organization(name=name, **organization_fields(title_translated={"sv": title}))
        factories.Dataset(owner_org=organization["id"], **dataset_fields())
    company = factories.Organization(
        name="goteborg-energi",
        **organization_fields(
            title_translated={"sv": "Göteborg Energi AB"},
            orgnr="556362-6794",
            publisher_type="http://purl.org/adms/publishertype/Company",
        ),
    )
    factories.Dataset(owner_org=company["id"], **dataset_fields())

    graph = Graph().parse(data=app.get("/catalog.rdf").get_data(as_text=True), format="xml")

    publishers = set(graph.objects(None, DCTERMS.publisher))
    assert publishers == {
        URIRef("http://dataportal.se/organisation/SE2120001355"),
        URIRef("http://dataportal.se/organisation/SE5563626794"),
    }

"""Publisher URIs derived from the organisationsnummer."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ckan.tests import factories

from ckanext.gbgopendata.publishers import format_orgnr, publisher_uri
from ckanext.gbgopendata.tests.helpers import dataset_fields, organization_fields


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


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_serialising_the_catalogue_reads_no_organisation_per_dataset(app, monkeypatch):
    """The publisher URI and the CC BY attribution need the organisation's
    orgnr and names: they come from one read of all organisations per
    request, not from an organization_show per dataset."""
    import ckan.logic

    for name, licence in [("trafikkontoret", "CC-BY-4.0"), ("miljoforvaltningen", "CC0-1.0")]:
        organization = factories.Organization(name=name, **organization_fields(title_translated={"sv": name.title()}))
        for number in range(6):
            factories.Dataset(owner_org=organization["id"], license_id=licence, resources=[
                {"url": f"https://goteborg.se/{name}/{number}.csv", "format": "text/csv"}], **dataset_fields())
    calls = []
    original = ckan.logic._actions["organization_show"]
    monkeypatch.setitem(ckan.logic._actions, "organization_show",
                        lambda context, data_dict: calls.append(data_dict) or original(context, data_dict))
    body = app.get("/catalog.ttl").get_data(as_text=True)
    assert body.count("dcat:Dataset") >= 12 or body.count("a dcat:Dataset") == 12
    assert "Trafikkontoret, " in body  # the CC BY attribution names the publisher
    assert "dataportal.se/organisation/SE2120001355" in body
    # ckanext-dcat's euro_dcat_ap profile looks each organisation up once
    # (its own cache); nothing looks one up per dataset.
    ids = [call["id"] for call in calls]
    assert len(ids) == len(set(ids)) <= 2

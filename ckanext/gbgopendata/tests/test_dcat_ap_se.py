"""The dcat_ap_se profile: what a complete and a minimal dataset become in
DCAT-AP-SE 3.0.1, through the real endpoints."""
from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import organization_fields
from ckanext.gbgopendata.tests.dcat_fixtures import EU, HVD, complete_dataset, minimal_dataset

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ODRS = Namespace("http://schema.theodi.org/odrs#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
CITY = URIRef("http://dataportal.se/organisation/SE2120001355")
SITE = "http://test.ckan.net"


def _create(organization, sysadmin, fields):
    return helpers.call_action("package_create", context={"user": sysadmin["name"], "ignore_auth": False},
                               owner_org=organization["id"], **fields)


def _graph(app, url, fmt="turtle"):
    response = app.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return Graph().parse(data=response.get_data(as_text=True), format=fmt)


def _one(graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def _langs(graph, subject, predicate):
    return {(str(o), o.language) for o in graph.objects(subject, predicate)}


@pytest.fixture
def city(clean_db, clean_index, with_plugins):
    organization = factories.Organization(name="trafikkontoret", **organization_fields(
        homepage="https://goteborg.se/trafikkontoret", email="trafikkontoret@trafikkontoret.goteborg.se",
        description_translated={"sv": "Ansvarar för gator.", "en": "Responsible for streets."}))
    return organization, factories.Sysadmin()


@pytest.mark.parametrize("url", ["/dataset/{id}.ttl", "/datasets/dcat?format=ttl"])
def test_a_complete_dataset(app, city, url):
    organization, sysadmin = city
    dataset = _create(organization, sysadmin, complete_dataset())
    g = _graph(app, url.format(id=dataset["id"]))
    ref = URIRef(f"{SITE}/dataset/{dataset['id']}")

    assert (ref, RDF.type, DCAT.Dataset) in g
    assert _langs(g, ref, DCTERMS.title) == {("Parkeringsplatser", "sv"), ("Parking spaces", "en")}
    assert _langs(g, ref, DCTERMS.description) == {("Kommunala parkeringsplatser.", "sv"),
                                                   ("Municipal parking spaces.", "en")}
    assert _one(g, ref, DCTERMS.identifier) == Literal(dataset["id"])
    assert _langs(g, ref, DCAT.keyword) == {("parkering", "sv"), ("trafik", "sv"), ("parking", "en"), ("traffic", "en")}
    assert set(g.objects(ref, DCAT.theme)) == {URIRef(EU + "data-theme/TRAN"), URIRef(EU + "data-theme/REGI")}
    assert _one(g, ref, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert _one(g, ref, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/DAILY")
    assert set(g.objects(ref, DCTERMS.language)) == {URIRef(EU + "language/SWE"), URIRef(EU + "language/ENG")}
    assert _one(g, ref, DCTERMS.conformsTo) == URIRef("https://example.org/spec/parkering")
    assert _one(g, ref, FOAF.page) == URIRef("https://goteborg.se/parkering/dokumentation")
    assert _one(g, ref, DCAT.landingPage) == URIRef("https://goteborg.se/parkering")
    assert _one(g, ref, DCAT.version) == Literal("2.1")
    assert _one(g, ref, DCTERMS.issued) == Literal("2021-03-01", datatype=XSD.date)
    assert _one(g, ref, DCTERMS.modified) == Literal("2024-06-30", datatype=XSD.date)
    assert _one(g, ref, DCATAP.applicableLegislation) == URIRef(HVD)
    assert _one(g, ref, DCATAP.hvdCategory) == URIRef("http://data.europa.eu/bna/c_b79e35eb")

    provenance = _one(g, ref, DCTERMS.provenance)
    assert provenance == URIRef(f"{ref}/provenance")
    assert (provenance, RDF.type, DCTERMS.ProvenanceStatement) in g
    assert ("Insamlat av Trafikkontoret.", "sv") in _langs(g, provenance, DCTERMS.description)

    period = _one(g, ref, DCTERMS.temporal)
    assert period == URIRef(f"{ref}/temporal")
    assert _one(g, period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert _one(g, period, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date)
    place = _one(g, ref, DCTERMS.spatial)
    assert place == URIRef("http://sws.geonames.org/2711533")
    assert (place, RDF.type, DCTERMS.Location) in g

    # The publisher: the legal entity, described once, in both languages.
    assert _one(g, ref, DCTERMS.publisher) == CITY
    assert (CITY, RDF.type, FOAF.Organization) in g
    assert _langs(g, CITY, FOAF.name) == {("Göteborgs Stad", "sv"), ("City of Gothenburg", "en")}
    assert _one(g, CITY, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert _one(g, CITY, DCTERMS.identifier) == Literal("2120001355")
    assert str(_one(g, CITY, FOAF.mbox)).startswith("mailto:")
    assert _one(g, CITY, FOAF.homepage) == URIRef("https://goteborg.se/")
    # The department that owns the dataset: its creator.
    creator = _one(g, ref, DCTERMS.creator)
    assert creator == URIRef(f"{SITE}/organization/{organization['id']}")
    assert _langs(g, creator, FOAF.name) == {("Trafikkontoret", "sv"), ("Urban Transport Administration", "en")}
    assert _one(g, creator, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert _langs(g, creator, DCTERMS.description) == {("Ansvarar för gator.", "sv"), ("Responsible for streets.", "en")}
    assert _one(g, creator, FOAF.homepage) == URIRef("https://goteborg.se/trafikkontoret")
    assert _one(g, creator, FOAF.mbox) == URIRef("mailto:trafikkontoret@trafikkontoret.goteborg.se")

    contact = _one(g, ref, DCAT.contactPoint)
    assert isinstance(contact, URIRef) and contact not in (CITY, creator)
    assert _one(g, contact, RDF.type) == VCARD.Organization
    assert _langs(g, contact, VCARD.fn) == {("Trafikkontoret, kundservice", "sv")}
    assert _one(g, contact, VCARD.hasEmail) == URIRef("mailto:kundservice@trafikkontoret.goteborg.se")
    assert _one(g, contact, VCARD.hasURL) == URIRef("https://goteborg.se/trafik")
    phone = _one(g, contact, VCARD.hasTelephone)
    assert (phone, RDF.type, VCARD.Voice) in g
    assert _one(g, phone, VCARD.hasValue) == URIRef("tel:+46-31-365-00-00")

    distributions = {str(_one(g, d, DCAT.accessURL)): d for d in g.objects(ref, DCAT.distribution)}
    assert len(distributions) == 3
    csv = distributions["https://goteborg.se/opendata/parkering.csv"]
    assert (csv, RDF.type, DCAT.Distribution) in g
    assert _langs(g, csv, DCTERMS.title) == {("Parkeringsplatser (CSV)", "sv"), ("Parking spaces (CSV)", "en")}
    assert _langs(g, csv, DCTERMS.description) == {("Alla platser.", "sv"), ("All spaces.", "en")}
    assert _one(g, csv, DCAT.downloadURL) == URIRef("https://goteborg.se/opendata/parkering-full.csv")
    assert _one(g, csv, DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert _one(g, csv, DCAT.mediaType) == URIRef("http://www.iana.org/assignments/media-types/text/csv")
    assert _one(g, csv, DCTERMS.license) == URIRef("http://creativecommons.org/licenses/by/4.0/")
    assert _one(g, csv, DCATAP.availability) == URIRef(EU + "planned-availability/STABLE")
    assert _one(g, csv, ADMS.status) == URIRef(EU + "distribution-status/COMPLETED")
    assert _one(g, csv, DCAT.byteSize) == Literal(123456, datatype=XSD.nonNegativeInteger)
    assert _one(g, csv, DCTERMS.conformsTo) == URIRef("https://goteborg.se/opendata/parkering-schema.json")
    assert _one(g, csv, DCATAP.applicableLegislation) == URIRef(HVD)
    checksum = _one(g, csv, SPDX.checksum)
    assert _one(g, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha1
    assert str(_one(g, checksum, SPDX.checksumValue)) == "0123456789abcdef0123456789abcdef01234567"
    # CC BY: the attribution as the dataset page gives it (department, title).
    rights = _one(g, csv, DCTERMS.rights)
    assert (rights, RDF.type, ODRS.RightsStatement) in g
    assert ("Trafikkontoret, Parkeringsplatser", "sv") in _langs(g, rights, ODRS.attributionText)
    zipped = distributions["https://goteborg.se/opendata/parkering.zip"]
    assert _one(g, zipped, DCTERMS.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    assert _one(g, zipped, DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert _one(g, zipped, DCAT.compressFormat) == URIRef("http://www.iana.org/assignments/media-types/application/zip")
    # CC0: no attribution; the licence's terms are its rights statement
    assert (_one(g, zipped, DCTERMS.rights), RDF.type, DCTERMS.RightsStatement) in g
    assert not set(g.objects(_one(g, zipped, DCTERMS.rights), ODRS.attributionText))

    # Nothing internal, no record, no blank node.
    text = g.serialize(format="nt")
    for internal in ("confidentiality", "integrity_level", "availability_level", "classified_by",
                     "classification_date", sysadmin["id"]):
        assert internal not in text
    assert (None, RDF.type, DCAT.CatalogRecord) not in g
    assert [t for t in g if any(isinstance(term, BNode) for term in t)] == []


def test_a_minimal_dataset(app, city):
    organization, sysadmin = city
    dataset = _create(organization, sysadmin, minimal_dataset())
    g = _graph(app, "/datasets/dcat?format=ttl")
    ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
    distribution = _one(g, ref, DCAT.distribution)
    written = {p for p, _ in g.predicate_objects(ref)}
    assert written == {RDF.type, DCTERMS.title, DCTERMS.description, DCTERMS.identifier, DCTERMS.publisher,
                       DCTERMS.creator, DCAT.distribution}
    assert _langs(g, ref, DCTERMS.title) == {("Minimal", "sv")}
    assert {p for p, _ in g.predicate_objects(distribution)} == {
        RDF.type, DCAT.accessURL, DCTERMS.format, DCAT.mediaType, DCTERMS.license, DCTERMS.rights}
    assert _one(g, distribution, DCTERMS.format) == URIRef(EU + "file-type/JSON")
    assert _one(g, distribution, DCTERMS.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    # Not HVD: no HVD property anywhere.
    assert (None, DCATAP.applicableLegislation, None) not in g
    assert (None, DCATAP.hvdCategory, None) not in g


@pytest.mark.ckan_config("ckanext.gbgopendata.dcat_format_style", "se")
def test_the_swedish_format_style_writes_the_media_type_as_a_literal(app, city):
    organization, sysadmin = city
    dataset = _create(organization, sysadmin, complete_dataset())
    g = _graph(app, "/datasets/dcat?format=ttl")
    ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
    formats = {_one(g, d, DCTERMS.format) for d in g.objects(ref, DCAT.distribution)}
    assert formats == {Literal("text/csv"), Literal("text/csv+zip"), Literal("application/json")}
    assert (None, DCAT.mediaType, None) not in g


def test_departments_are_one_publisher_described_once(app, city):
    """Three departments and a municipal company: two publishers, each
    described once with one name per language; the company, whose orgnr is
    not in the legal-entity register, by its own organisation."""
    organization, sysadmin = city
    environment = factories.Organization(name="miljoforvaltningen", **organization_fields(
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment Administration"}))
    company = factories.Organization(name="goteborg-energi", **organization_fields(
        title_translated={"sv": "Göteborg Energi AB", "en": "Göteborg Energi Ltd"}, orgnr="556362-6794",
        publisher_type="http://purl.org/adms/publishertype/Company", email="info@goteborgenergi.se",
        homepage="https://www.goteborgenergi.se/"))
    for number, owner in enumerate([organization, environment, environment, company, company]):
        _create(owner, sysadmin, minimal_dataset(name=f"data-{number}"))
    for fmt, parser in (("rdf", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")):
        response = app.get(f"/datasets/dcat?format={fmt}")
        g = Graph().parse(data=response.get_data(as_text=True), format=parser)
        company_uri = URIRef("http://dataportal.se/organisation/SE5563626794")
        assert set(g.objects(None, DCTERMS.publisher)) == {CITY, company_uri}
        assert _langs(g, CITY, FOAF.name) == {("Göteborgs Stad", "sv"), ("City of Gothenburg", "en")}
        assert _langs(g, company_uri, FOAF.name) == {("Göteborg Energi AB", "sv"), ("Göteborg Energi Ltd", "en")}
        assert _one(g, company_uri, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/Company")
        assert _one(g, company_uri, FOAF.mbox) == URIRef("mailto:info@goteborgenergi.se")
        # The company is its own publisher: no creator for its datasets.
        creators = set(g.objects(None, DCTERMS.creator))
        assert creators == {URIRef(f"{SITE}/organization/{o['id']}") for o in (organization, environment)}
        if fmt == "rdf":
            body = response.get_data(as_text=True)
            assert body.count('rdf:about="http://dataportal.se/organisation/SE2120001355"') == 1


def test_the_same_contact_is_one_node_in_every_dataset(app, city):
    organization, sysadmin = city
    contact = {"name": "Kundservice", "email": "kundservice@trafikkontoret.goteborg.se"}
    for number in range(2):
        _create(organization, sysadmin, minimal_dataset(name=f"data-{number}", contact=[contact]))
    g = _graph(app, "/datasets/dcat?format=ttl")
    contacts = set(g.objects(None, DCAT.contactPoint))
    assert len(contacts) == 1
    assert contacts.isdisjoint(set(g.objects(None, DCTERMS.publisher)) | set(g.objects(None, DCTERMS.creator)))


def test_the_catalogue_header(app, city):
    organization, sysadmin = city
    datasets = [_create(organization, sysadmin, minimal_dataset(name=f"data-{n}")) for n in range(3)]
    g = _graph(app, "/datasets/dcat?format=ttl")
    catalogue = URIRef(SITE)
    assert (catalogue, RDF.type, DCAT.Catalog) in g
    assert _langs(g, catalogue, DCTERMS.title) == {("Göteborgs Stads öppna data", "sv"),
                                                   ("City of Gothenburg open data", "en")}
    assert {lang for _, lang in _langs(g, catalogue, DCTERMS.description)} == {"sv", "en"}
    assert _one(g, catalogue, DCTERMS.publisher) == CITY
    assert _one(g, catalogue, DCTERMS.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    assert _one(g, catalogue, FOAF.homepage) == URIRef(SITE + "/")
    assert set(g.objects(catalogue, DCTERMS.language)) == {URIRef(EU + "language/SWE"), URIRef(EU + "language/ENG")}
    assert _one(g, catalogue, DCAT.themeTaxonomy) == URIRef(EU + "data-theme")
    assert _one(g, catalogue, DCTERMS.spatial) == URIRef("http://sws.geonames.org/2711533")
    assert set(g.objects(catalogue, DCAT.dataset)) == {URIRef(f"{SITE}/dataset/{d['id']}") for d in datasets}
    newest = max(d["metadata_modified"] for d in datasets)
    assert str(_one(g, catalogue, DCTERMS.modified)) == newest[:19]
    assert _one(g, catalogue, DCTERMS.modified).datatype == XSD.dateTime
    assert str(_one(g, catalogue, DCTERMS.issued)) == min(d["metadata_created"] for d in datasets)[:19]


@pytest.mark.ckan_config("ckanext.gbgopendata.catalog_title_en", "Gothenburg's data")
@pytest.mark.ckan_config("ckanext.gbgopendata.catalog_spatial", "http://sws.geonames.org/2661886")
def test_the_catalogue_header_comes_from_config(app, city):
    g = _graph(app, "/datasets/dcat?format=ttl")
    catalogue = URIRef(SITE)
    assert ("Gothenburg's data", "en") in _langs(g, catalogue, DCTERMS.title)
    assert _one(g, catalogue, DCTERMS.spatial) == URIRef("http://sws.geonames.org/2661886")

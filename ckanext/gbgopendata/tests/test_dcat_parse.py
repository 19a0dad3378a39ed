"""Parsing DCAT-AP-SE back into our datasets: the round trip of the complete
dataset in both format styles, documents shaped like DIGG's examples
(diggsweden/DCAT-AP-SE, exempel/) with every form DCAT-AP-SE allows, the
deprecated ones included, and the publication rule on what is imported."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit
from ckan.tests import factories, helpers
from ckanext.dcat.processors import RDFParser

from ckanext.gbgopendata.tests.helpers import OPEN_CLASSIFICATION, organization_fields
from ckanext.gbgopendata.tests.session_app import reconfigure
from ckanext.gbgopendata.tests.dcat_fixtures import EU, HVD, complete_dataset

DATASET_FIELDS = set(complete_dataset()) - {"name", "private", *OPEN_CLASSIFICATION} | {"owner_org"}
RESOURCE_FIELDS = {key for resource in complete_dataset()["resources"] for key in resource}


def _parse(text, fmt="turtle"):
    parser = RDFParser(profiles=["dcat_ap_se"])
    parser.parse(text, _format=fmt)
    return list(parser.datasets())


def _view(dataset):
    """The schema's fields of a dataset, lists in a stable order."""
    view = {key: dataset[key] for key in DATASET_FIELDS if dataset.get(key) not in (None, "", [], {})}
    for key in ("theme", "language", "conforms_to", "documentation", "hvd_category"):
        if key in view:
            view[key] = sorted(view[key])
    if "tags_translated" in view:
        view["tags_translated"] = {lang: sorted(words) for lang, words in view["tags_translated"].items()}
    view["contact"] = [{k: v for k, v in c.items() if v} for c in view.get("contact", [])]
    view["resources"] = sorted(
        ({k: r[k] for k in RESOURCE_FIELDS if r.get(k) not in (None, "", [], {})} for r in dataset["resources"]),
        key=lambda r: r["url"])
    return view


@pytest.fixture
def city(clean_db, clean_index, with_plugins):
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    return organization, factories.Sysadmin()


@pytest.mark.parametrize("style", ["eu", "se"])
@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")])
def test_the_complete_dataset_comes_back_the_same(app, city, ckan_config, monkeypatch, style, fmt, parser):
    organization, sysadmin = city
    monkeypatch.setitem(ckan_config, "ckanext.gbgopendata.dcat_format_style", style)
    reconfigure(ckan_config)
    stored = helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                 owner_org=organization["id"], **complete_dataset())
    document = app.get(f"/datasets/dcat?format={fmt}").get_data(as_text=True)
    [parsed] = _parse(document, parser)
    assert parsed["owner_org"] == organization["id"]
    assert _view(parsed) == _view(stored)


# Shaped like DIGG's exempel/rekommenderat.ttl, with every form DCAT-AP-SE
# allows: the Swedish literal format, deprecated properties and vocabularies,
# blank nodes (which DIGG's own examples use), untagged literals, variant URIs.
EVERY_FORM = """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <http://schema.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .

<https://example.com/catalog1> a dcat:Catalog ;
    dcterms:title "Katalog med alla former"@sv ;
    dcterms:description "Katalog enligt DCAT-AP-SE"@sv ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120001355> ;
    dcat:dataset <https://example.com/dataset1> ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> .

<http://dataportal.se/organisation/SE2120001355> a foaf:Agent ;
    foaf:name "Göteborgs Stad"@sv ;
    dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> .

<https://example.com/dataset1> a dcat:Dataset ;
    dcterms:title "Bibliotek i Göteborg"@sv , "Libraries in Gothenburg"@en ;
    dcterms:description "Plats och öppettider för alla bibliotek" ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120001355> ;
    dcat:distribution <https://example.com/distribution1> , <https://example.com/distribution2> ;
    dcterms:spatial <https://sws.geonames.org/2711533/> ;
    dcat:keyword "bibliotek"@sv , "library"@en , "kultur" ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/EDUC> ;
    dcterms:accessRights <https://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcterms:accrualPeriodicity <http://purl.org/cld/freq/semiannual> ;
    dcterms:issued "2020-01-01T08:00:00"^^xsd:dateTime ;
    dcterms:modified "2021"^^xsd:gYear ;
    owl:versionInfo "1.0" ;
    dcat:contactPoint <https://example.com/contactpoint1> ;
    dcterms:temporal [ a dcterms:PeriodOfTime ; schema:startDate "2010-01-01"^^xsd:date ;
                       schema:endDate "2019-12-31"^^xsd:date ] .

<https://example.com/contactpoint1> a vcard:Individual ;
    vcard:fn "Anna Andersson" ;
    vcard:hasEmail <mailto:anna.andersson@example.com> ;
    vcard:hasTelephone [ vcard:hasValue <tel:+46012345678> ] ;
    vcard:hasAddress [ a vcard:Address ; vcard:locality "Göteborg" ] .

<https://example.com/distribution1> a dcat:Distribution ;
    dcterms:description "En förteckning över bibliotek."@sv ;
    dcterms:format "text/csv" ;
    dcat:accessURL <http://example.com/download> ;
    dcat:downloadURL <http://example.com/download> ;
    dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/deed.sv> ;
    dcatap:availability <http://data.europa.eu/r5r/availability/stable> ;
    adms:status <http://purl.org/adms/status/UnderDevelopment> ;
    dcat:byteSize "1024"^^xsd:decimal ;
    spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha1 ;
                    spdx:checksumValue "0123456789ABCDEF0123456789ABCDEF01234567" ] .

<https://example.com/distribution2> a dcat:Distribution ;
    dcterms:format <http://publications.europa.eu/resource/authority/file-type/JSON> ;
    dcat:accessURL <http://example.com/api> ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0> .
"""


def test_a_document_with_every_form(city):
    organization, _ = city
    [dataset] = _parse(EVERY_FORM)
    assert dataset["title_translated"] == {"sv": "Bibliotek i Göteborg", "en": "Libraries in Gothenburg"}
    assert dataset["notes_translated"] == {"sv": "Plats och öppettider för alla bibliotek"}  # untagged: Swedish
    assert dataset["tags_translated"] == {"sv": ["bibliotek", "kultur"], "en": ["library"]}
    assert dataset["owner_org"] == organization["id"]
    assert dataset["spatial_coverage"] == [{"uri": "http://sws.geonames.org/2711533"}]
    assert dataset["access_rights"] == EU + "access-right/PUBLIC"
    assert dataset["frequency"] == EU + "frequency/ANNUAL_2"  # cld, deprecated
    assert dataset["version"] == "1.0"  # owl:versionInfo, deprecated
    assert (dataset["issued"], dataset["modified"]) == ("2020-01-01", "2021")
    assert (dataset["temporal_start"], dataset["temporal_end"]) == ("2010-01-01", "2019-12-31")  # schema:, deprecated
    assert dataset["contact"] == [{"name": "Anna Andersson", "email": "anna.andersson@example.com",
                                   "telephone": "+46012345678", "locality": "Göteborg", "kind": "Individual"}]
    # Its identity in the source: the node's URI (no dct:identifier given).
    assert dataset["uri"] == "https://example.com/dataset1" and "identifier" not in dataset
    # The licence most distributions carry... a tie: the register's order decides (CC0 first).
    assert dataset["license_id"] == "CC0-1.0"
    api, csv = sorted(dataset["resources"], key=lambda r: r["url"])
    assert csv == {
        "uri": "https://example.com/distribution1",
        "url": "http://example.com/download",
        "download_url": "http://example.com/download",  # kept, though it is the accessURL
        "description_translated": {"sv": "En förteckning över bibliotek."},
        "format": "text/csv",
        "availability": EU + "planned-availability/STABLE",  # DCAT-AP 2 availability
        "status": EU + "distribution-status/DEVELOP",  # ADMS status
        "size": 1024,
        "hash": "0123456789abcdef0123456789abcdef01234567",
    }
    assert api == {"uri": "https://example.com/distribution2", "url": "http://example.com/api", "format": "application/json",
                   "license": "http://creativecommons.org/licenses/by/4.0/"}


# Shaped like DIGG's exempel/obligatoriskt.rdf: the mandatory properties, RDF/XML.
MANDATORY_RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
         xmlns:dcterms="http://purl.org/dc/terms/" xmlns:foaf="http://xmlns.com/foaf/0.1/"
         xmlns:dcatap="http://data.europa.eu/r5r/">
  <dcat:Catalog rdf:about="https://example.com/catalog1">
    <dcterms:title xml:lang="sv">Katalog med obligatoriska fält</dcterms:title>
    <dcterms:description xml:lang="sv">Obligatoriska fält enligt DCAT-AP-SE</dcterms:description>
    <dcterms:publisher rdf:resource="http://dataportal.se/organisation/SE5563626794"/>
    <dcterms:license rdf:resource="http://creativecommons.org/publicdomain/zero/1.0/"/>
    <dcat:dataset>
      <dcat:Dataset rdf:about="https://example.com/dataset1">
        <dcterms:title xml:lang="sv">Laddstolpar</dcterms:title>
        <dcterms:description xml:lang="sv">Alla laddstolpar.</dcterms:description>
        <dcterms:publisher rdf:resource="http://dataportal.se/organisation/SE5563626794"/>
        <dcatap:applicableLegislation rdf:resource="http://data.europa.eu/eli/reg_impl/2023/138/oj"/>
        <dcatap:hvdCategory rdf:resource="http://data.europa.eu/bna/c_b79e35eb"/>
        <dcat:distribution>
          <dcat:Distribution rdf:about="https://example.com/distribution1">
            <dcat:accessURL rdf:resource="https://example.com/laddstolpar.zip"/>
            <dcterms:format rdf:resource="http://publications.europa.eu/resource/authority/file-type/CSV"/>
            <dcat:mediaType rdf:resource="http://www.iana.org/assignments/media-types/text/csv"/>
            <dcat:compressFormat rdf:resource="http://www.iana.org/assignments/media-types/application/zip"/>
            <dcatap:applicableLegislation rdf:resource="http://data.europa.eu/eli/reg_impl/2023/138/oj"/>
          </dcat:Distribution>
        </dcat:distribution>
      </dcat:Dataset>
    </dcat:dataset>
  </dcat:Catalog>
  <foaf:Organization rdf:about="http://dataportal.se/organisation/SE5563626794">
    <foaf:name xml:lang="sv">Göteborg Energi AB</foaf:name>
    <dcterms:type rdf:resource="http://purl.org/adms/publishertype/Company"/>
  </foaf:Organization>
</rdf:RDF>
"""


def test_a_mandatory_document_in_rdf_xml_with_the_eu_format_style(city):
    company = factories.Organization(name="goteborg-energi", **organization_fields(
        title_translated={"sv": "Göteborg Energi AB"}, orgnr="556362-6794",
        publisher_type="http://purl.org/adms/publishertype/Company"))
    [dataset] = _parse(MANDATORY_RDF, "xml")
    assert dataset["owner_org"] == company["id"]
    assert dataset["applicable_legislation"] == [HVD]
    assert dataset["hvd_category"] == ["http://data.europa.eu/bna/c_b79e35eb"]
    assert dataset["resources"] == [{"uri": "https://example.com/distribution1",
                                     "url": "https://example.com/laddstolpar.zip", "format": "text/csv+zip",
                                     "applicable_legislation": [HVD]}]
    assert dataset["license_id"] == ""  # none given, none invented


def test_imported_datasets_obey_the_publication_rule(app, city):
    organization, sysadmin = city
    [dataset] = _parse(EVERY_FORM)
    context = {"user": sysadmin["name"], "ignore_auth": False}
    # No classification: it may not be public ...
    with pytest.raises(toolkit.ValidationError) as error:
        helpers.call_action("package_create", context=dict(context), name="bibliotek", private=False, **dataset)
    assert "private" in error.value.error_dict
    # ... it may exist as private, and is in no catalogue endpoint ...
    private = helpers.call_action("package_create", context=dict(context), name="bibliotek", private=True, **dataset)
    assert private["id"] not in app.get("/datasets/dcat").get_data(as_text=True)
    # ... and once classified at level 0 it is published like any other.
    helpers.call_action("package_patch", context=dict(context), id=private["id"], private=False, **OPEN_CLASSIFICATION)
    assert private["id"] in app.get("/datasets/dcat").get_data(as_text=True)


def test_every_media_type_of_the_vocabulary_comes_back_from_both_styles():
    from ckanext.gbgopendata.dcat import formats
    from ckanext.gbgopendata.vocabularies import get_vocabulary

    for media_type in get_vocabulary("media-type").uris:
        terms = formats.eu_terms(media_type)
        assert terms["format"].startswith((formats.FILE_TYPE, formats.IANA)), media_type
        eu = formats.media_type_from_rdf(terms["format"], terms["media_type"], terms.get("compress_format"))
        assert eu == media_type
        # A document that gives only the file type (no dcat:mediaType).
        if terms["format"].startswith(formats.FILE_TYPE):
            assert formats.media_type_from_rdf(terms["format"], None, terms.get("compress_format")) == media_type
        assert formats.media_type_from_rdf(media_type, None, None) == media_type  # DIGG's literal

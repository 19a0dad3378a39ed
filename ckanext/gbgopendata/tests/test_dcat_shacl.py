"""SHACL validation of /datasets/dcat: our DCAT-AP-SE shapes and SEMIC's
DCAT-AP 3.0.1 shapes, on the demo catalogue, and the shapes' teeth.

SEMIC's range shapes check classes closed-world ("Value does not have class
skos:Concept"). shacl.validate runs them on the document exactly as served,
with the vocabularies as pyshacl's separate ontology graph and no inference:
the concepts of our vocabularies (so a theme, frequency or language outside
them still fails) and the subclass axioms of vcard, FOAF, ODRS and DCMI
terms; no rdfs:range axioms, so landing pages, formats and standards pass
only because the profile types them (test_dcat_shared_nodes.py). The tests
expect zero violations from both shape sets.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from ckan.cli.cli import ckan as ckan_command
from ckan.tests import helpers

from ckanext.gbgopendata import cli
from ckanext.gbgopendata.dcat import shacl
from ckanext.gbgopendata.tests.session_app import reconfigure

SITE = "http://test.ckan.net"


def _document(app, fmt="rdf"):
    response = app.get(f"/datasets/dcat?format={fmt}")
    assert response.status_code == 200
    return shacl.parse_document(response.get_data(as_text=True), response.mimetype)


@pytest.fixture
def demo(clean_db, clean_index, with_plugins):
    """The demo portal's organisations and datasets, loaded as load-demo does."""
    from ckan.tests import factories

    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    data = cli._demo_data()
    for organization in data["organizations"]:
        helpers.call_action("organization_create", context=dict(context), **organization)
    created = [helpers.call_action("package_create", context=dict(context), **dataset) for dataset in data["datasets"]]
    return created


@pytest.mark.parametrize("fmt", ["rdf", "ttl", "jsonld"])
def test_the_demo_catalogue_has_every_public_dataset(app, demo, fmt):
    graph = _document(app, fmt)
    public = {URIRef(f"{SITE}/dataset/{d['id']}") for d in demo if not d["private"]}
    assert len(public) == 8
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == public
    assert set(graph.objects(URIRef(SITE), DCAT.dataset)) == public


@pytest.mark.parametrize("shapes", ["se", "eu"])
def test_the_demo_catalogue_passes(app, demo, shapes):
    results = shacl.validate(_document(app), shapes)
    assert [r.line() for r in shacl.violations(results)] == []


@pytest.mark.ckan_config("ckanext.gbgopendata.dcat_format_style", "se")
def test_the_swedish_format_style_passes_our_shapes_not_semics(app, demo):
    """DIGG's literal format is DCAT-AP-SE, but SEMIC's shapes want an IRI
    in dcterms:format: the known difference, and the reason for the eu default."""
    graph = _document(app)
    assert shacl.violations(shacl.validate(graph, "se")) == []
    eu = shacl.violations(shacl.validate(graph, "eu"))
    assert eu and {r.path for r in eu} == {"http://purl.org/dc/terms/format"}
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    assert {URIRef(r.focus) for r in eu} == distributions


BROKEN = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix dcatap: <http://data.europa.eu/r5r/> .

<http://example.org/catalog> a dcat:Catalog ;
    dcterms:title "Katalog"@sv ; dcterms:description "Beskrivning"@sv ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120001355> ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcat:dataset <http://example.org/dataset/1> .

<http://dataportal.se/organisation/SE2120001355> a foaf:Organization ;
    foaf:name "Göteborgs Stad"@sv, "Trafikkontoret"@sv ;
    dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> .

<http://example.org/dataset/1> a dcat:Dataset ;
    dcterms:title "Utan språk" ; dcterms:description "Beskrivning"@sv ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120001355> ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Kontakt" ] ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/NOPE> ;
    dcatap:hvdCategory <http://data.europa.eu/bna/c_b79e35eb> ;
    dcat:distribution <http://example.org/dataset/1/resource/1> .

<http://example.org/dataset/1/resource/1> a dcat:Distribution ;
    dcat:accessURL <https://example.org/data.csv> .
"""


def test_our_shapes_find_what_dataportal_refuses():
    results = shacl.violations(shacl.validate(Graph().parse(data=BROKEN, format="turtle"), "se"))
    messages = "\n".join(r.line() for r in results)
    for expected in (
        "dcterms:license must be exactly http://creativecommons.org/publicdomain/zero/1.0/",
        "Dataset: dcterms:title is mandatory, with a language tag",
        "Agent: one foaf:name per language",
        "Dataset: a contact point is a described vcard:Organization or vcard:Individual with a URI",
        "Dataset: dcat:theme must be one of the 13 EU data themes",
        "Distribution: exactly one dcterms:format",
    ):
        assert expected in messages
    # An HVD category without the HVD regulation.
    assert any(r.focus == "http://example.org/dataset/1" and r.path == "" for r in results)


def test_semics_shapes_find_a_theme_outside_the_vocabulary():
    results = shacl.violations(shacl.validate(Graph().parse(data=BROKEN, format="turtle"), "eu"))
    assert any(r.value.endswith("data-theme/NOPE") for r in results)


@pytest.mark.usefixtures("with_plugins")
def test_semics_shapes_are_read_from_the_configured_folder(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, shacl.SHACL_DIR_OPTION, str(tmp_path))
    reconfigure(ckan_config)
    with pytest.raises(shacl.ShapesNotFound):
        shacl.eu_shapes()
    monkeypatch.setitem(ckan_config, shacl.SHACL_DIR_OPTION, "")
    reconfigure(ckan_config)
    assert shacl.shacl_dir() == Path(__file__).resolve().parents[3].parent / "shared" / "shacl"
    assert len(shacl.eu_shapes()) > 1000


def test_the_command_validates_the_open_catalogue_and_a_file(app, demo, cli, tmp_path):
    result = cli.invoke(ckan_command, ["gbgopendata", "validate", "--shapes", "all"])
    assert result.exit_code == 0, result.output
    assert "se shapes: 0 violations" in result.output or "se-formerna: 0" in result.output

    document = tmp_path / "catalogue.rdf"
    document.write_text(app.get("/datasets/dcat").get_data(as_text=True), "utf-8")
    result = cli.invoke(ckan_command, ["gbgopendata", "validate", "--file", str(document), "--shapes", "se"])
    assert result.exit_code == 0, result.output

    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN, "utf-8")
    result = cli.invoke(ckan_command, ["gbgopendata", "validate", "--file", str(broken), "--shapes", "se"])
    assert result.exit_code == 1
    # Each violation: shape set, severity, focus node, path, message.
    assert ("[se] Violation: http://example.org/catalog http://purl.org/dc/terms/license: "
            "Catalog: dcterms:license must be exactly http://creativecommons.org/publicdomain/zero/1.0/") in result.output
    assert ("[se] Violation: http://example.org/dataset/1 http://www.w3.org/ns/dcat#theme "
            "value=http://publications.europa.eu/resource/authority/data-theme/NOPE") in result.output

    result = cli.invoke(ckan_command, ["gbgopendata", "validate", "--file", str(tmp_path / "missing.rdf")])
    assert result.exit_code != 0
    garbage = tmp_path / "garbage.rdf"
    garbage.write_text("not rdf at all <", "utf-8")
    result = cli.invoke(ckan_command, ["gbgopendata", "validate", "--file", str(garbage)])
    assert result.exit_code == 2

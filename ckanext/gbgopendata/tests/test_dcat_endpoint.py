"""/datasets/dcat and ckanext-dcat's endpoints under the dcat_ap_se profile:
formats, refusals, no blank node anywhere, and only the open catalogue."""
from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCAT, RDF

from ckan.tests import factories, helpers

from ckanext.gbgopendata.tests.helpers import organization_fields
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset, minimal_dataset

SITE = "http://test.ckan.net"
PARSERS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/ld+json": "json-ld"}


@pytest.fixture
def world(clean_db, clean_index, with_plugins):
    organization = factories.Organization(name="trafikkontoret", **organization_fields())
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": False}

    def create(fields):
        return helpers.call_action("package_create", context=dict(context), owner_org=organization["id"], **fields)

    public = create(complete_dataset())
    open_by = create(minimal_dataset(name="oppen-cc-by", license_id="CC-BY-4.0"))
    private = create(minimal_dataset(name="privat-hemlig", private=True))
    level_1 = create(minimal_dataset(name="niva-ett-hemlig", private=True, confidentiality_level="1"))
    deleted = create(minimal_dataset(name="raderad-hemlig"))
    helpers.call_action("package_delete", context=dict(context), id=deleted["id"])
    return {"shown": [public, open_by], "hidden": [private, level_1, deleted]}


def _parse(response):
    mimetype = response.mimetype
    return Graph().parse(data=response.get_data(as_text=True), format=PARSERS[mimetype])


@pytest.mark.parametrize("query, headers, mimetype", [
    ("", {}, "application/rdf+xml"),
    ("", {"Accept": "*/*"}, "application/rdf+xml"),
    ("", {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, "application/rdf+xml"),
    ("", {"Accept": "text/turtle"}, "text/turtle"),
    ("", {"Accept": "application/ld+json"}, "application/ld+json"),
    ("", {"Accept": "application/rdf+xml"}, "application/rdf+xml"),
    ("?format=ttl", {"Accept": "application/rdf+xml"}, "text/turtle"),
    ("?format=jsonld", {}, "application/ld+json"),
    ("?format=rdf", {}, "application/rdf+xml"),
])
def test_formats(app, world, query, headers, mimetype):
    response = app.get("/datasets/dcat" + query, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    graph = _parse(response)
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {URIRef(f"{SITE}/dataset/{d['id']}") for d in world["shown"]}


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.parametrize("query, headers, status", [
    ("?format=bogus", {}, 400),
    ("?format=", {}, 400),
    ("", {"Accept": "image/png"}, 406),
])
def test_what_cannot_be_served_is_refused_with_a_message(app, query, headers, status):
    response = app.get("/datasets/dcat" + query, headers=headers)
    assert response.status_code == status
    assert "rdf" in response.get_data(as_text=True)


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_a_control_character_is_refused_not_an_error(app):
    assert app.get("/datasets/dcat?format=%00").status_code == 400


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_the_refusal_speaks_swedish(app):
    response = app.get("/datasets/dcat?format=bogus")
    assert "Okänt format bogus" in response.get_data(as_text=True)


def _endpoints(world):
    dataset = world["shown"][0]["id"]
    return ([f"/datasets/dcat?format={fmt}" for fmt in ("rdf", "ttl", "jsonld")]
            + [f"/catalog.{fmt}" for fmt in ("rdf", "ttl", "jsonld")]
            + [f"/dataset/{dataset}.{fmt}" for fmt in ("rdf", "ttl", "jsonld")])


def test_no_blank_node_in_any_endpoint(app, world):
    for url in _endpoints(world):
        response = app.get(url)
        assert response.status_code == 200, url
        graph = _parse(response)
        assert len(graph) > 50, url
        blank = [t for t in graph if any(isinstance(term, BNode) for term in t)]
        assert blank == [], url


def test_only_the_open_catalogue_appears_in_any_endpoint(app, world):
    for url in _endpoints(world)[:6]:
        body = app.get(url).get_data(as_text=True)
        assert world["shown"][0]["id"] in body and world["shown"][1]["id"] in body, url
        for dataset in world["hidden"]:
            assert dataset["id"] not in body and dataset["name"] not in body, url
        assert "hemlig" not in body, url
    for dataset in world["hidden"]:
        for fmt in ("rdf", "ttl", "jsonld"):
            assert app.get(f"/dataset/{dataset['id']}.{fmt}").status_code == 404


def test_the_json_ld_document_is_one_graph(app, world):
    document = json.loads(app.get("/datasets/dcat?format=jsonld").get_data(as_text=True))
    ids = [node["@id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids))  # every subject described once
    assert SITE in ids


def test_the_document_is_assembled_per_dataset(app, world, monkeypatch):
    """Each dataset's triples come from a graph of their own, and
    ckanext-dcat's one-graph catalogue build is never used."""
    from ckanext.dcat.processors import RDFSerializer

    from ckanext.gbgopendata.dcat import catalogue

    def refuse(*args, **kwargs):
        raise AssertionError("the whole-catalogue graph was built")

    monkeypatch.setattr(RDFSerializer, "serialize_catalog", refuse)
    monkeypatch.setattr(RDFSerializer, "graph_from_catalog", refuse)
    graphs = []
    original = catalogue.Assembler.dataset_graph

    def recording(self, dataset_dict):
        ref, graph = original(self, dataset_dict)
        graphs.append((ref, graph))
        return ref, graph

    monkeypatch.setattr(catalogue.Assembler, "dataset_graph", recording)
    assert app.get("/datasets/dcat").status_code == 200
    assert len(graphs) == len(world["shown"])
    for ref, graph in graphs:
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {ref}


def test_serialising_reads_no_organisation_per_dataset(app, world, monkeypatch):
    import ckan.logic

    calls = []
    original = ckan.logic._actions["organization_show"]
    monkeypatch.setitem(ckan.logic._actions, "organization_show",
                        lambda context, data_dict: calls.append(data_dict) or original(context, data_dict))
    for fmt in ("rdf", "ttl", "jsonld"):
        assert app.get(f"/datasets/dcat?format={fmt}").status_code == 200
    assert calls == []


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.parametrize("fmt, parser", [("xml", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_an_address_no_iri_may_hold_is_encoded_not_an_error(app, fmt, parser):
    """Stored before today's validation, or harvested: a space or angle
    bracket in an address must not break the whole catalogue document."""
    from ckanext.gbgopendata.dcat import kept

    dataset = {"id": "4f3b2c1d-0000-4000-8000-000000000001", "name": "gammal",
               "title_translated": {"sv": "Gammal \"post\" <med> & tecken"},
               "url": "https://goteborg.se/gammal sida<1>",
               "resources": [{"id": "r1", "url": "https://goteborg.se/fil med mellanslag.csv", "format": "text/csv"}]}
    with app.flask_app.test_request_context():
        text = b"".join(kept.standalone(fmt, [dataset])).decode("utf-8")
    graph = Graph().parse(data=text, format=parser)
    ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
    assert graph.value(ref, DCAT.landingPage) == URIRef("https://goteborg.se/gammal%20sida%3C1%3E")
    assert str(graph.value(ref, URIRef("http://purl.org/dc/terms/title"))) == 'Gammal "post" <med> & tecken'

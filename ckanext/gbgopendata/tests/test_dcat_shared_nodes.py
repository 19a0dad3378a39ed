"""The nodes DCAT documents share between datasets (contact points, agents,
licence documents, places, documents, standards), as a harvester receives
them: every endpoint, parsed from the bytes served.

A shared node is described from its own facts alone, so every dataset that
names it writes the same triples about it, and a contact point is shared only
by contacts that are the same in every property (issue 18: the demo's
`cykelrakningar`, without a telephone, was served with `parkeringsplatser`'s
number, and an Organization and an Individual with one e-mail address were
one node typed both, with two names).
"""
from __future__ import annotations

import functools

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from ckan.tests import factories, helpers

from ckanext.gbgopendata import cli
from ckanext.gbgopendata.dcat import agents, shacl
from ckanext.gbgopendata.dcat.profiles.dcat_ap_se import DcatApSeProfile
from ckanext.gbgopendata.tests.dcat_fixtures import complete_dataset, minimal_dataset
from ckanext.gbgopendata.tests.helpers import reset_database

VCARD = agents.VCARD
SITE = "http://test.ckan.net"
TRAFFIC = "trafikkontoret@trafikkontoret.goteborg.se"


@pytest.fixture(scope="module")
def world(_plugins_of_the_session, _app_of_the_session, reset_db, reset_index, migrate_db_for):
    """The demo's organisations and datasets, a complete dataset, and two
    more contacts with Trafikkontoret's e-mail address: an Individual, and
    the demo's contact with the address in capitals."""
    reset_database(reset_db, migrate_db_for)
    reset_index()
    context = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
    data = cli._demo_data()
    for organization in data["organizations"]:
        helpers.call_action("organization_create", context=dict(context), **organization)
    traffic = "trafikkontoret"
    datasets = data["datasets"] + [
        minimal_dataset(name="cykelrakningar-kontaktperson", owner_org=traffic, contact=[
            {"name": "Trafikkontoret", "email": TRAFFIC, "kind": "Individual"}]),
        minimal_dataset(name="cykelrakningar-versaler", owner_org=traffic, contact=[
            {"name": "Trafikkontoret", "email": TRAFFIC.title(), "kind": "Organization"}]),
        complete_dataset(name="parkering-komplett", owner_org=traffic),
    ]
    created = [helpers.call_action("package_create", context=dict(context), **d) for d in datasets]
    return {"context": context, **{d["name"]: d for d in created}}


def _graph(app, url: str) -> Graph:
    response = app.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return shacl.parse_document(response.get_data(as_text=True), response.mimetype)


def _contact(graph: Graph, dataset: dict) -> tuple[URIRef, tuple]:
    """The dataset's one contact point and everything said about it."""
    [node] = graph.objects(URIRef(f"{SITE}/dataset/{dataset['id']}"), DCAT.contactPoint)
    telephones = [str(graph.value(phone, VCARD.hasValue)) for phone in graph.objects(node, VCARD.hasTelephone)]
    return node, (sorted(str(t).rsplit("#", 1)[-1] for t in graph.objects(node, RDF.type)),
                  sorted(str(n) for n in graph.objects(node, VCARD.fn)),
                  sorted(str(e) for e in graph.objects(node, VCARD.hasEmail)),
                  sorted(telephones))


TRAFFIC_CONTACT = (["Organization"], ["Trafikkontoret"], ["mailto:" + TRAFFIC], [])
EXPECTED_CONTACTS = {
    "parkeringsplatser": (["Organization"], ["Trafikkontoret"], ["mailto:" + TRAFFIC], ["tel:+46-31-365-00-00"]),
    "cykelrakningar": TRAFFIC_CONTACT,
    "trafikfloden-kommunala-vagar": TRAFFIC_CONTACT,
    "cykelrakningar-versaler": TRAFFIC_CONTACT,
    "cykelrakningar-kontaktperson": (["Individual"], ["Trafikkontoret"], ["mailto:" + TRAFFIC], []),
}
THE_SAME_CONTACT = {"cykelrakningar", "trafikfloden-kommunala-vagar", "cykelrakningar-versaler"}


@pytest.mark.parametrize("url", ["/datasets/dcat?format=rdf", "/datasets/dcat?format=ttl", "/catalog.ttl"])
def test_a_contact_point_is_shared_only_by_the_same_contact(app, world, url):
    graph = _graph(app, url)
    contacts = {name: _contact(graph, world[name]) for name in EXPECTED_CONTACTS}
    assert {name: description for name, (_, description) in contacts.items()} == EXPECTED_CONTACTS
    nodes = {name: node for name, (node, _) in contacts.items()}
    assert len({nodes[name] for name in THE_SAME_CONTACT}) == 1
    assert len(set(nodes.values())) == len(EXPECTED_CONTACTS) - len(THE_SAME_CONTACT) + 1


def test_each_dataset_names_its_contact_point_as_the_catalogue_does(app, world):
    catalogue = _graph(app, "/datasets/dcat?format=ttl")
    for name in EXPECTED_CONTACTS:
        alone = _graph(app, f"/dataset/{world[name]['id']}.rdf")
        assert _contact(alone, world[name]) == _contact(catalogue, world[name]), name


def test_trivially_different_spellings_of_an_e_mail_address_are_one_contact(with_plugins):
    contact = {"name": "Trafikkontoret", "email": TRAFFIC, "telephone": "+46 31 365 00 00", "kind": "Organization"}
    same = [dict(contact, email=" MAILTO:" + TRAFFIC.upper() + " "), dict(contact, email="mailto:" + TRAFFIC),
            dict(contact, name=" Trafikkontoret ", telephone="031-365 00 00")]
    different = [dict(contact, email="info@trafikkontoret.goteborg.se"), dict(contact, kind="Individual"),
                 dict(contact, name="Trafikkontoret, kundservice"), dict(contact, telephone="+46 31 365 00 01"),
                 dict(contact, url="https://goteborg.se/trafik"), {k: v for k, v in contact.items() if k != "telephone"}]
    uri = agents.contact_uri(contact)
    assert [agents.contact_uri(c) for c in same] == [uri] * len(same)
    assert len({agents.contact_uri(c) for c in different} | {uri}) == len(different) + 1


def test_semics_shapes_pass_the_document_as_served(app, world):
    """No inference in the data: landing pages, pages and homepages are
    foaf:Documents and standards dct:Standards because the document says so."""
    graph = _graph(app, "/datasets/dcat?format=rdf")
    served = set(graph)
    results = shacl.validate(graph, "eu")
    assert set(graph) == served
    assert [r.line() for r in shacl.violations(results)] == []
    complete = URIRef(f"{SITE}/dataset/{world['parkering-komplett']['id']}")
    for predicate, cls in ((DCAT.landingPage, FOAF.Document), (FOAF.page, FOAF.Document),
                           (DCTERMS.conformsTo, DCTERMS.Standard)):
        [linked] = graph.objects(complete, predicate)
        assert (linked, RDF.type, cls) in graph
    for agent in set(graph.objects(None, DCTERMS.publisher)) | set(graph.objects(None, DCTERMS.creator)):
        for homepage in graph.objects(agent, FOAF.homepage):
            assert (homepage, RDF.type, FOAF.Document) in graph
    # And the validator infers no class: untyped, the same links are reported.
    graph.remove((None, RDF.type, FOAF.Document))
    graph.remove((None, RDF.type, DCTERMS.Standard))
    reported = {r.path for r in shacl.violations(shacl.validate(graph, "eu"))}
    assert {str(DCAT.landingPage), str(FOAF.page), str(FOAF.homepage), str(DCTERMS.conformsTo)} <= reported


def _about(graph: Graph, subject) -> set:
    return {(p, o) for p, o in graph.predicate_objects(subject)}


def test_every_mention_of_a_shared_node_says_the_same_of_it(app, world):
    """Two different datasets naming the same homepage, standard, contact,
    licence and place, and the catalogue's own description: wherever a node
    that is not a dataset's own appears, the same triples are said of it."""
    create = functools.partial(helpers.call_action, "package_create", context=dict(world["context"]),
                               owner_org="trafikkontoret")
    shared = {"url": SITE + "/", "conforms_to": ["https://example.org/spec/parkering"],
              "documentation": ["https://goteborg.se/"], "spatial_coverage": [{"uri": "http://sws.geonames.org/2711533"}]}
    first = create(**minimal_dataset(
        name="delade-noder-1", license_id="CC0-1.0", contact=[{"name": "Trafikkontoret", "email": TRAFFIC}], **shared))
    second = create(**complete_dataset(
        name="delade-noder-2", license_id="CC0-1.0", **shared))
    graphs = [_graph(app, f"/dataset/{d['id']}.ttl") for d in (first, second)]
    with app.flask_app.test_request_context():
        catalogue = DcatApSeProfile(Graph())
        catalogue.graph_from_catalog({"_no_dates": True}, URIRef(SITE))
    graphs.append(catalogue.g)

    def shared_subjects(graph):
        return {s for s in graph.subjects() if not str(s).startswith(f"{SITE}/dataset/") and s != URIRef(SITE)}

    mentioned = [shared_subjects(g) for g in graphs]
    expected = {URIRef(SITE + "/"), URIRef("https://example.org/spec/parkering"), URIRef("https://goteborg.se/"),
                URIRef("http://sws.geonames.org/2711533"), URIRef("http://creativecommons.org/publicdomain/zero/1.0/"),
                URIRef("http://dataportal.se/organisation/SE2120001355")}
    assert expected <= mentioned[0] & mentioned[1]
    assert {URIRef(SITE + "/"), URIRef("http://sws.geonames.org/2711533"),
            URIRef("http://creativecommons.org/publicdomain/zero/1.0/")} <= mentioned[2]
    compared = 0
    for i, graph in enumerate(graphs):
        for j in range(i + 1, len(graphs)):
            for subject in mentioned[i] & mentioned[j]:
                assert _about(graph, subject) == _about(graphs[j], subject), subject
                compared += 1
    assert compared >= len(expected) + 3
    # The first dataset's contact has no telephone, the second's has one: two nodes.
    [contact_1], [contact_2] = (list(g.objects(None, DCAT.contactPoint)) for g in graphs[:2])
    assert contact_1 != contact_2
    assert (contact_1, VCARD.fn, Literal("Trafikkontoret", lang="sv")) in graphs[0]

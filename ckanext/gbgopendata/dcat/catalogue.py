"""Producing the open catalogue's pieces: each dataset's triples in a small
graph of its own, split into what belongs to the dataset and what it shares
with others (publishers, creators, contact points, licence documents,
places), and writers that turn triples into fragments of an RDF/XML, Turtle
or JSON-LD document.

ckanext-dcat builds its catalogue as one rdflib graph with every profile
scanning it per dataset, which grows quadratically and is computed per
request. Here the pieces are built once per change and kept (kept.py); the
document is those pieces, streamed. The writers use one fixed set of
prefixes, so fragments of different datasets fit into one document.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable
from xml.sax.saxutils import escape, quoteattr

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF

from ckanext.dcat.utils import catalog_uri

from ckanext.gbgopendata.dcat import services
from ckanext.gbgopendata.dcat.profiles.dcat_ap_se import NAMESPACES, DcatApSeProfile

FORMATS = {
    "xml": "application/rdf+xml",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
}
# ?format= and the file-extension names people use for the same thing.
FORMAT_ALIASES = {"rdf": "xml", "xml": "xml", "ttl": "ttl", "turtle": "ttl", "jsonld": "jsonld", "json-ld": "jsonld"}


# --- producing the triples ----------------------------------------------------------------


class Assembler:
    """Produces per-dataset graphs with one profile instance (loading the
    scheming schema once), and splits each into what belongs to the dataset
    and what it shares with others."""

    def __init__(self) -> None:
        self.profile = DcatApSeProfile(Graph())

    def dataset_graph(self, dataset_dict: dict[str, Any]) -> tuple[URIRef, Graph]:
        graph = Graph()
        self.profile.g = graph
        ref = URIRef(services.package_uri(dataset_dict))  # a data service's or a dataset's
        self.profile.graph_from_dataset(dataset_dict, ref)
        return ref, graph

    def catalogue_graph(self, catalog_dict: dict[str, Any]) -> tuple[URIRef, Graph]:
        graph = Graph()
        self.profile.g = graph
        ref = URIRef(catalog_uri())
        self.profile.graph_from_catalog(dict(catalog_dict, _no_dates=True), ref)
        return ref, graph


def split(ref: URIRef, graph: Graph) -> tuple[list[tuple], list[tuple]]:
    """(the dataset's own triples, the shared ones). Own: about the dataset,
    its distributions, and nodes minted under either's URI."""
    owners = {str(ref)} | {str(d) for d in graph.objects(ref, DCAT.distribution)}
    own, shared = [], []
    for triple in graph:
        subject = str(triple[0])
        if subject in owners or any(subject.startswith(owner + "/") for owner in owners):
            own.append(triple)
        else:
            shared.append(triple)
    return own, shared


def by_subject(triples: Iterable[tuple]) -> dict:
    """{subject: [its triples]}, each subject a node of its own."""
    subjects: dict = {}
    for triple in triples:
        subjects.setdefault(triple[0], []).append(triple)
    return subjects


# --- writers -------------------------------------------------------------------------------


def _by_subject(triples: Iterable[tuple]) -> dict:
    subjects: dict = {}
    for s, p, o in triples:
        subjects.setdefault(s, []).append((p, o))
    # Subjects in URI order, each with rdf:type first and then a stable
    # order: equal triples give equal bytes in every process (rdflib's store
    # iterates in hash order), so a rebuild of an unchanged dataset keeps its
    # digest and the document its ETag.
    ordered = {}
    for subject in sorted(subjects, key=str):
        ordered[subject] = sorted(subjects[subject], key=lambda po: (po[0] != RDF.type, str(po[0]), str(o_key(po[1]))))
    return ordered


def o_key(obj) -> str:
    return f"{obj}@{getattr(obj, 'language', '') or ''}^{getattr(obj, 'datatype', '') or ''}"


_LOCAL_NAME = re.compile(r"^[A-Za-z_][\w.-]*(?<!\.)$")


def qname(uri: str) -> tuple[str, str] | None:
    for prefix, namespace in NAMESPACES.items():
        if uri.startswith(namespace) and _LOCAL_NAME.match(uri[len(namespace):]):
            return prefix, uri[len(namespace):]
    return None


class XmlWriter:
    SEPARATOR = ""

    def header(self) -> str:
        declarations = "".join(f"\n   xmlns:{p}={quoteattr(ns)}" for p, ns in NAMESPACES.items())
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{declarations}>\n'

    def fragment(self, triples: Iterable[tuple]) -> str:
        out = []
        for subject, predicates in _by_subject(triples).items():
            out.append(f"  <rdf:Description rdf:about={quoteattr(str(subject))}>\n")
            for predicate, obj in predicates:
                name = qname(str(predicate))
                if name:
                    tag, declaration = f"{name[0]}:{name[1]}", ""
                else:  # a predicate outside our prefixes: its own namespace
                    namespace, local = re.match(r"^(.*?)([A-Za-z_][\w.-]*)$", str(predicate)).groups()
                    tag, declaration = f"ns0:{local}", f" xmlns:ns0={quoteattr(namespace)}"
                if isinstance(obj, URIRef):
                    out.append(f"    <{tag}{declaration} rdf:resource={quoteattr(str(obj))}/>\n")
                else:
                    attrs = declaration
                    if obj.language:
                        attrs += f" xml:lang={quoteattr(obj.language)}"
                    elif obj.datatype:
                        attrs += f" rdf:datatype={quoteattr(str(obj.datatype))}"
                    out.append(f"    <{tag}{attrs}>{escape(str(obj))}</{tag}>\n")
            out.append("  </rdf:Description>\n")
        return "".join(out)

    def footer(self) -> str:
        return "</rdf:RDF>\n"


class TurtleWriter:
    SEPARATOR = ""

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in NAMESPACES.items()) + "\n"

    def _term(self, term, short: bool = False) -> str:
        if isinstance(term, URIRef):
            name = qname(str(term)) if short else None
            return f"{name[0]}:{name[1]}" if name else term.n3()
        if isinstance(term, Literal) and term.datatype:
            name = qname(str(term.datatype))
            if name:
                return Literal(str(term)).n3() + f"^^{name[0]}:{name[1]}"
        return term.n3()

    def fragment(self, triples: Iterable[tuple]) -> str:
        out = []
        for subject, predicates in _by_subject(triples).items():
            lines = []
            for predicate, obj in predicates:
                if predicate == RDF.type:
                    lines.append(f"a {self._term(obj, short=True)}")
                else:
                    lines.append(f"{self._term(predicate, short=True)} {self._term(obj)}")
            out.append(f"{subject.n3()}\n    " + " ;\n    ".join(lines) + " .\n\n")
        return "".join(out)

    def footer(self) -> str:
        return ""


class JsonLdWriter:
    """A flattened JSON-LD document: one node object per subject in @graph.
    Fragments are lists of node objects; the document puts the commas
    between them (SEPARATOR)."""

    SEPARATOR = ",\n    "

    def header(self) -> str:
        return '{\n  "@context": ' + json.dumps(NAMESPACES) + ',\n  "@graph": [\n    '

    def _value(self, obj) -> dict[str, Any]:
        if isinstance(obj, URIRef):
            return {"@id": str(obj)}
        value: dict[str, Any] = {"@value": str(obj)}
        if obj.language:
            value["@language"] = obj.language
        elif obj.datatype:
            value["@type"] = str(obj.datatype)
        return value

    def fragment(self, triples: Iterable[tuple]) -> str:
        nodes = []
        for subject, predicates in _by_subject(triples).items():
            node: dict[str, Any] = {"@id": str(subject)}
            for predicate, obj in predicates:
                if predicate == RDF.type:
                    node.setdefault("@type", []).append(str(obj))
                else:
                    node.setdefault(str(predicate), []).append(self._value(obj))
            nodes.append(json.dumps(node, ensure_ascii=False))
        return self.SEPARATOR.join(nodes)

    def footer(self) -> str:
        return "\n  ]\n}\n"


WRITERS = {"xml": XmlWriter, "ttl": TurtleWriter, "jsonld": JsonLdWriter}

"""What a source document says of a dataset that the portal would not say
back: the import's and the harvester's report per dataset ("not kept"),
and the round-trip tests' measure of "nothing lost".

Both graphs are flattened into statements read from the dataset's node:
a path of predicates and the value at its end. Nodes the portal mints for
itself (a contact point's URI is a digest of its properties, a period's and
a checksum's hang under the dataset's URI) are compared by what is said of
them, not by name; blank nodes likewise. The publisher and the creator are
compared by presence: the portal describes them from its own register. A
distribution's format is compared as the media type it names (the EU
style's URIs and DIGG's literal say the same). Shared terms (licences,
vocabulary concepts, documents) are compared by their URI only: what a
document says about them is the register's or the vocabulary's, not the
dataset's. Values are compared in the form the portal stores them:
vocabulary URIs in their current form, an untagged text as Swedish, a
number as a number, a checksum in lower case, a deprecated property as the
one that replaced it. A statement the source makes and the portal's
serialisation lacks is reported.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from ckanext.gbgopendata import licenses
from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.dcat.agents import VCARD
from ckanext.gbgopendata.dcat.parsing import DEFAULT_LANGUAGE, OWL, SCHEMA, SPDX, current_uri

# Objects the portal names itself: compared by what is said of them.
MINTED = {DCAT.contactPoint, DCTERMS.temporal, DCTERMS.provenance, SPDX.checksum, VCARD.hasTelephone,
          VCARD.hasAddress, DCTERMS.rights}
# Agents: the publisher is the agent of its orgnr, described from the
# register; the creator is the owning organisation. Compared by presence.
AGENTS = {DCTERMS.publisher, DCTERMS.creator}
# Nodes of the dataset itself, kept under their own URI: followed.
# (A distribution's data service is a package of its own, compared on its own.)
FOLLOWED = {DCAT.distribution, DCTERMS.spatial}
NUMERIC = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.long, XSD.int, XSD.double,
           XSD.float}
MAX_DEPTH = 4
FORMAT_PREDICATES = (DCTERMS.format, DCAT.mediaType, DCAT.compressFormat)
# Deprecated properties DCAT-AP-SE still reads, compared as what replaced them.
CURRENT_PREDICATE = {OWL.versionInfo: DCAT.version, SCHEMA.startDate: DCAT.startDate, SCHEMA.endDate: DCAT.endDate}
MEDIA_TYPE = "media type"


def _plain(value) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None


def _value(predicate, obj) -> str:
    if isinstance(obj, Literal):
        text = str(obj).strip()
        if obj.datatype in NUMERIC:
            try:
                return "number:" + str(Decimal(text).normalize())
            except InvalidOperation:
                return "number:" + text
        if obj.datatype == XSD.hexBinary or predicate == SPDX.checksumValue:
            return "hex:" + text.lower()
        if obj.datatype is not None and obj.datatype != RDF.langString:
            return f"{text}^^{obj.datatype}"
        return f"{text}@{(obj.language or DEFAULT_LANGUAGE).split('-')[0].lower()}"
    if predicate == DCTERMS.license:
        return licenses.canonical_license_uri(str(obj)) or current_uri(str(obj))
    return current_uri(str(obj))


def statements(graph: Graph, root) -> set[tuple[tuple, str]]:
    """(path of predicates, value) of everything said from `root`."""
    found: set[tuple[tuple, str]] = set()

    def walk(node, path: tuple, depth: int, seen: frozenset) -> None:
        # Under a distribution's URI the step's last value is the URI; a blank one has none.
        distribution = DCAT.distribution in path[-2:]
        if distribution:
            # Its format, in either style, is the media type it names.
            media_type = formats.media_type_from_rdf(*(_plain(graph.value(node, p)) for p in FORMAT_PREDICATES))
            if media_type:
                found.add((path + (MEDIA_TYPE,), media_type))
        for predicate, obj in graph.predicate_objects(node):
            if distribution and predicate in FORMAT_PREDICATES:
                continue
            predicate = CURRENT_PREDICATE.get(predicate, predicate)
            here = path + (predicate,)
            if predicate in AGENTS:
                found.add((here, "*"))
                continue
            follow = isinstance(obj, BNode) or predicate in MINTED or predicate in FOLLOWED
            if predicate in MINTED or isinstance(obj, BNode):
                found.add((here, "*"))
            else:
                found.add((here, _value(predicate, obj)))
            if follow and depth < MAX_DEPTH and obj not in seen:
                # A followed node under its own URI is named by the step.
                step = here if (predicate in MINTED or isinstance(obj, BNode)) else here + (_value(predicate, obj),)
                walk(obj, step, depth + 1, seen | {obj})

    walk(root, (), 0, frozenset({root}))
    return found


def _short(graph: Graph, term: Any) -> str:
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 (an IRI rdflib cannot shorten is shown whole)
            return f"<{term}>"
    return str(term)


def describe(graph: Graph, path: tuple, value: str) -> str:
    steps = " › ".join(_short(graph, step) if isinstance(step, URIRef) else f"<{step}>" for step in path)
    return f"{steps}: {value}"


def node_value(predicate, node) -> str:
    """How a followed node under its own URI is named in a path."""
    return _value(predicate, node)


def link(path: tuple, uri: str) -> tuple[tuple, str]:
    """A statement linking to another package by its URI."""
    return path, current_uri(uri)


def not_kept(source: Graph, ref, dataset_dict: dict[str, Any], links: Iterable[tuple[tuple, str]] = ()) -> list[str]:
    """What the source says of the dataset `ref` that the portal's
    serialisation of `dataset_dict` does not, as readable lines. `links`:
    the statements linking it to other packages that are kept though the
    document writes them only between packages it holds (a series'
    membership, a service's served datasets, a distribution's service:
    dcat/series.py, dcat/services.py), made with `link`."""
    from ckanext.gbgopendata.dcat.catalogue import Assembler

    ours_ref, ours = Assembler().dataset_graph(dataset_dict)
    theirs = statements(source, ref)
    kept = statements(ours, ours_ref) | set(links)
    missing = sorted(theirs - kept, key=lambda item: (len(item[0]), [str(s) for s in item[0]], item[1]))
    return [describe(source, path, value) for path, value in missing]

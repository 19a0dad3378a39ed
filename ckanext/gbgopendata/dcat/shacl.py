"""SHACL validation of DCAT-AP-SE documents with two shape sets:

- `se`: our DCAT-AP-SE 3.0.1 shapes (shapes/dcat-ap-se.ttl, written from
  DIGG's templates and code lists; DIGG publishes none);
- `eu`: SEMIC's DCAT-AP 3.0.1 shapes (dcat-ap-SHACL.ttl and ranges.ttl),
  read at run time from `ckanext.gbgopendata.shacl_dir` or ../shared/shacl
  (never copied into the project).

SEMIC's range shapes check classes closed-world ("value does not have class
skos:Concept"). For `eu` the document is validated as a harvester's
validator does (SEMIC's loads the vocabularies beside the data): exactly as
served, with the vocabularies as pyshacl's separate ontology graph and no
inference. That graph holds facts of the vocabularies only: the concepts of
ours typed as in the EU vocabularies (so a value outside them still fails)
and the subclass axioms of vcard, FOAF, ODRS, DCMI terms and DCAT 3
(dcat:DatasetSeries), which SHACL's
class check follows. It holds no rdfs:range axioms: a landing page is a
foaf:Document, a standard a dct:Standard, only when the document says so
(the profile types them).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from ckanext.gbgopendata import settings
from ckanext.gbgopendata.vocabularies import get_vocabulary

SH = Namespace("http://www.w3.org/ns/shacl#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ODRS = Namespace("http://schema.theodi.org/odrs#")
SHAPES_DIR = Path(__file__).with_name("shapes")
SHACL_DIR_OPTION = settings.SHACL_DIR
SHAPE_SETS = ("se", "eu")
# The project checkout's sibling ../shared/shacl (ckanext/gbgopendata/dcat -> project -> ..).
DEFAULT_SHACL_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "shacl"

# vocabulary -> (the class DCAT-AP's ranges ask for, the EU concept scheme)
VOCABULARY_CLASSES = {
    "data-theme": (SKOS.Concept, "http://publications.europa.eu/resource/authority/data-theme"),
    "access-right": (DCTERMS.RightsStatement, "http://publications.europa.eu/resource/authority/access-right"),
    "frequency": (DCTERMS.Frequency, "http://publications.europa.eu/resource/authority/frequency"),
    "language": (DCTERMS.LinguisticSystem, "http://publications.europa.eu/resource/authority/language"),
    "distribution-status": (SKOS.Concept, "http://publications.europa.eu/resource/authority/distribution-status"),
    "planned-availability": (SKOS.Concept, "http://publications.europa.eu/resource/authority/planned-availability"),
    "hvd-category": (SKOS.Concept, "http://data.europa.eu/bna/asd487ae75"),
    "publisher-type": (SKOS.Concept, "http://purl.org/adms/publishertype/1.0"),
    "spatial": (DCTERMS.Location, None),
}
SPDX = Namespace("http://spdx.org/rdf/terms#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
# Facts of the vocabularies we use: SPDX's SHA-1, the HVD regulation, the
# EU data-theme scheme, the ADMS licence types of our licence register.
FACTS = [
    (SPDX.checksumAlgorithm_sha1, SPDX.ChecksumAlgorithm),
    (URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj"), ELI.LegalResource),
    (URIRef("http://publications.europa.eu/resource/authority/data-theme"), SKOS.ConceptScheme),
]
SUBCLASSES = [
    (VCARD.Organization, VCARD.Kind),
    (VCARD.Individual, VCARD.Kind),
    (FOAF.Organization, FOAF.Agent),
    (FOAF.Person, FOAF.Agent),
    (ODRS.RightsStatement, DCTERMS.RightsStatement),
    (DCTERMS.MediaType, DCTERMS.MediaTypeOrExtent),
    # W3C DCAT 3: a dataset series is a dataset (the catalogue's dcat:dataset names it).
    (URIRef("http://www.w3.org/ns/dcat#DatasetSeries"), URIRef("http://www.w3.org/ns/dcat#Dataset")),
]


@dataclass(frozen=True)
class Result:
    shapes: str
    severity: str
    focus: str
    path: str
    value: str
    message: str

    def line(self) -> str:
        value = f" value={self.value}" if self.value else ""
        return f"[{self.shapes}] {self.severity}: {self.focus} {self.path}{value}: {self.message}"


class ShapesNotFound(Exception):
    pass


def shacl_dir() -> Path:
    configured = settings.current().shacl_dir
    return Path(configured) if configured else DEFAULT_SHACL_DIR


@functools.cache
def se_shapes() -> Graph:
    return Graph().parse(SHAPES_DIR / "dcat-ap-se.ttl", format="turtle")


@functools.cache
def _eu_shapes(directory: str) -> Graph:
    folder = Path(directory) / "dcat-ap-3.0.1"
    files = [folder / "dcat-ap-SHACL.ttl", folder / "ranges.ttl"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ShapesNotFound(
            f"SEMIC's DCAT-AP 3.0.1 shapes not found: {', '.join(missing)} (set {SHACL_DIR_OPTION})"
        )
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    # As published, some sh:property links point at property shapes without
    # sh:path, which pyshacl refuses (../shared/shacl/README.md): drop them.
    for shape, link, prop in list(graph.triples((None, SH.property, None))):
        if (prop, SH.path, None) not in graph:
            graph.remove((shape, link, prop))
    return graph


def eu_shapes() -> Graph:
    return _eu_shapes(str(shacl_dir()))


@functools.cache
def vocabulary_ontology() -> Graph:
    graph = Graph()
    for subclass, superclass in SUBCLASSES:
        graph.add((subclass, RDFS.subClassOf, superclass))
    for name, (cls, scheme) in VOCABULARY_CLASSES.items():
        for term in get_vocabulary(name):
            concept = URIRef(term.uri)
            graph.add((concept, RDF.type, cls))
            graph.add((concept, RDF.type, SKOS.Concept))
            # SEMIC's shapes want a label on every concept; the EU tables have ours.
            graph.add((concept, SKOS.prefLabel, Literal(term.label_sv, lang="sv")))
            graph.add((concept, SKOS.prefLabel, Literal(term.label_en, lang="en")))
            if scheme:
                graph.add((concept, SKOS.inScheme, URIRef(scheme)))
    for individual, cls in FACTS:
        graph.add((individual, RDF.type, cls))
    themes = URIRef("http://publications.europa.eu/resource/authority/data-theme")
    graph.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))
    graph.add((themes, DCTERMS.title, Literal("Datatema", lang="sv")))
    from ckanext.gbgopendata import licenses

    for licence in licenses.register():
        for licence_type in licence.licence_types:
            graph.add((URIRef(licence_type), RDF.type, SKOS.Concept))
            graph.add((URIRef(licence_type), SKOS.prefLabel, Literal(licence_type.rsplit("/", 1)[-1], lang="en")))
    # The concepts are the vocabularies' individuals: pyshacl copies an
    # ontology graph's classes and axioms into the data it validates, and its
    # individuals only when they are declared owl:NamedIndividual.
    for individual in set(graph.subjects(RDF.type, None)):
        graph.add((individual, RDF.type, OWL.NamedIndividual))
    return graph


def _results(shapes_name: str, report: Graph) -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        def value(predicate):
            found = report.value(node, predicate)
            return "" if found is None else str(found)

        severity = value(SH.resultSeverity).rsplit("#", 1)[-1]
        results.append(Result(shapes_name, severity, value(SH.focusNode), value(SH.resultPath),
                              value(SH.value), value(SH.resultMessage)))
    return sorted(results, key=lambda r: (r.severity, r.focus, r.path, r.message))


def validate(data: Graph, shapes: str = "all") -> list[Result]:
    """Every result (violations, warnings, infos) of the chosen shape sets."""
    import pyshacl

    chosen = SHAPE_SETS if shapes == "all" else (shapes,)
    results = []
    for name in chosen:
        if name == "se":
            _conforms, report, _text = pyshacl.validate(data, shacl_graph=se_shapes(), inference="none")
        else:
            # Only the vocabularies' facts about what the document uses: the
            # other concepts are no part of it. pyshacl mixes them into a copy.
            used = set(data.objects()) | set(data.predicates())
            ontology = Graph()
            for triple in vocabulary_ontology():
                if triple[0] in used:
                    ontology.add(triple)
            _conforms, report, _text = pyshacl.validate(data, shacl_graph=eu_shapes(), ont_graph=ontology,
                                                        inference="none")
        results.extend(_results(name, report))
    return results


def violations(results: list[Result]) -> list[Result]:
    return [result for result in results if result.severity == "Violation"]


def parse_document(text: str, content_type: str | None = None, name: str | None = None) -> Graph:
    """A document in RDF/XML, Turtle or JSON-LD, by content type or name,
    else whichever parses."""
    hints = {"rdf+xml": "xml", "xml": "xml", "turtle": "turtle", "ttl": "turtle", "json": "json-ld", "jsonld": "json-ld"}
    order = []
    for hint in (content_type or "", (name or "").rsplit(".", 1)[-1]):
        for key, fmt in hints.items():
            if key in hint.lower() and fmt not in order:
                order.append(fmt)
    order += [fmt for fmt in ("xml", "turtle", "json-ld") if fmt not in order]
    errors = []
    for fmt in order:
        try:
            return Graph().parse(data=text, format=fmt)
        except Exception as error:  # each rdflib parser raises its own kind
            errors.append(f"{fmt}: {error}")
    raise ValueError("Not RDF/XML, Turtle or JSON-LD: " + "; ".join(errors))

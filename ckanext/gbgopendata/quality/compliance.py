"""The MQA's DCAT-AP compliance indicator (eu variant): one dataset's own
graph (as Assembler.dataset_graph gives it: the dataset, its distributions
and the shared nodes it names) validated with SEMIC's DCAT-AP 3.0.1 shapes
exactly as dcat/shacl.py validates the whole document (the vocabularies as
pyshacl's ontology graph, no inference).

The shapes and the vocabularies are parsed once per process (shacl.py's
caches), so a check costs only pyshacl's run on the dataset's small graph.
"""
from __future__ import annotations

from ckanext.gbgopendata.dcat import shacl
from ckanext.gbgopendata.quality.scoring import Compliance


def check(graph) -> Compliance:
    """Compliance(checked=True, violations=(lines…)), or checked=False when
    SEMIC's shapes are not there (never a guess)."""
    try:
        shacl.eu_shapes()
    except shacl.ShapesNotFound:
        return Compliance(checked=False)
    results = shacl.violations(shacl.validate(graph, "eu"))
    return Compliance(checked=True, violations=tuple(result.line() for result in results))

"""The MQA score of one dataset, computed on its DCAT-AP-SE graph (what a
harvester receives), in two variants. Pure: no CKAN, request or database.

INTERFACE (skeleton; the implementation fills it in):

    score(graph, dataset_uri, *, variant, links, compliance) -> Score
    link_urls(graph, dataset_uri) -> set[str]       # accessURL and downloadURL values
    rating(total) -> str                            # excellent | good | sufficient | bad
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Mapping

VARIANTS = ("eu", "se")  # data.europa.eu, Sveriges dataportal
RATINGS = ("excellent", "good", "sufficient", "bad")

# Indicator states
MET = "met"
UNMET = "unmet"
UNCHECKED = "unchecked"  # a link not checked yet, compliance not validated: never a guess


@dataclass(frozen=True)
class LinkCheck:
    """The stored result of one link check (quality/links.py)."""

    url: str
    ok: bool | None  # None: not checked yet
    status: int | None = None  # the final HTTP status
    outcome: str | None = None  # ok | http_error | timeout | refused | dns | not_allowed | invalid | error
    checked_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Compliance:
    """The DCAT-AP SHACL validation of the dataset's own output (eu variant)."""

    checked: bool  # False: the shapes were not available
    violations: tuple[str, ...] = ()  # one line per violation (focus, path, message)

    @property
    def conforms(self) -> bool:
        return self.checked and not self.violations


@dataclass(frozen=True)
class IndicatorResult:
    key: str  # e.g. "keyword", "access_url_status" (quality/indicators.py)
    dimension: str  # findability | accessibility | interoperability | reusability | contextuality
    points: int  # awarded
    maximum: int
    state: str  # MET | UNMET | UNCHECKED
    field: str | None  # the form field that raises it ("resources.download_url" for a distribution's)
    distribution: str | None = None  # the distribution scored (its CKAN id), for distribution-level indicators


@dataclass(frozen=True)
class Score:
    variant: str
    total: int
    maximum: int  # 405 (eu) or 375 (se: no compliance indicator)
    rating: str
    dimensions: tuple[tuple[str, int, int], ...]  # (dimension, points, maximum), in MQA's order
    indicators: tuple[IndicatorResult, ...] = field(default_factory=tuple)

    def improvements(self) -> list[IndicatorResult]:
        """What raises the score: indicators not met, most points first."""
        return sorted((i for i in self.indicators if i.state != MET), key=lambda i: (-(i.maximum - i.points), i.key))


def rating(total: int) -> str:
    # provisional: replaced by the scoring branch
    return "excellent" if total >= 351 else "good" if total >= 221 else "sufficient" if total >= 121 else "bad"


def link_urls(graph, dataset_uri) -> set[str]:
    # provisional: replaced by the scoring branch
    from rdflib import URIRef
    from rdflib.namespace import DCAT

    urls = set()
    for distribution in graph.objects(URIRef(str(dataset_uri)), DCAT.distribution):
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            urls.update(str(url) for url in graph.objects(distribution, predicate))
    return urls


def score(graph, dataset_uri, *, variant: str, links: Mapping[str, LinkCheck], compliance: Compliance | None) -> Score:
    # provisional: replaced by the scoring branch (a few indicators only,
    # enough for the kept score's tests; the best distribution by its points)
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS

    ref = URIRef(str(dataset_uri))
    results = [
        IndicatorResult("keyword", "findability", *(_has(graph, ref, DCAT.keyword, 30)), "tags_translated"),
        IndicatorResult("theme", "findability", *(_has(graph, ref, DCAT.theme, 30)), "theme"),
        IndicatorResult("temporal", "findability", *(_has(graph, ref, DCTERMS.temporal, 20)), "temporal_start"),
        IndicatorResult("access_rights", "reusability", *(_has(graph, ref, DCTERMS.accessRights, 10)), "access_rights"),
    ]
    best: list[IndicatorResult] = []
    for distribution in sorted(graph.objects(ref, DCAT.distribution), key=str):
        resource_id = str(distribution).rsplit("/", 1)[-1]
        access = [str(url) for url in graph.objects(distribution, DCAT.accessURL)]
        check = links.get(access[0]) if access else None
        ok = check.ok if check is not None else None
        status = (50, 50, MET) if ok else (0, 50, UNCHECKED if ok is None and access else UNMET)
        candidate = [
            IndicatorResult("access_url_status", "accessibility", *status, "resources.url", resource_id),
            IndicatorResult("download_url", "accessibility", *(_has(graph, distribution, DCAT.downloadURL, 20)),
                            "resources.download_url", resource_id),
        ]
        if not best or sum(i.points for i in candidate) > sum(i.points for i in best):
            best = candidate
    if not best:
        best = [IndicatorResult("access_url_status", "accessibility", 0, 50, UNMET, "resources.url"),
                IndicatorResult("download_url", "accessibility", 0, 20, UNMET, "resources.download_url")]
    results += best
    if variant == "eu":
        state = UNCHECKED if compliance is None or not compliance.checked else MET if compliance.conforms else UNMET
        results.append(IndicatorResult("dcat_ap_compliance", "interoperability", 30 if state == MET else 0, 30, state, None))
    dimensions = []
    for dimension in ("findability", "accessibility", "interoperability", "reusability", "contextuality"):
        mine = [i for i in results if i.dimension == dimension]
        dimensions.append((dimension, sum(i.points for i in mine), sum(i.maximum for i in mine)))
    total = sum(i.points for i in results)
    return Score(variant, total, sum(i.maximum for i in results), rating(total), tuple(dimensions), tuple(results))


def _has(graph, subject, predicate, points: int) -> tuple[int, int, str]:
    # provisional: replaced by the scoring branch
    present = next(iter(graph.objects(subject, predicate)), None) is not None
    return (points if present else 0), points, (MET if present else UNMET)

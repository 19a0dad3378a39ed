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
    raise NotImplementedError


def link_urls(graph, dataset_uri) -> set[str]:
    raise NotImplementedError


def score(graph, dataset_uri, *, variant: str, links: Mapping[str, LinkCheck], compliance: Compliance | None) -> Score:
    raise NotImplementedError

"""The MQA score of one dataset, computed on its DCAT-AP-SE graph (what a
harvester receives), in two variants. Pure: no CKAN, request or database.

    score(graph, dataset_uri, *, variant, links, compliance) -> Score
    link_urls(graph, dataset_uri) -> set[str]       # accessURL and downloadURL values
    rating(total) -> str                            # excellent | good | sufficient | bad
    Score.as_dict() / Score.from_dict(d)            # JSON-able, for JSONB

Variants: `eu` (data.europa.eu: 405 points, DCAT-AP compliance from the
SHACL validation the caller did, `compliance`) and `se` (Sveriges
dataportal: no compliance indicator, 375; an IANA media type counts where an
EU file type is asked: in dcat:mediaType, as an IANA URI in dct:format or as
DIGG's literal `text/csv` in dct:format, mapped to its EU file type by
dcat/formats.py EU_FILE_TYPES for the non-proprietary and machine-readable
lists; the seven CC licence URIs DCAT-AP-SE names count as a licence from
the vocabulary).

The rule for several distributions is data.europa.eu's: each
distribution-level indicator is scored on the one best distribution, the
one with the most distribution-level points in that variant (links as
checked), ties broken by the smaller distribution URI; every
distribution-level result names it. A dataset with no distribution gets 0
for every distribution-level indicator. A distribution's dct:issued and
dct:modified fall back to the dataset's.

Links: `links[url].ok` True gives the points, False 0 (unmet), None or no
entry 0 with the state UNCHECKED ("not checked yet"): never a guess. A
distribution with several access URLs needs all of them answering. No
compliance, or compliance not checked: UNCHECKED.

Ratings (sum of points): excellent >= 351, good 221-350, sufficient
121-220, bad <= 120. The sources disagree on 120 (mqa-scoring-api: bad
0-120; piveau's concepts: enough 120-220, bad < 120): we follow
mqa-scoring-api, the code that computes the rating, so 120 is bad.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
import re
from typing import Any, Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from ckanext.gbgopendata.dcat import formats
from ckanext.gbgopendata.quality import indicators
from ckanext.gbgopendata.quality.indicators import DATASET, DISTRIBUTION

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

    def indicator(self, key: str) -> IndicatorResult:
        for result in self.indicators:
            if result.key == key:
                return result
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able (for a JSONB column); from_dict gives the Score back."""
        return {
            "variant": self.variant,
            "total": self.total,
            "maximum": self.maximum,
            "rating": self.rating,
            "dimensions": [{"key": key, "points": points, "maximum": maximum}
                           for key, points, maximum in self.dimensions],
            "indicators": [{"key": i.key, "dimension": i.dimension, "points": i.points, "maximum": i.maximum,
                            "state": i.state, "field": i.field, "distribution": i.distribution}
                           for i in self.indicators],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Score":
        return cls(
            variant=data["variant"],
            total=data["total"],
            maximum=data["maximum"],
            rating=data["rating"],
            dimensions=tuple((d["key"], d["points"], d["maximum"]) for d in data["dimensions"]),
            indicators=tuple(IndicatorResult(i["key"], i["dimension"], i["points"], i["maximum"], i["state"],
                                             i["field"], i.get("distribution")) for i in data["indicators"]),
        )




def rating(total: int) -> str:
    """excellent >= 351, good 221-350, sufficient 121-220, bad <= 120."""
    if total >= 351:
        return "excellent"
    if total >= 221:
        return "good"
    if total >= 121:
        return "sufficient"
    return "bad"


def _distributions(graph, dataset) -> list[URIRef]:
    return sorted(graph.objects(dataset, DCAT.distribution), key=str)


def link_urls(graph, dataset_uri) -> set[str]:
    """Every dcat:accessURL and dcat:downloadURL of the dataset's distributions."""
    dataset = URIRef(str(dataset_uri))
    return {
        str(url)
        for distribution in _distributions(graph, dataset)
        for predicate in (DCAT.accessURL, DCAT.downloadURL)
        for url in graph.objects(distribution, predicate)
    }


def distribution_id(uri) -> str:
    """A distribution's CKAN id, from the URI ckanext-dcat gives it
    (<site>/dataset/<id>/resource/<id>); the URI itself otherwise."""
    text = str(uri)
    if "/resource/" in text:
        return text.rsplit("/resource/", 1)[1].strip("/")
    return text


# IANA's top-level media types (RFC 6838 and its registry).
_MEDIA_TYPE = re.compile(r"^(application|audio|font|example|image|message|model|multipart|text|video)/[\w.+-]+$")
_FILE_TYPE_CODE = re.compile(r"^[A-Z0-9_]+$")


def _file_type_code(value) -> str | None:
    text = str(value)
    if isinstance(value, URIRef) and text.startswith(indicators.FILE_TYPE):
        code = text[len(indicators.FILE_TYPE):]
        return code if _FILE_TYPE_CODE.match(code) else None
    return None


def _iana_media_type(value) -> str | None:
    """The media type an IANA URI or a literal (DIGG's `text/csv`) names."""
    text = str(value).strip()
    if isinstance(value, URIRef):
        for base in indicators.IANA_MEDIA_TYPES:
            if text.startswith(base):
                text = text[len(base):]
                break
        else:
            return None
    elif not isinstance(value, Literal):
        return None
    media_type = formats.bare(text)
    return media_type if _MEDIA_TYPE.match(media_type) else None


class _Distribution:
    """What a distribution says, as the indicators ask it."""

    def __init__(self, graph, uri, dataset, variant: str) -> None:
        self.graph, self.uri, self.variant = graph, uri, variant
        self.formats = list(graph.objects(uri, DCTERMS.format))
        self.media_types = list(graph.objects(uri, DCAT.mediaType))
        self.dataset = dataset

    def has(self, predicate, fallback: bool = False) -> bool:
        if (self.uri, predicate, None) in self.graph:
            return True
        return fallback and (self.dataset, predicate, None) in self.graph

    def file_types(self) -> set[str]:
        """The EU file-type codes of its format: dct:format's EU URI, and for
        se an IANA media type anywhere mapped by formats.EU_FILE_TYPES."""
        codes = {code for code in map(_file_type_code, self.formats) if code}
        if self.variant == "se":
            for value in self.formats + self.media_types:
                media_type = _iana_media_type(value)
                if media_type:
                    inner, _zipped = formats.split_zip(media_type)
                    code = formats.EU_FILE_TYPES.get(inner)
                    if code:
                        codes.add(code)
        return codes

    def format_from_vocabulary(self) -> bool:
        if any(_file_type_code(value) for value in self.formats):
            return True
        if any(isinstance(value, URIRef) and _iana_media_type(value) for value in self.media_types):
            return True
        return self.variant == "se" and any(_iana_media_type(value) for value in self.formats)

    def licence_from_vocabulary(self) -> bool:
        known = indicators.edp_licences()
        for licence in self.graph.objects(self.uri, DCTERMS.license):
            text = str(licence)
            if text in known or text.startswith(indicators.LICENCE_NAL):
                return True
            if self.variant == "se" and text in indicators.DCAT_AP_SE_LICENCES:
                return True
        return False

    def links(self, predicate, links: Mapping[str, LinkCheck]) -> str:
        urls = [str(url) for url in self.graph.objects(self.uri, predicate)]
        if not urls:
            return UNMET
        checks = [links.get(url) for url in urls]
        if any(check is not None and check.ok is False for check in checks):
            return UNMET
        if all(check is not None and check.ok is True for check in checks):
            return MET
        return UNCHECKED

    def state(self, key: str, links: Mapping[str, LinkCheck]) -> str:
        met = None
        if key == "access_url_status":
            return self.links(DCAT.accessURL, links)
        if key == "download_url_status":
            return self.links(DCAT.downloadURL, links)
        if key == "download_url":
            met = self.has(DCAT.downloadURL)
        elif key == "format":
            met = bool(self.formats)
        elif key == "media_type":
            met = bool(self.media_types)
        elif key == "format_vocabulary":
            met = self.format_from_vocabulary()
        elif key == "non_proprietary":
            met = bool(self.file_types() & indicators.non_proprietary_file_types())
        elif key == "machine_readable":
            met = bool(self.file_types() & indicators.machine_readable_file_types())
        elif key == "license":
            met = self.has(DCTERMS.license)
        elif key == "license_vocabulary":
            met = self.licence_from_vocabulary()
        elif key == "rights":
            met = self.has(DCTERMS.rights)
        elif key == "byte_size":
            met = self.has(DCAT.byteSize)
        elif key == "issued":
            met = self.has(DCTERMS.issued, fallback=True)
        elif key == "modified":
            met = self.has(DCTERMS.modified, fallback=True)
        else:
            raise KeyError(key)
        return MET if met else UNMET


def _dataset_state(graph, dataset, indicator, compliance: Compliance | None) -> str:
    if indicator.key == "dcat_ap_compliance":
        if compliance is None or not compliance.checked:
            return UNCHECKED
        return MET if compliance.conforms else UNMET
    if indicator.key == "access_rights_vocabulary":
        met = any(isinstance(value, URIRef) and str(value).startswith(indicators.ACCESS_RIGHT_NAL)
                  for value in graph.objects(dataset, DCTERMS.accessRights))
    else:
        met = (dataset, URIRef(indicator.predicate), None) in graph
    return MET if met else UNMET


def _result(indicator, state: str, distribution: str | None = None) -> IndicatorResult:
    return IndicatorResult(indicator.key, indicator.dimension, indicator.points if state == MET else 0,
                           indicator.points, state, indicator.field, distribution)


def score(graph, dataset_uri, *, variant: str, links: Mapping[str, LinkCheck], compliance: Compliance | None) -> Score:
    """The dataset's MQA score in one variant (eu | se)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    dataset = URIRef(str(dataset_uri))
    chosen = indicators.of_variant(variant)
    dataset_level = [i for i in chosen if i.entity == DATASET]
    distribution_level = [i for i in chosen if i.entity == DISTRIBUTION]

    by_key = {i.key: _result(i, _dataset_state(graph, dataset, i, compliance)) for i in dataset_level}
    candidates = []
    for uri in _distributions(graph, dataset):
        distribution = _Distribution(graph, uri, dataset, variant)
        results = [_result(i, distribution.state(i.key, links), distribution_id(uri)) for i in distribution_level]
        candidates.append((-sum(r.points for r in results), str(uri), results))
    if candidates:
        best = min(candidates, key=lambda c: (c[0], c[1]))[2]
    else:
        best = [_result(i, UNMET) for i in distribution_level]
    by_key.update((r.key, r) for r in best)

    results = tuple(by_key[i.key] for i in chosen)
    dimensions = tuple(
        (dimension, sum(r.points for r in results if r.dimension == dimension), indicators.maximum(variant, dimension))
        for dimension in indicators.DIMENSIONS
    )
    total = sum(r.points for r in results)
    return Score(variant, total, indicators.maximum(variant), rating(total), dimensions, results)

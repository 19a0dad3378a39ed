"""Each dataset's metadata quality, kept beside its DCAT fragment.

- **One graph.** A dataset's score is computed on the graph of the dataset
  as the open catalogue would show it (no internal field), whatever its
  privacy: the publisher sees the score of a private draft too. The dataset
  job builds the fragment and the score from the same graph
  (`dcat.kept.rebuild(ids, derived=Rebuilder())`); `/datasets/dcat`'s own
  refresh does not score (its read path stays fast).
- **Rebuilt exactly when an input changes.** A record is stale when it is
  missing, when its `source_modified` is not the dataset's
  `metadata_modified`, when its stamp is not `stamp()` (QUALITY_VERSION and
  the fragments' stamp), or when one of its URLs has a link check newer
  than the record. `show` rebuilds a stale record inline; `rescore_urls`
  (after link checks) rescores the datasets naming a checked URL; a
  summary rebuilds up to SUMMARY_INLINE_LIMIT stale records and leaves the
  rest to `jobs.refresh_quality`.

Output shape of `show` (= gbg_quality_show; `preview` the same, with
"preview": true), texts in the request's language:

    {"package_id", "built_at", "current": bool,
     "variants": {"eu"|"se": {"total", "maximum", "rating", "rating_label",
                              "dimensions": [{"key", "label", "points", "maximum"}],
                              "indicators": [{"key", "label", "dimension", "points", "maximum",
                                              "state", "field", "distribution"}]}},
     "improvements": [{"key", "label", "advice", "gain": {"eu": n, "se": n}, "field", "distribution"}],
     "links": [{"url", "ok", "status", "outcome", "checked_at"}],
     "compliance": {"checked": bool, "violations": [str]}}
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert

from ckan import model
from ckan.plugins import toolkit

from ckanext.gbgopendata import dataset_types, languages
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.messages import render
from ckanext.gbgopendata.dcat.kept import as_timestamp
from ckanext.gbgopendata.quality import compliance as compliance_check
from ckanext.gbgopendata.quality import indicators, links, scoring
from ckanext.gbgopendata.quality.scoring import Compliance, IndicatorResult, LinkCheck, Score

log = logging.getLogger(__name__)

# Raise when the scoring's output changes: every record is rebuilt.
QUALITY_VERSION = "2026-12-10.1"
# Stale records a summary rebuilds within its request; more are left to a job.
SUMMARY_INLINE_LIMIT = 50
WEAKEST = 20  # datasets the summary lists as the weakest
HISTOGRAM_BUCKET = 25  # points per bar of the summary's histogram
BATCH = 100  # records a transaction

table = gbg_model.quality


def stamp() -> str:
    """The scoring's version and everything the dataset's graph depends on."""
    from ckanext.gbgopendata.dcat import kept as dcat_kept

    return hashlib.sha1(f"{QUALITY_VERSION}\x1f{dcat_kept.stamp()}".encode("utf-8")).hexdigest()


# --- building ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """Both variants' scores of one dataset and what they were built from."""

    package_id: str
    source_modified: datetime.datetime | None
    scores: dict[str, Score]  # variant -> Score
    compliance: Compliance
    links: dict[str, LinkCheck]  # url -> the check the score used
    built_at: datetime.datetime

    @property
    def urls(self) -> list[str]:
        return sorted(self.links)

    def result(self) -> dict[str, Any]:
        """The JSON kept in the record's `result` column."""
        return {
            "scores": {variant: _score_as_dict(score) for variant, score in self.scores.items()},
            "compliance": {"checked": self.compliance.checked, "violations": list(self.compliance.violations)},
            "links": [_link_as_dict(self.links[url]) for url in self.urls],
        }


def _score_as_dict(score: Score) -> dict[str, Any]:
    return {
        "variant": score.variant, "total": score.total, "maximum": score.maximum, "rating": score.rating,
        "dimensions": [list(dimension) for dimension in score.dimensions],
        "indicators": [dataclasses.asdict(indicator) for indicator in score.indicators],
    }


def _score_from_dict(data: dict[str, Any]) -> Score:
    return Score(
        variant=data["variant"], total=data["total"], maximum=data["maximum"], rating=data["rating"],
        dimensions=tuple(tuple(dimension) for dimension in data["dimensions"]),
        indicators=tuple(IndicatorResult(**indicator) for indicator in data["indicators"]),
    )


def _link_as_dict(check: LinkCheck) -> dict[str, Any]:
    return {"url": check.url, "ok": check.ok, "status": check.status, "outcome": check.outcome,
            "checked_at": check.checked_at.isoformat() if check.checked_at else None}


def build(dataset_dict: dict[str, Any], graph: Any, ref: Any) -> Record:
    """The record of a dataset (package_show's output) from its DCAT-AP-SE
    graph: compliance checked once for both variants, the stored link checks
    of its URLs."""
    checked = compliance_check.check(graph)
    link_checks = dict(links.results(scoring.link_urls(graph, ref)))
    scores = {
        variant: scoring.score(graph, ref, variant=variant, links=link_checks, compliance=checked)
        for variant in scoring.VARIANTS
    }
    return Record(
        package_id=dataset_dict.get("id"),
        source_modified=as_timestamp(dataset_dict.get("metadata_modified")),
        scores=scores,
        compliance=checked,
        links=link_checks,
        built_at=gbg_model._now(),
    )


_INSERT = insert(table)
_UPSERT = _INSERT.on_conflict_do_update(
    index_elements=["package_id"],
    set_={column.name: _INSERT.excluded[column.name] for column in table.c if column.name != "package_id"},
)


def store(records: Sequence[Record], built_stamp: str | None = None) -> None:
    """Writes records in the current transaction (one statement)."""
    if not records:
        return
    built_stamp = built_stamp or stamp()
    model.Session.execute(_UPSERT, [
        {
            "package_id": record.package_id,
            "source_modified": record.source_modified,
            "stamp": built_stamp,
            "eu_total": record.scores["eu"].total,
            "se_total": record.scores["se"].total,
            "eu_rating": record.scores["eu"].rating,
            "se_rating": record.scores["se"].rating,
            "result": record.result(),
            "urls": record.urls,
            "built_at": record.built_at,
        }
        for record in records
    ])


def _kept_for(dataset_dict: dict[str, Any]) -> bool:
    """A score is kept for a dataset under the rule that is not deleted (a
    draft too: its publisher sees it while editing); a deleted one names no
    link to check."""
    return dataset_dict.get("type") in dataset_types.types_under_the_rule() and dataset_dict.get("state") != "deleted"


class Rebuilder:
    """The records built from the graphs `dcat.kept.rebuild` builds the
    fragments from (its `derived`); `urls` are every URL they name."""

    def __init__(self) -> None:
        self.stamp = stamp()
        self.pending: list[Record] = []
        self.urls: set[str] = set()
        self.built: list[str] = []

    def add(self, dataset_dict: dict[str, Any], ref: Any, graph: Any) -> None:
        if not _kept_for(dataset_dict):
            return
        record = build(dataset_dict, graph, ref)
        self.pending.append(record)
        self.urls.update(record.urls)

    def store(self) -> None:
        store(self.pending, self.stamp)
        self.built.extend(record.package_id for record in self.pending)
        self.pending = []


def _stored(package_id: str) -> dict[str, Any] | None:
    from ckanext.gbgopendata.dcat import kept as dcat_kept

    return dcat_kept._stored(package_id)


def rebuild(package_ids: Iterable[str]) -> int:
    """Scores (both variants) of these datasets rebuilt and stored, each
    from its own graph (no fragment: for datasets whose fragment is current
    or that the open catalogue does not show); committed a hundred at a time."""
    from ckanext.gbgopendata.dcat import catalogue
    from ckanext.gbgopendata.dcat import kept as dcat_kept

    assembler = catalogue.Assembler()
    rebuilder = Rebuilder()
    for package_id in package_ids:
        dataset_dict = _stored(package_id)
        if dataset_dict is not None:
            rebuilder.add(dataset_dict, *dcat_kept.dataset_graph(dataset_dict, assembler))
        if len(rebuilder.pending) >= BATCH:
            rebuilder.store()
            model.Session.commit()
    rebuilder.store()
    model.Session.commit()
    return len(rebuilder.built)


# --- staleness -----------------------------------------------------------------------------


def _scoped(organization_id: str | None = None, scope: str = "all") -> Any:
    """The datasets a quality is kept for: every active dataset of a type
    under the rule ("all"), or those the open catalogue may show ("open")."""
    from ckanext.gbgopendata.dcat import kept as dcat_kept

    package = model.package_table
    if scope == "open":
        condition = sa.and_(dcat_kept.candidates(), sa.exists(
            sa.select(sa.literal(1)).where(
                dcat_kept.fragment_table.c.package_id == package.c.id, dcat_kept.fragment_table.c.meets_rule,
            )
        ))
    else:
        condition = sa.and_(package.c.state == "active",
                            package.c.type.in_(dataset_types.types_under_the_rule() or ["-"]))
    if organization_id is not None:
        condition = sa.and_(condition, package.c.owner_org == organization_id)
    return condition


def _is_stale(current_stamp: str) -> Any:
    package = model.package_table
    check = gbg_model.link_check
    return sa.or_(
        table.c.package_id.is_(None),
        table.c.source_modified.is_distinct_from(package.c.metadata_modified),
        table.c.stamp != current_stamp,
        sa.exists(sa.select(sa.literal(1)).where(
            check.c.url == sa.any_(table.c.urls), check.c.checked_at > table.c.built_at,
        )),
    )


def stale(package_ids: Sequence[str] | None = None, *, organization_id: str | None = None,
          scope: str = "all", limit: int | None = None, everything: bool = False) -> list[str]:
    """Datasets (of `package_ids`, or of the scope) whose record is stale
    (`everything`: whether stale or not)."""
    package = model.package_table
    condition = _scoped(organization_id, scope)
    if package_ids is not None:
        condition = sa.and_(condition, package.c.id.in_(list(package_ids)))
    query = (
        sa.select(package.c.id)
        .select_from(package.outerjoin(table, table.c.package_id == package.c.id))
        .where(condition, sa.true() if everything else _is_stale(stamp()))
        .order_by(package.c.metadata_modified.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [row[0] for row in model.Session.execute(query)]


def datasets_of_organization(organization_id: str) -> list[str]:
    """The organisation's datasets a quality is kept for."""
    package = model.package_table
    return [row[0] for row in model.Session.execute(sa.select(package.c.id).where(_scoped(organization_id, "all")))]


def rescore_urls(urls: Iterable[str]) -> int:
    """After link checks: the datasets naming one of these URLs rescored."""
    urls = sorted({url for url in urls if isinstance(url, str)})
    if not urls:
        return 0
    named = sa.bindparam("urls", urls, type_=sa.ARRAY(sa.UnicodeText))
    ids = [row[0] for row in model.Session.execute(
        sa.select(table.c.package_id).where(table.c.urls.op("&&")(named)).order_by(table.c.package_id)
    )]
    return rebuild(ids)


# --- reading -------------------------------------------------------------------------------


# The texts of quality/indicators.py, by what they name.
_TEXTS = {
    "label": lambda key: indicators.BY_KEY[key].label,
    "advice": lambda key: indicators.BY_KEY[key].advice,
    "dimension_label": lambda key: indicators.DIMENSION_LABELS[key],
    "rating_label": lambda key: indicators.RATING_LABELS[key],
}


def _render_text(source: str, key: str, lang: str) -> str:
    """An indicator's label or advice, a dimension's or a rating's label, in `lang`."""
    return render(_TEXTS[source](key), lang)


def _variant_view(score: Score, lang: str) -> dict[str, Any]:
    return {
        "total": score.total,
        "maximum": score.maximum,
        "rating": score.rating,
        "rating_label": _render_text("rating_label", score.rating, lang),
        "dimensions": [
            {"key": key, "label": _render_text("dimension_label", key, lang), "points": points, "maximum": maximum}
            for key, points, maximum in score.dimensions
        ],
        "indicators": [
            {"key": i.key, "label": _render_text("label", i.key, lang), "dimension": i.dimension, "points": i.points,
             "maximum": i.maximum, "state": i.state, "field": i.field, "distribution": i.distribution}
            for i in score.indicators
        ],
    }


def _improvements(scores: dict[str, Score], lang: str) -> list[dict[str, Any]]:
    """What raises the score, in either variant: most points to gain first."""
    found: dict[tuple, dict[str, Any]] = {}
    for variant in scoring.VARIANTS:
        for indicator in scores[variant].improvements():
            entry = found.setdefault((indicator.key, indicator.distribution), {
                "key": indicator.key,
                "label": _render_text("label", indicator.key, lang),
                "advice": _render_text("advice", indicator.key, lang),
                "state": indicator.state,
                "gain": {name: 0 for name in scoring.VARIANTS},
                "field": indicator.field,
                "distribution": indicator.distribution,
            })
            entry["gain"][variant] = indicator.maximum - indicator.points
    return sorted(found.values(), key=lambda e: (-max(e["gain"].values()), -e["gain"]["se"], e["key"]))


def view(record: Record, lang: str, current: bool = True) -> dict[str, Any]:
    """The record as gbg_quality_show gives it, texts in `lang`."""
    return {
        "package_id": record.package_id,
        "built_at": record.built_at.isoformat() if record.built_at else None,
        "current": current,
        "variants": {variant: _variant_view(record.scores[variant], lang) for variant in scoring.VARIANTS},
        "improvements": _improvements(record.scores, lang),
        "links": [_link_as_dict(record.links[url]) for url in record.urls],
        "compliance": {"checked": record.compliance.checked, "violations": list(record.compliance.violations)},
    }


def _record_of_row(row: Any) -> Record:
    result = row.result
    return Record(
        package_id=row.package_id,
        source_modified=row.source_modified,
        scores={variant: _score_from_dict(data) for variant, data in result["scores"].items()},
        compliance=Compliance(result["compliance"]["checked"], tuple(result["compliance"]["violations"])),
        links={
            entry["url"]: LinkCheck(entry["url"], entry["ok"], entry["status"], entry["outcome"],
                                    as_timestamp(entry["checked_at"]))
            for entry in result["links"]
        },
        built_at=row.built_at,
    )


def stored(package_id: str) -> Record | None:
    row = model.Session.execute(sa.select(table).where(table.c.package_id == package_id)).first()
    return _record_of_row(row) if row is not None else None


def show(package_id: str, lang: str | None = None) -> dict[str, Any]:
    """The dataset's current quality (rebuilt first when stale)."""
    lang = lang or languages.request_language()
    if stale([package_id]):
        rebuild([package_id])
    record = stored(package_id)
    if record is None:  # not a dataset a quality is kept for (deleted, another type)
        raise toolkit.ObjectNotFound(toolkit._("Dataset not found"))
    return view(record, lang)


# --- the form's preview ------------------------------------------------------------------


class _WithoutDatasetLevelValidators(dict):
    """A navl schema that keeps the fields' validators and drops the
    schema's `__after` (the publication rule's validators, which belong to
    a save, not to a preview)."""

    def __setitem__(self, key, value):
        if key != "__after":
            super().__setitem__(key, value)


def _valid_part(context: dict, data: dict[str, Any], action: str) -> dict[str, Any]:
    """`data` validated through its type's schema, without the fields that
    fail (they score as missing)."""
    from ckan.lib import plugins as lib_plugins

    plugin = lib_plugins.lookup_package_plugin(data.get("type"))
    schema = plugin.create_package_schema() if action == "package_create" else plugin.update_package_schema()
    validated, errors = plugin.validate(dict(context), data, _WithoutDatasetLevelValidators(schema), action)
    for key, error in (errors or {}).items():
        if key == "resources" and isinstance(error, list) and isinstance(validated.get("resources"), list):
            for resource, resource_errors in zip(validated["resources"], error):
                for resource_key in resource_errors or {}:
                    resource.pop(resource_key, None)
        else:
            validated.pop(key, None)
    return validated


def _as_shown(context: dict, validated: dict[str, Any]) -> dict[str, Any]:
    """The validated input in package_show's shape (as the profile reads it)."""
    from ckan.lib import plugins as lib_plugins

    plugin = lib_plugins.lookup_package_plugin(validated.get("type"))
    # the show schema copies from `name` (a field no indicator reads)
    validated = {**validated, "name": validated.get("name") or "preview"}
    shown, _errors = plugin.validate(dict(context), validated, plugin.show_package_schema(), "package_show")
    return shown


def _without_bad_input(context: dict, data: dict[str, Any]) -> dict[str, Any]:
    """bad_input's checks, the refused fields dropped instead of refused."""
    from ckanext.gbgopendata.logic import bad_input

    for _attempt in range(3):
        try:
            return bad_input.check_dataset(context, data)
        except toolkit.ValidationError as error:
            refused = set(error.error_dict or {})
            if not refused & set(data):
                break
            data = {key: value for key, value in data.items() if key not in refused}
    return {key: data[key] for key in ("id", "type", "owner_org") if key in data}


def _without_missing(value: Any) -> Any:
    """navl's `missing` markers (of fields the input lacks) left out."""
    from ckan.lib.navl.dictization_functions import Missing

    if isinstance(value, dict):
        return {key: _without_missing(item) for key, item in value.items() if not isinstance(item, Missing)}
    if isinstance(value, list):
        return [_without_missing(item) for item in value if not isinstance(item, Missing)]
    return value


def preview(data_dict: dict[str, Any], context: dict | None = None, lang: str | None = None) -> dict[str, Any]:
    """The quality a dataset would have as given (package_update's input
    shape, not saved): the form's live score. Same shape as `show`, with
    "preview": true. The stored dataset's distributions are used when the
    input has none (the dataset form carries none)."""
    from ckan.lib.navl.dictization_functions import DataError

    from ckanext.gbgopendata.dcat import kept as dcat_kept

    started = time.perf_counter()
    lang = lang or languages.request_language()
    context = {"model": model, "session": model.Session, "user": (context or {}).get("user") or ""}
    given = {key: value for key, value in data_dict.items() if not key.startswith("__")}
    stored_dict = _stored(given["id"]) if isinstance(given.get("id"), str) and given["id"] else None
    if stored_dict is not None:
        given["id"] = stored_dict["id"]
        given.setdefault("type", stored_dict.get("type"))
        given.setdefault("owner_org", stored_dict.get("owner_org"))
        given.setdefault("name", stored_dict.get("name"))
        if not given.get("resources"):
            given["resources"] = stored_dict.get("resources") or []
    given.setdefault("type", "dataset")
    action = "package_update" if stored_dict is not None else "package_create"
    checked = _without_bad_input(context, given)
    try:
        shown = _as_shown(context, _valid_part(context, checked, action))
    except (DataError, KeyError, TypeError, ValueError, AttributeError):
        # a shape the schemas cannot read: nothing of it scores (a preview never fails on its input)
        log.info("quality preview: input the schema cannot read", exc_info=True)
        shown = _as_shown(context, _valid_part(context, {k: checked[k] for k in ("type", "owner_org") if k in checked},
                                               action))
    shown = _without_missing(shown)
    shown["id"] = stored_dict["id"] if stored_dict is not None else "preview"
    shown["type"] = checked.get("type")
    for number, resource in enumerate(shown.get("resources") or []):
        if not isinstance(resource.get("id"), str) or not resource["id"]:
            resource["id"] = f"preview-{number + 1}"  # a distribution not saved yet
    if stored_dict is not None:
        shown.setdefault("organization", stored_dict.get("organization"))
        shown["metadata_modified"] = stored_dict.get("metadata_modified")
    ref, graph = dcat_kept.dataset_graph(shown)
    record = build(shown, graph, ref)
    result = view(dataclasses.replace(record, package_id=stored_dict["id"] if stored_dict else None), lang)
    result["preview"] = True
    log.debug("quality preview in %.0f ms", (time.perf_counter() - started) * 1000)
    return result


# --- the catalogue's figures ---------------------------------------------------------------


def summary(organization_id: str | None = None, scope: str = "open", lang: str | None = None) -> dict[str, Any]:
    """The catalogue's (or one organisation's) figures. Stale records are
    rebuilt first, up to SUMMARY_INLINE_LIMIT; "stale" says how many were
    left (for jobs.refresh_quality)."""
    lang = lang or languages.request_language()
    if scope == "open":
        from ckanext.gbgopendata.dcat import kept as dcat_kept

        dcat_kept.refresh()  # membership needs current fragments (meets_rule)
    waiting = stale(organization_id=organization_id, scope=scope)  # ids only: cheap at 10,000
    if waiting:
        rebuild(waiting[:SUMMARY_INLINE_LIMIT])
    left = max(0, len(waiting) - SUMMARY_INLINE_LIMIT)
    package = model.package_table
    scoped = sa.select(package.c.id).where(_scoped(organization_id, scope)).subquery()
    rows = sa.select(table).join(scoped, scoped.c.id == table.c.package_id).subquery()
    datasets = model.Session.execute(sa.select(sa.func.count()).select_from(scoped)).scalar() or 0
    figures = model.Session.execute(sa.select(
        sa.func.count(),
        sa.func.avg(rows.c.eu_total), sa.func.avg(rows.c.se_total),
        sa.func.min(rows.c.eu_total), sa.func.min(rows.c.se_total),
    )).one()
    assessed = figures[0]
    result: dict[str, Any] = {
        "organization_id": organization_id,
        "scope": scope,
        "datasets": datasets,
        "assessed": assessed,
        "stale": left,
        "mean": {"eu": _rounded(figures[1]), "se": _rounded(figures[2])},
        "lowest": {"eu": figures[3], "se": figures[4]},
        "ratings": {},
        "histogram": {},
    }
    for variant in scoring.VARIANTS:
        column = rows.c[f"{variant}_rating"]
        counts = dict(model.Session.execute(sa.select(column, sa.func.count()).group_by(column)).all())
        result["ratings"][variant] = {rating: counts.get(rating, 0) for rating in scoring.RATINGS}
        total = rows.c[f"{variant}_total"]
        maximum = model.Session.execute(
            sa.select(sa.func.max(rows.c.result["scores"][variant]["maximum"].as_integer()))
        ).scalar() or 0
        bars = [0] * (maximum // HISTOGRAM_BUCKET + 1)
        for bucket, count in model.Session.execute(
            sa.select(total / HISTOGRAM_BUCKET, sa.func.count()).group_by(total / HISTOGRAM_BUCKET)
        ):
            if bucket is not None:
                bars[min(int(bucket), len(bars) - 1)] += count
        result["histogram"][variant] = bars
    result["indicators"] = _indicator_shares(rows, assessed, lang)
    result["weakest"] = _weakest(rows, lang)
    return result


def _rounded(value: Any) -> float | None:
    return round(float(value), 1) if value is not None else None


def _indicator_shares(rows: Any, assessed: int, lang: str) -> list[dict[str, Any]]:
    """Per indicator (in MQA's order, as the eu variant lists them): the
    share of the assessed datasets meeting it, per variant (one pass of the
    kept JSON in PostgreSQL)."""
    entries: dict[str, dict[str, Any]] = {}
    for variant in scoring.VARIANTS:
        element = sa.func.jsonb_array_elements(rows.c.result["scores"][variant]["indicators"]).table_valued(
            sa.column("value", postgresql.JSONB)
        ).render_derived()
        key = element.c.value["key"].astext
        query = (
            sa.select(
                key, sa.func.min(element.c.value["dimension"].astext), sa.func.max(element.c.value["maximum"].as_integer()),
                sa.func.count(sa.distinct(rows.c.package_id)).filter(element.c.value["state"].astext == scoring.MET),
            )
            .select_from(rows.join(element, sa.true()))
            .group_by(key)
        )
        for name, dimension, maximum, met in model.Session.execute(query):
            entry = entries.setdefault(name, {
                "key": name, "label": _render_text("label", name, lang), "dimension": dimension,
                "maximum": maximum, "share": {v: None for v in scoring.VARIANTS},
            })
            entry["share"][variant] = round(met / assessed, 4) if assessed else None
    dimension_order = {name: n for n, name in enumerate(
        ("findability", "accessibility", "interoperability", "reusability", "contextuality"))}
    return sorted(entries.values(), key=lambda e: (dimension_order.get(e["dimension"], 9), -(e["maximum"] or 0), e["key"]))


def _weakest(rows: Any, lang: str) -> list[dict[str, Any]]:
    package = model.package_table
    query = (
        sa.select(package.c.id, package.c.name, package.c.title, package.c.owner_org,
                  rows.c.eu_total, rows.c.se_total, rows.c.eu_rating, rows.c.se_rating)
        .join(rows, rows.c.package_id == package.c.id)
        .order_by(rows.c.eu_total, rows.c.se_total, package.c.name)
        .limit(WEAKEST)
    )
    found = model.Session.execute(query).all()
    titles = _titles([row.id for row in found], lang)
    from ckanext.gbgopendata import publishers

    organizations = publishers.organizations()
    weakest = []
    for row in found:
        organization = organizations.get(row.owner_org or "", {})
        weakest.append({
            "id": row.id, "name": row.name, "title": titles.get(row.id) or row.title or row.name,
            "organization": languages.in_language(organization.get("names"), lang) or organization.get("name"),
            "eu_total": row.eu_total, "se_total": row.se_total, "eu_rating": row.eu_rating, "se_rating": row.se_rating,
        })
    return weakest


def rows(organization_id: str | None = None, scope: str = "open", lang: str | None = None) -> list[dict[str, Any]]:
    """One entry per assessed dataset of the scope (the admin page's CSV),
    weakest first: as `summary`'s "weakest", with each indicator's points
    per variant, {"eu": {key: points}, "se": {...}}, and when it was built. Reads the records as
    kept (call `summary` first to rebuild stale ones)."""
    lang = lang or languages.request_language()
    package = model.package_table
    query = (
        sa.select(package.c.id, package.c.name, package.c.title, package.c.owner_org, table)
        .join(table, table.c.package_id == package.c.id)
        .where(_scoped(organization_id, scope))
        .order_by(table.c.eu_total, table.c.se_total, package.c.name)
    )
    found = model.Session.execute(query).all()
    titles = _titles([row.id for row in found], lang)
    from ckanext.gbgopendata import publishers

    organizations = publishers.organizations()
    entries = []
    for row in found:
        organization = organizations.get(row.owner_org or "", {})
        entries.append({
            "id": row.id, "name": row.name, "title": titles.get(row.id) or row.title or row.name,
            "organization": languages.in_language(organization.get("names"), lang) or organization.get("name"),
            "eu_total": row.eu_total, "se_total": row.se_total, "eu_rating": row.eu_rating, "se_rating": row.se_rating,
            "indicators": {
                variant: {i["key"]: i["points"] for i in row.result["scores"][variant]["indicators"]}
                for variant in scoring.VARIANTS
            },
            "built_at": row.built_at,
        })
    return entries


def _titles(package_ids: list[str], lang: str) -> dict[str, str]:
    if not package_ids:
        return {}
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(package_ids)).all()
    return {
        pkg.id: languages.in_language(languages.translations((pkg.extras or {}).get("title_translated")), lang)
        for pkg in packages
    }

"""Dataset series in DCAT-AP-SE (dcat:DatasetSeries, §2.5), both ways.

Serialising (called from the `dcat_ap_se` profile's graph_from_dataset,
after it has described the dataset):

- a series (type `dataset_series`) is typed dcat:DatasetSeries instead of
  dcat:Dataset, with the properties the profile wrote from its fields
  (title, description, publisher, contact point, keywords, theme,
  frequency, temporal and spatial coverage, applicable legislation) and its
  licence document on the series itself (it has no distributions);
- a member names its series with dcat:inSeries <the series' URI>, and only
  while the series is in the open catalogue: **the members of a private
  (or hidden) series are serialised without dcat:inSeries**, so the open
  catalogue never names a series it does not hold. A member's fragment
  (kept.py) holds the series' URI only, so it does not change when the
  series' description does; when the series is saved or deleted, its
  members' fragments are marked stale (`members_changed`), and the next
  read of the catalogue rebuilds them (at most 50).

Parsing (called from parsing.py): a dcat:DatasetSeries node becomes a
`dataset_series` dict (no distributions), a dataset's dcat:inSeries its
`in_series`, resolved by the series' URI to a series of the catalogue.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rdflib import URIRef
from rdflib.namespace import DCAT, RDF

from ckanext.gbgopendata import dataset_types, licenses

FIELD = "in_series"


# --- CKAN -> RDF ---------------------------------------------------------------------------


def _series_in_open_catalogue(series_id: Any) -> dict[str, Any] | None:
    """The series (package_show, CKAN's own read) if it is in the open catalogue."""
    from ckan.plugins import toolkit

    from ckanext.gbgopendata.logic import visibility

    if not isinstance(series_id, str) or not series_id:
        return None
    try:
        series = toolkit.get_action("package_show")({"user": "", "ignore_auth": True}, {"id": series_id})
    except toolkit.ObjectNotFound:
        return None
    if not dataset_types.is_series(series) or not visibility.in_open_catalogue(series):
        return None
    return series


def series_uri(series: dict[str, Any]) -> str:
    from ckanext.dcat.utils import dataset_uri

    return dataset_uri(series)


def describe(profile: Any, dataset_dict: dict[str, Any], ref: URIRef) -> None:
    """What the profile adds for series: see the module's docstring."""
    g = profile.g
    if dataset_types.is_series(dataset_dict):
        g.remove((ref, RDF.type, DCAT.Dataset))
        g.add((ref, RDF.type, DCAT.DatasetSeries))
        license_id = dataset_dict.get("license_id")
        licence = licenses.get_license(licenses.canonical_license_id(license_id)) if license_id else None
        if licence is not None:
            profile._licence(ref, licence.url)
        return
    series = _series_in_open_catalogue(dataset_dict.get(FIELD))
    if series is not None:
        g.add((ref, DCAT.inSeries, URIRef(series_uri(series))))


def after_change(pkg_dict: dict[str, Any]) -> None:
    """After a dataset is saved or deleted: if it is a series, its
    members' fragments are stale."""
    from ckan import model

    dataset_type = pkg_dict.get("type")
    if dataset_type is None and pkg_dict.get("id"):
        pkg = model.Package.get(pkg_dict["id"])
        dataset_type = pkg.type if pkg is not None else None
    if dataset_type == dataset_types.SERIES_TYPE and pkg_dict.get("id"):
        members_changed(pkg_dict["id"])


def members_changed(series_id: str) -> int:
    """Marks the fragments of the series' members stale (in the current
    transaction): whether they name the series depends on it."""
    from ckan import model

    from ckanext.gbgopendata import model as gbg_model
    from ckanext.gbgopendata.logic import series as series_logic

    ids = series_logic.member_ids(series_id)
    if not ids:
        return 0
    fragment = gbg_model.dcat_fragment
    return model.Session.execute(
        fragment.update().where(fragment.c.package_id.in_(ids)).values(source_modified=None)
    ).rowcount


# --- RDF -> CKAN ---------------------------------------------------------------------------


def is_series_node(graph: Any, ref: Any) -> bool:
    return (ref, RDF.type, DCAT.DatasetSeries) in graph


def series_refs(graph: Any) -> list[Any]:
    """The graph's dcat:DatasetSeries nodes: ckanext-dcat's RDFParser
    yields only dcat:Dataset subjects, so an import parses these first
    (profile.parse_dataset on each), then the datasets that name them."""
    return sorted(set(graph.subjects(RDF.type, DCAT.DatasetSeries)), key=str)


def parsed_series(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed dcat:DatasetSeries (parsing.Parser.dataset's dict) as a
    `dataset_series` dict: no distributions, only the series' fields."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_types.SERIES_TYPE) or {}
    fields = {field["field_name"] for field in schema.get("dataset_fields", [])}
    result = {key: value for key, value in data.items() if key in fields or key in ("id", "uri")}
    result["type"] = dataset_types.SERIES_TYPE
    return result


def resolve(uri: str) -> str | None:
    """The id of the catalogue's series whose URI is `uri` (the portal's
    own `<catalogue>/dataset/<id>`, or one stored with that `uri`)."""
    from ckan import model

    from ckanext.dcat.utils import catalog_uri

    from ckanext.gbgopendata.logic import source_identity

    package = model.package_table
    candidates = []
    ids = source_identity.datasets_with("uri", uri)
    if ids:
        candidates.append(package.c.id.in_(ids))
    prefix = catalog_uri().rstrip("/") + "/dataset/"
    if uri.startswith(prefix):
        reference = uri[len(prefix):]
        candidates += [package.c.id == reference, package.c.name == reference]
    if not candidates:
        return None
    row = model.Session.execute(
        sa.select(package.c.id).where(
            package.c.type == dataset_types.SERIES_TYPE, package.c.state == "active", sa.or_(*candidates)
        ).limit(1)
    ).first()
    return row[0] if row else None


def parsed_membership(graph: Any, ref: Any) -> dict[str, Any]:
    """`in_series` of a dataset node: the first dcat:inSeries that names a
    series of the catalogue ({} when none does)."""
    for uri in sorted(str(o) for o in graph.objects(ref, DCAT.inSeries) if isinstance(o, URIRef)):
        series_id = resolve(uri)
        if series_id:
            return {FIELD: series_id}
    return {}


def parse(graph: Any, ref: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Parser.dataset's dict, adapted for series and membership."""
    if is_series_node(graph, ref):
        return parsed_series(data)
    data.update(parsed_membership(graph, ref))
    return data


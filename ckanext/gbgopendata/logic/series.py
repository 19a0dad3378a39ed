"""Dataset series (dcat:DatasetSeries) in the catalogue: which series a
dataset is in (`in_series`, the series' id), checked when it is saved, and
the members of a series as a person may see them.

A dataset names at most one series of the catalogue: one that exists and
that the writer may know of (a hidden series is refused in the words of a
missing one, existence.py), that is a series (not a dataset, so no series
is in a series: a series' own schema has no `in_series`), and that has
fewer than `dataset_types.MAX_SERIES_MEMBERS` members. The series' row is
locked (`SELECT … FOR UPDATE`) while its members are counted, so two saves
cannot both take the 50th place.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.plugins import toolkit
from ckan.plugins.toolkit import _

from ckanext.gbgopendata import dataset_types
from ckanext.gbgopendata.logic.registry import validator

FIELD = "in_series"


def _in_series_column(package: sa.Table) -> Any:
    """The stored `in_series` of a package row. CKAN 2.12 keeps extras in a
    JSONB column of package; 2.11 in package_extra rows."""
    if "extras" in package.c:
        return package.c.extras[FIELD].astext
    extra = model.package_extra_table
    clauses = [extra.c.package_id == package.c.id, extra.c.key == FIELD]
    if "state" in extra.c:
        clauses.append(extra.c.state == "active")
    return sa.select(extra.c.value).where(*clauses).scalar_subquery()


def member_ids(series_id: str, *, excluding: str | None = None) -> list[str]:
    """Every dataset (active or being created) that names the series,
    whoever may see it: the limit counts them all."""
    package = model.package_table
    query = sa.select(package.c.id).where(
        package.c.state.in_(("active", "draft")),
        _in_series_column(package) == series_id,
    )
    if excluding:
        query = query.where(package.c.id != excluding)
    return [row[0] for row in model.Session.execute(query.order_by(package.c.name))]


def _lock(series_id: str) -> None:
    model.Session.execute(
        sa.select(model.package_table.c.id).where(model.package_table.c.id == series_id).with_for_update()
    )


@validator
def gbgopendata_in_series(key, data, errors, context):
    """`in_series`: the id (or name) of a series of the catalogue, stored as
    its id; see the module's docstring for what is checked."""
    from ckanext.gbgopendata.logic import existence

    value = data.get(key)
    if value is missing or value is None or value == "" or value == []:
        data.pop(key, None)
        raise StopOnError
    if not isinstance(value, str):
        errors[key].append(_("A dataset series is named by its id or name, as text"))
        raise StopOnError
    if dataset_types.is_series({"type": data.get(("type",))}):
        errors[key].append(_("A dataset series cannot be in a dataset series"))
        raise StopOnError
    pkg = existence.known_package(context, value.strip())
    # A hidden series (or dataset) is refused in the words of a missing one.
    if pkg is None:
        errors[key].append(_("No dataset series {series} exists").format(series=repr(value.strip()[:100])))
        raise StopOnError
    if pkg.type != dataset_types.SERIES_TYPE:
        errors[key].append(
            _("{dataset} is a dataset, not a dataset series: a dataset can only be in a dataset series").format(
                dataset=repr(value.strip()[:100])
            )
        )
        raise StopOnError
    _lock(pkg.id)
    this_id = data.get(("id",))
    members = member_ids(pkg.id, excluding=this_id if isinstance(this_id, str) else None)
    if len(members) >= dataset_types.MAX_SERIES_MEMBERS:
        errors[key].append(
            _(
                "The dataset series {series} already has {count} datasets, the most a series may have "
                "(DIGG's recommendations for DCAT-AP-SE)"
            ).format(series=repr(pkg.name), count=len(members))
        )
        raise StopOnError
    data[key] = pkg.id


# --- reading ---------------------------------------------------------------------------


def series_of(dataset: dict[str, Any], context: dict) -> dict[str, Any] | None:
    """The series a dataset names, as the caller may see it (package_show),
    or None (none named, one the caller may not see, or one deleted)."""
    series_id = dataset.get(FIELD)
    if not isinstance(series_id, str) or not series_id:
        return None
    try:
        series = toolkit.get_action("package_show")(dict(context), {"id": series_id})
    except (toolkit.ObjectNotFound, toolkit.NotAuthorized):
        return None
    # A deleted series (which its editors can still read) is no series to be in.
    if series.get("state") != "active" or not dataset_types.is_series(series):
        return None
    return series


def members(series: dict[str, Any], context: dict, rows: int = dataset_types.MAX_SERIES_MEMBERS) -> list[dict]:
    """The series' members the caller may see (package_search applies the
    caller's permission labels), by title."""
    from ckanext.gbgopendata.logic import search_parameters

    result = toolkit.get_action("package_search")(
        dict(context, **{search_parameters.OWN_SEARCH: True}),
        {
            "fq": f'+{FIELD}:"{series["id"]}"',
            "rows": rows,
            "sort": "title_string asc",
            "include_private": True,
        },
    )
    return result["results"]


def series_choices(user: Any) -> list[dict[str, str]]:
    """The series a dataset's form offers: those of the organisations the
    user may add datasets to, each labelled with its organisation."""
    context = {"user": getattr(user, "name", "") or ""}
    try:
        organizations = toolkit.get_action("organization_list_for_user")(dict(context), {"permission": "create_dataset"})
    except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
        return []
    if not organizations:
        return []
    titles = {org["id"]: org.get("display_name") or org.get("title") or org["name"] for org in organizations}
    package = model.package_table
    rows = model.Session.execute(
        sa.select(package.c.id, package.c.name, package.c.title, package.c.owner_org)
        .where(package.c.type == dataset_types.SERIES_TYPE, package.c.state == "active",
               package.c.owner_org.in_(list(titles)))
        .order_by(package.c.title)
    )
    return [{"value": row.id, "label": f"{row.title or row.name} ({titles[row.owner_org]})"} for row in rows]

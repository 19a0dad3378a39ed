"""What the admins see of the metadata quality (issue 19, item 4): the
catalogue's (`/ckan-admin/kvalitet`, sysadmins) and an organisation's
(`/organization/<id>/kvalitet`, its admins and sysadmins) mean score in both
variants, the share of datasets meeting each indicator by dimension, the
weakest datasets, the distribution of scores (an inline SVG drawn here, and
the same figures as a table), and each page's CSV (`…/kvalitet.csv`, one row
per dataset). The figures come from the action `gbg_quality_summary`, so
who may see them is decided there; the CSV's rows, once that has allowed
it, from `quality.kept.rows`."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from ckan import authz, model
from ckan.plugins import toolkit

from ckanext.gbgopendata import presentation
from ckanext.gbgopendata.quality import kept, scoring
from ckanext.gbgopendata.views import csv_export, quality_chart

blueprint = Blueprint("gbgopendata_quality_admin", __name__)

SCOPES = ("open", "all")
WEAKEST_SHOWN = 20
BUCKET = 25  # the summary's histogram: datasets per 25 points
MAXIMUM = {"eu": 405, "se": 375}
# The two graders' names, the same in both languages.
VARIANT_NAMES = {"eu": "data.europa.eu", "se": "Sveriges dataportal"}
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")
RATING_COLOURS = {"excellent": "#1b7837", "good": "#7fbc41", "sufficient": "#f1a340", "bad": "#d73027"}


def rating_labels() -> dict[str, str]:
    return {
        "excellent": toolkit._("Excellent"),
        "good": toolkit._("Good"),
        "sufficient": toolkit._("Sufficient"),
        "bad": toolkit._("Bad"),
    }


def dimension_labels() -> dict[str, str]:
    return {
        "findability": toolkit._("Findability"),
        "accessibility": toolkit._("Accessibility"),
        "interoperability": toolkit._("Interoperability"),
        "reusability": toolkit._("Reusability"),
        "contextuality": toolkit._("Contextuality"),
    }


def _context() -> dict[str, Any]:
    return {"user": toolkit.current_user.name if toolkit.current_user.is_authenticated else ""}


def _scope() -> str:
    # Like the publishing overview's filters: an unknown value is the default.
    scope = toolkit.request.args.get("scope")
    return scope if scope in SCOPES else "open"


def _summary(organization_id: str | None, scope: str) -> dict[str, Any]:
    data_dict: dict[str, Any] = {"scope": scope}
    if organization_id:
        data_dict["organization_id"] = organization_id
    return toolkit.get_action("gbg_quality_summary")(_context(), data_dict)


def rating_bands(maximum: int) -> list[quality_chart.Band]:
    """Each rating's range of points, as the scoring rates them."""
    labels = rating_labels()
    bands: list[quality_chart.Band] = []
    start, current = 0, scoring.rating(0)
    for points in range(1, maximum + 1):
        rated = scoring.rating(points)
        if rated != current:
            bands.append(quality_chart.Band(start, points - 1, labels[current], RATING_COLOURS[current]))
            start, current = points, rated
    bands.append(quality_chart.Band(start, maximum, labels[current], RATING_COLOURS[current]))
    return bands


def _charts(summary: dict[str, Any], chart_prefix: str) -> list[dict[str, Any]]:
    charts = []
    for variant, name in VARIANT_NAMES.items():
        counts = list(summary["histogram"][variant])
        charts.append(
            {
                "variant": variant,
                "name": name,
                "svg": quality_chart.histogram(
                    counts,
                    bucket=BUCKET,
                    bands=rating_bands(MAXIMUM[variant]),
                    chart_id=f"{chart_prefix}-{variant}",
                    title=toolkit._("Scores as {grader} grades them").format(grader=name),
                    description=toolkit._(
                        "Number of datasets per {size} points, over the ranges of the ratings."
                    ).format(size=BUCKET),
                    bar_title=lambda start, end, count: toolkit.ungettext(
                        "{start}–{end} points: {count} dataset", "{start}–{end} points: {count} datasets", count
                    ).format(start=start, end=end, count=count),
                ),
            }
        )
    return charts


def _histogram_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts' figures as a table: one row per bucket, a count per variant."""
    longest = max(len(summary["histogram"][variant]) for variant in VARIANT_NAMES)
    rows = []
    for index in range(longest):
        counts = {}
        for variant in VARIANT_NAMES:
            values = summary["histogram"][variant]
            counts[variant] = values[index] if index < len(values) else None
        rows.append({"start": index * BUCKET, "end": index * BUCKET + BUCKET - 1, "counts": counts})
    return rows


def _indicators_by_dimension(summary: dict[str, Any]) -> list[dict[str, Any]]:
    labels = dimension_labels()
    grouped = {dimension: [] for dimension in DIMENSIONS}
    for indicator in summary["indicators"]:
        grouped.setdefault(indicator["dimension"], []).append(indicator)
    return [
        {"key": dimension, "label": labels.get(dimension, dimension), "indicators": indicators}
        for dimension, indicators in grouped.items()
        if indicators
    ]


def _page(summary: dict[str, Any], template: str, scope: str, extra: dict[str, Any]):
    return toolkit.render(
        template,
        extra_vars={
            **extra,
            "summary": summary,
            "scope": scope,
            "scopes": {"open": toolkit._("Open catalogue"), "all": toolkit._("All datasets")},
            "variants": VARIANT_NAMES,
            "maximum": MAXIMUM,
            "mean_rating": {variant: scoring.rating(int(round(summary["mean"][variant] or 0))) for variant in VARIANT_NAMES},
            "ratings": rating_labels(),
            "dimensions": _indicators_by_dimension(summary),
            "weakest": summary["weakest"][:WEAKEST_SHOWN],
            "charts": _charts(summary, "gbg-quality-histogram"),
            "histogram_rows": _histogram_rows(summary),
        },
    )


def _csv(summary: dict[str, Any], rows: list[dict[str, Any]], filename: str) -> Response:
    """One row per assessed dataset, the weakest first: both totals and
    ratings, each indicator's points in both variants (empty where a
    variant has no such indicator), when it was assessed. The indicators
    and their labels are the summary's."""
    ratings = rating_labels()
    indicators = summary["indicators"]
    header = [
        toolkit._("Dataset"),
        toolkit._("Title"),
        toolkit._("Organization"),
        *[
            header.format(grader=name)
            for name in VARIANT_NAMES.values()
            for header in (toolkit._("Score, {grader}"), toolkit._("Rating, {grader}"))
        ],
        *[f"{indicator['label']}, {name}" for indicator in indicators for name in VARIANT_NAMES.values()],
        csv_export.with_time_zone(toolkit._("Assessed")),
        toolkit._("Address"),
    ]

    def points(row: dict[str, Any], key: str, variant: str) -> str:
        value = row["indicators"][variant].get(key)  # none: the variant has no such indicator
        return "" if value is None else str(value)

    return csv_export.csv_response(
        header,
        (
            [
                row["name"],
                row["title"],
                row["organization"],
                *[
                    value
                    for variant in VARIANT_NAMES
                    for value in (row[f"{variant}_total"], ratings.get(row[f"{variant}_rating"], row[f"{variant}_rating"]))
                ],
                *[points(row, indicator["key"], variant) for indicator in indicators for variant in VARIANT_NAMES],
                csv_export.local_time(row["built_at"]),
                toolkit.url_for("dataset.read", id=row["name"], _external=True),
            ]
            for row in rows
        ),
        filename,
    )


def _catalogue(as_csv: bool):
    if not (toolkit.current_user.is_authenticated and toolkit.current_user.sysadmin):
        return toolkit.abort(403, toolkit._("Only sysadmins see the whole catalogue's metadata quality"))
    scope = _scope()
    try:
        summary = _summary(None, scope)
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only sysadmins see the whole catalogue's metadata quality"))
    if as_csv:
        return _csv(summary, kept.rows(None, scope), f"kvalitet-{scope}.csv")
    return _page(summary, "gbgopendata/quality_admin/admin.html", scope, {"csv_route": "gbgopendata_quality_admin.admin_csv", "route_args": {}})


def _organization(id: str, as_csv: bool):
    group = model.Group.get(id)
    # A deleted organisation is answered as a missing one.
    if group is None or not group.is_organization or group.state != "active":
        return toolkit.abort(404, toolkit._("Organization not found"))
    scope = _scope()
    try:
        summary = _summary(group.id, scope)
    except toolkit.ObjectNotFound:  # deleted meanwhile
        return toolkit.abort(404, toolkit._("Organization not found"))
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only the organisation's admins see its metadata quality"))
    if as_csv:
        return _csv(summary, kept.rows(group.id, scope), f"kvalitet-{group.name}-{scope}.csv")
    # Its name and description in the visitor's language, as on CKAN's organisation pages.
    group_dict = presentation.organization_for_view(toolkit.get_action("organization_show")(
        {**_context(), "ignore_auth": True}, {"id": group.id, "include_datasets": False}
    ))
    return _page(
        summary,
        "gbgopendata/quality_admin/organization.html",
        scope,
        {
            "group_dict": group_dict,
            "group_type": "organization",
            "organization": group_dict,
            "csv_route": "gbgopendata_quality_admin.organization_csv",
            "route_args": {"id": group.name},
        },
    )


def admin_page():
    return _catalogue(as_csv=False)


def admin_csv():
    return _catalogue(as_csv=True)


def organization_page(id: str):
    return _organization(id, as_csv=False)


def organization_csv(id: str):
    return _organization(id, as_csv=True)


blueprint.add_url_rule("/ckan-admin/kvalitet", "admin", admin_page)
blueprint.add_url_rule("/ckan-admin/kvalitet.csv", "admin_csv", admin_csv)
blueprint.add_url_rule("/organization/<id>/kvalitet", "organization", organization_page)
blueprint.add_url_rule("/organization/<id>/kvalitet.csv", "organization_csv", organization_csv)


def gbgopendata_may_see_quality(organization_id: str) -> bool:
    """Template helper: whether the organisation's quality tab is shown
    (its admins and sysadmins: those `gbg_quality_summary` answers)."""
    user = toolkit.current_user
    if not organization_id or not user.is_authenticated:
        return False
    return bool(user.sysadmin) or authz.users_role_for_group_or_org(organization_id, user.name) == "admin"


def template_helpers() -> dict[str, Any]:
    return {"gbgopendata_may_see_quality": gbgopendata_may_see_quality}

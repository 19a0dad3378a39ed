"""Where every dataset stands in the publishing process, for the people who
run publishing: the rows of the overviews (`/organization/<name>/publicering`,
`/ckan-admin/publicering`) and of their CSV export.

Read from the model and the checklist tables in a fixed number of queries
for the whole list, whatever its length (no package_show, no lazy load per
dataset); each dataset's status is its one assessment, as everywhere else.
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

import sqlalchemy as sa
from ckan import model
from ckan.plugins import plugin_loaded

from ckanext.gbgopendata import assessment, checklist, classification, languages, licenses, publishers
from ckanext.gbgopendata import model as gbg_model
from ckanext.gbgopendata.logic import facts, save
from ckanext.gbgopendata.logic.checklist import automatic_change_text


@dataclass
class Row:
    id: str
    name: str
    title: str
    organization_id: str | None
    organization: str
    levels: dict[str, str | None]
    progress: dict[str, dict[str, int]]
    license: str
    status: str
    missing: list[str]
    # Everything is done but what only the organisation's admin confirms
    # (the information owner's approval): the admin's turn.
    awaiting_approval: bool
    changed_at: datetime.datetime | None
    changed_by: str
    phases_incomplete: set[str] = field(default_factory=set)


def _last_activities(package_ids: list[str]) -> dict[str, tuple[datetime.datetime, str | None, str | None]]:
    """The newest activity (time, user id, the reason code when its save
    made the dataset private by itself) of each dataset, in one query."""
    if not package_ids or not plugin_loaded("activity"):
        return {}
    activity = sa.table(
        "activity", sa.column("id"), sa.column("object_id"), sa.column("user_id"), sa.column("timestamp"),
        sa.column("data"),
    )
    ranked = (
        sa.select(
            activity.c.id,
            activity.c.object_id,
            activity.c.user_id,
            activity.c.timestamp,
            sa.func.row_number()
            .over(partition_by=activity.c.object_id, order_by=activity.c.timestamp.desc())
            .label("rank"),
        )
        .where(activity.c.object_id.in_(package_ids))
        .subquery()
    )
    # Only the newest activities' data is read (joined after the ranking),
    # and only where marked: the column is the whole dataset as JSON text.
    newest_data = activity.alias("newest")
    marker = f'%"{save.MADE_PRIVATE_AUTOMATICALLY}"%'
    rows = model.Session.execute(
        sa.select(
            ranked.c.object_id,
            ranked.c.user_id,
            ranked.c.timestamp,
            sa.case((newest_data.c.data.like(marker), newest_data.c.data), else_=None).label("marked"),
        )
        .join(newest_data, newest_data.c.id == ranked.c.id)
        .where(ranked.c.rank == 1)
    ).mappings()
    return {row["object_id"]: (row["timestamp"], row["user_id"], _reason_marked(row["marked"])) for row in rows}


def _reason_marked(data: str | None) -> str | None:
    if not data:
        return None
    try:
        reason = json.loads(data).get(save.MADE_PRIVATE_AUTOMATICALLY)
    except (TypeError, ValueError, AttributeError):
        return None
    return reason if isinstance(reason, str) else None


def rows(organization_ids: Iterable[str] | None = None, lang: str | None = None) -> list[Row]:
    """Every active dataset of the organisations (all organisations when
    None), newest change first."""
    lang = lang or languages.request_language()
    # Also datasets left half-created in CKAN's form (state draft): they are drafts.
    query = model.Session.query(model.Package).filter(model.Package.state.in_(("active", "draft")))
    if organization_ids is not None:
        query = query.filter(model.Package.owner_org.in_(list(organization_ids)))
    packages = facts.packages_with_resources(query)
    ids = [pkg.id for pkg in packages]
    confirmations = gbg_model.checklist_confirmations_of(ids)
    events = gbg_model.last_checklist_events(ids)
    activities = _last_activities(ids)
    rules = facts.rules()
    ratings = facts.quality_ratings_of(ids, rules)
    organizations = publishers.organizations()
    user_ids: set[str] = set()
    automatic_reasons: dict[str, str] = {}
    result = []
    for pkg in packages:
        dataset = facts.of_package(pkg)
        organization = organizations.get(pkg.owner_org or "", {})
        decided = assessment.assess(
            dataset, assessment.Facts(
                rules=rules, organization=organization, confirmations=confirmations[pkg.id], quality=ratings.get(pkg.id, {})
            )
        )
        state, status = decided.checklist, decided.status
        missing = state.incomplete_required()
        changed_at, changed_by, automatic = pkg.metadata_modified, None, None
        if pkg.id in activities:
            changed_at, changed_by, automatic = activities[pkg.id]
        event = events.get(pkg.id)
        if event and (changed_at is None or event["created_at"] > changed_at):
            changed_at, changed_by = event["created_at"], event["user_id"]
            automatic = event["reason"] if event["event"] == "unpublished_automatically" else None
        if changed_by:
            user_ids.add(changed_by)
        if automatic:
            automatic_reasons[pkg.id] = automatic
        progress = state.progress()
        licence = licenses.get_license(licenses.canonical_license_id(pkg.license_id))
        result.append(
            Row(
                id=pkg.id,
                name=pkg.name,
                title=languages.in_language(dataset.get("title_translated"), lang) or pkg.title or pkg.name,
                organization_id=pkg.owner_org,
                organization=languages.in_language(organization.get("names"), lang) or organization.get("name", ""),
                levels=classification.classification_of(dataset),
                progress=progress,
                license=licence.short_title if licence else (pkg.license_id or ""),
                status=status,
                missing=[item_state.item.id for item_state in missing],
                awaiting_approval=decided.awaiting_approval,
                changed_at=changed_at,
                changed_by=changed_by or "",
                phases_incomplete={
                    phase for phase, counts in progress.items() if counts["required_done"] < counts["required"]
                },
            )
        )
    names = {}
    if user_ids:
        names = {
            user.id: user.display_name
            for user in model.Session.query(model.User).filter(model.User.id.in_(list(user_ids)))
        }
    for row in result:
        row.changed_by = names.get(row.changed_by, "")
        if row.id in automatic_reasons:
            # The newest change is the portal's, after this person's save.
            row.changed_by = automatic_change_text(
                "unpublished_automatically", automatic_reasons[row.id], row.changed_by, lang, current=rules.checklist
            ) or row.changed_by
    result.sort(key=lambda row: row.changed_at or datetime.datetime.min, reverse=True)
    return result


# The filter of drafts whose only missing items are the admins' (the
# information owner's approval): not a status, a part of "draft".
AWAITING_APPROVAL = "awaiting_approval"


def filtered(all_rows: list[Row], status: str | None, phase: str | None) -> list[Row]:
    """The rows with that status (or awaiting approval), and/or with
    required items left in that phase."""
    selected = all_rows
    if status == AWAITING_APPROVAL:
        selected = [row for row in selected if row.awaiting_approval]
    elif status in checklist.STATUSES:
        selected = [row for row in selected if row.status == status]
    if phase:
        selected = [row for row in selected if phase in row.phases_incomplete]
    return selected


def counts(all_rows: list[Row]) -> dict[str, int]:
    totals = {status: 0 for status in (*checklist.STATUSES, AWAITING_APPROVAL)}
    for row in all_rows:
        totals[row.status] += 1
        totals[AWAITING_APPROVAL] += row.awaiting_approval
    return totals

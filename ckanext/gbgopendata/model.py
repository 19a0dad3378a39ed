"""The extension's own tables (created by its migrations:
`ckan db upgrade -p gbgopendata`, which `ckan db init` also runs)."""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ckan import model

# Our own metadata: the tables are made by the migrations, not by CKAN's
# create_all, and CKAN's test reset replaces its own metadata object.
metadata = sa.MetaData()

classification_change = sa.Table(
    "gbgopendata_classification_change",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
    sa.Column("field", sa.UnicodeText, nullable=False),
    sa.Column("old_level", sa.UnicodeText, nullable=True),
    sa.Column("new_level", sa.UnicodeText, nullable=True),
    sa.Column("user_id", sa.UnicodeText, nullable=True),
    sa.Column("changed_at", sa.DateTime, nullable=False),
)


def record_classification_changes(
    package_id: str, changes: dict[str, tuple[str | None, str | None]], user_id: str | None
) -> None:
    """Adds one row per changed level to the session of the save that
    changes them, so the record is committed, or rolled back, with it."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    for field, (old, new) in changes.items():
        model.Session.execute(
            classification_change.insert().values(
                package_id=package_id, field=field, old_level=old, new_level=new, user_id=user_id, changed_at=now
            )
        )


def classification_changes(package_id: str) -> list[dict[str, Any]]:
    """The dataset's classification changes, newest first."""
    rows = model.Session.execute(
        sa.select(classification_change)
        .where(classification_change.c.package_id == package_id)
        .order_by(classification_change.c.changed_at.desc(), classification_change.c.id.desc())
    ).mappings()
    return [
        {
            "field": row["field"],
            "old_level": row["old_level"],
            "new_level": row["new_level"],
            "user_id": row["user_id"],
            "changed_at": row["changed_at"].isoformat(),
        }
        for row in rows
    ]


def delete_classification_changes(package_id: str) -> None:
    model.Session.execute(classification_change.delete().where(classification_change.c.package_id == package_id))


# --- the publication checklist --------------------------------------------------------

# The current state of each confirmed item of a dataset: one row per item,
# so two people confirming different items never overwrite each other.
checklist_confirmation = sa.Table(
    "gbgopendata_checklist_confirmation",
    metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("item_id", sa.UnicodeText, primary_key=True),
    sa.Column("confirmed", sa.Boolean, nullable=False),
    sa.Column("comment", sa.UnicodeText, nullable=True),
    sa.Column("user_id", sa.UnicodeText, nullable=True),
    sa.Column("changed_at", sa.DateTime, nullable=False),
)

# Everything that happened to a dataset's checklist and publication: ticks,
# unticks, comments, publishing and unpublishing (also automatic).
checklist_event = sa.Table(
    "gbgopendata_checklist_event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
    sa.Column("item_id", sa.UnicodeText, nullable=True),
    sa.Column("event", sa.UnicodeText, nullable=False),
    sa.Column("comment", sa.UnicodeText, nullable=True),
    sa.Column("reason", sa.UnicodeText, nullable=True),
    sa.Column("user_id", sa.UnicodeText, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

CHECKLIST_EVENTS = (
    "confirmed", "unconfirmed", "commented", "published", "unpublished", "unpublished_automatically",
    # the information owner's approval asked for, and sent back with a comment (logic/approval.py)
    "approval_requested", "approval_returned",
)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def checklist_confirmations(package_id: str) -> dict[str, dict[str, Any]]:
    """{item id: {confirmed, comment, user_id, changed_at}} of a dataset."""
    rows = model.Session.execute(
        sa.select(checklist_confirmation).where(checklist_confirmation.c.package_id == package_id)
    ).mappings()
    return {
        row["item_id"]: {
            "confirmed": row["confirmed"],
            "comment": row["comment"],
            "user_id": row["user_id"],
            "changed_at": row["changed_at"],
        }
        for row in rows
    }


def checklist_confirmations_of(package_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """checklist_confirmations for many datasets in one query."""
    result: dict[str, dict[str, dict[str, Any]]] = {package_id: {} for package_id in package_ids}
    if not package_ids:
        return result
    rows = model.Session.execute(
        sa.select(checklist_confirmation).where(checklist_confirmation.c.package_id.in_(package_ids))
    ).mappings()
    for row in rows:
        result[row["package_id"]][row["item_id"]] = {
            "confirmed": row["confirmed"],
            "comment": row["comment"],
            "user_id": row["user_id"],
            "changed_at": row["changed_at"],
        }
    return result


def save_confirmation(package_id: str, item_id: str, confirmed: bool, comment: str | None, user_id: str | None) -> None:
    """Sets one item's state in one statement (insert or update), in the
    session of the action, so it commits or rolls back with it."""
    from sqlalchemy.dialects.postgresql import insert

    values = dict(
        package_id=package_id, item_id=item_id, confirmed=confirmed, comment=comment, user_id=user_id, changed_at=_now()
    )
    statement = insert(checklist_confirmation).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[checklist_confirmation.c.package_id, checklist_confirmation.c.item_id],
        set_={key: statement.excluded[key] for key in ("confirmed", "comment", "user_id", "changed_at")},
    )
    model.Session.execute(statement)


def record_checklist_event(
    package_id: str,
    event: str,
    user_id: str | None,
    *,
    item_id: str | None = None,
    comment: str | None = None,
    reason: str | None = None,
) -> None:
    assert event in CHECKLIST_EVENTS, event
    model.Session.execute(
        checklist_event.insert().values(
            package_id=package_id,
            item_id=item_id,
            event=event,
            comment=comment,
            reason=reason,
            user_id=user_id,
            created_at=_now(),
        )
    )


def checklist_events(package_id: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The dataset's checklist and publication history, newest first."""
    query = (
        sa.select(checklist_event)
        .where(checklist_event.c.package_id == package_id)
        .order_by(checklist_event.c.created_at.desc(), checklist_event.c.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return [dict(row) for row in model.Session.execute(query).mappings()]


def _newest_events(*conditions: Any) -> dict[str, dict[str, Any]]:
    """The newest history entry meeting `conditions` of each dataset, in one query."""
    ranked = (
        sa.select(
            checklist_event,
            sa.func.row_number()
            .over(
                partition_by=checklist_event.c.package_id,
                order_by=(checklist_event.c.created_at.desc(), checklist_event.c.id.desc()),
            )
            .label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    rows = model.Session.execute(sa.select(ranked).where(ranked.c.rank == 1)).mappings()
    return {row["package_id"]: dict(row) for row in rows}


def last_checklist_events(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The newest history entry of each dataset, in one query."""
    if not package_ids:
        return {}
    return _newest_events(checklist_event.c.package_id.in_(package_ids))


def open_approval_requests(admin_item_ids: list[str], package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """{package id: its request event} of the datasets whose newest
    approval event is a request: one not answered since (sent back, an
    admin item confirmed, or published). One query, whatever the number."""
    if not package_ids:
        return {}
    answered = sa.or_(
        checklist_event.c.event.in_(("approval_requested", "approval_returned", "published")),
        sa.and_(checklist_event.c.event == "confirmed", checklist_event.c.item_id.in_(admin_item_ids or [""])),
    )
    newest = _newest_events(answered, checklist_event.c.package_id.in_(package_ids))
    return {package_id: event for package_id, event in newest.items() if event["event"] == "approval_requested"}


def delete_checklist(package_id: str) -> None:
    model.Session.execute(checklist_confirmation.delete().where(checklist_confirmation.c.package_id == package_id))
    model.Session.execute(checklist_event.delete().where(checklist_event.c.package_id == package_id))


# --- the kept open catalogue (dcat/kept.py) -----------------------------------------------

# Each dataset's serialised DCAT-AP-SE fragment, in the three syntaxes, with
# what it was built from: the dataset's metadata_modified and the stamp of
# the profile and settings. Removed with the dataset (purge).
dcat_fragment = sa.Table(
    "gbgopendata_dcat_fragment",
    metadata,
    sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("source_modified", sa.DateTime, nullable=True),
    sa.Column("stamp", sa.UnicodeText, nullable=False),
    # The rule's standing when built (the membership query also reads the
    # dataset's state, privacy, type and confidentiality then and there).
    sa.Column("meets_rule", sa.Boolean, nullable=False),
    sa.Column("uri", sa.UnicodeText, nullable=False),
    sa.Column("digest", sa.UnicodeText, nullable=False),
    sa.Column("nodes", sa.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("xml", sa.UnicodeText, nullable=False),
    sa.Column("ttl", sa.UnicodeText, nullable=False),
    sa.Column("jsonld", sa.UnicodeText, nullable=False),
    sa.Column("built_at", sa.DateTime, nullable=False),
)

# What datasets share (publishers, creators, contact points, licence
# documents, places, standards, pages), one row per distinct description of
# a subject: the key is the digest of its triples, so a subject described
# alike by many datasets is stored once; a subject described in more than
# one way is written once per document with the union of its descriptions.
dcat_node = sa.Table(
    "gbgopendata_dcat_node",
    metadata,
    sa.Column("key", sa.UnicodeText, primary_key=True),
    sa.Column("subject", sa.UnicodeText, nullable=False, index=True),
    sa.Column("ntriples", sa.UnicodeText, nullable=False),
    sa.Column("xml", sa.UnicodeText, nullable=False),
    sa.Column("ttl", sa.UnicodeText, nullable=False),
    sa.Column("jsonld", sa.UnicodeText, nullable=False),
)

# The document's validator as last served and since when: Last-Modified
# moves whenever the document changes (also when a dataset leaves it).
dcat_document = sa.Table(
    "gbgopendata_dcat_document",
    metadata,
    sa.Column("name", sa.UnicodeText, primary_key=True),
    sa.Column("etag", sa.UnicodeText, nullable=False),
    sa.Column("since", sa.DateTime, nullable=False),
)

# Each dataset's metadata quality (quality/kept.py): both variants' scores
# and the indicators behind them, built from the dataset's DCAT-AP-SE graph
# and the link checks of its URLs; stale when the dataset, the stamp or a
# link check of one of its URLs is newer.
quality = sa.Table(
    "gbgopendata_quality",
    metadata,
    sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("source_modified", sa.DateTime, nullable=True),
    sa.Column("stamp", sa.UnicodeText, nullable=False),
    sa.Column("eu_total", sa.Integer, nullable=False),
    sa.Column("se_total", sa.Integer, nullable=False),
    sa.Column("eu_rating", sa.UnicodeText, nullable=False),
    sa.Column("se_rating", sa.UnicodeText, nullable=False),
    sa.Column("result", postgresql.JSONB, nullable=False),
    sa.Column("urls", sa.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("built_at", sa.DateTime, nullable=False),
)

# The last check of each URL a distribution names (quality/links.py).
link_check = sa.Table(
    "gbgopendata_link_check",
    metadata,
    sa.Column("url", sa.UnicodeText, primary_key=True),
    sa.Column("host", sa.UnicodeText, nullable=False, index=True),
    sa.Column("ok", sa.Boolean, nullable=True),
    sa.Column("status", sa.Integer, nullable=True),
    sa.Column("outcome", sa.UnicodeText, nullable=True),
    sa.Column("method", sa.UnicodeText, nullable=True),
    sa.Column("final_url", sa.UnicodeText, nullable=True),
    sa.Column("error", sa.UnicodeText, nullable=True),
    sa.Column("elapsed_ms", sa.Integer, nullable=True),
    sa.Column("requested_at", sa.DateTime, nullable=True),
    sa.Column("checked_at", sa.DateTime, nullable=True, index=True),
)

"""The extension's own tables (created by its migrations:
`ckan db upgrade -p gbgopendata`, which `ckan db init` also runs)."""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa

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

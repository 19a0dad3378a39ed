"""The publication checklist: each dataset's confirmed items, and the
history of every tick, untick, comment, publishing and unpublishing.

Revision ID: 0002_checklist
Revises: 0001_classification_change
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_checklist"
down_revision = "0001_classification_change"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gbgopendata_checklist_confirmation",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("item_id", sa.UnicodeText, primary_key=True),
        sa.Column("confirmed", sa.Boolean, nullable=False),
        sa.Column("comment", sa.UnicodeText, nullable=True),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("changed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "gbgopendata_checklist_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("item_id", sa.UnicodeText, nullable=True),
        sa.Column("event", sa.UnicodeText, nullable=False),
        sa.Column("comment", sa.UnicodeText, nullable=True),
        sa.Column("reason", sa.UnicodeText, nullable=True),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("gbgopendata_checklist_event")
    op.drop_table("gbgopendata_checklist_confirmation")

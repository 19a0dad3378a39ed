"""The classification change log: every change of a classification level,
with the person and the time (lowering confidentiality is a
declassification and must be traceable).

Revision ID: 0001_classification_change
Revises:
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0001_classification_change"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gbgopendata_classification_change",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("field", sa.UnicodeText, nullable=False),
        sa.Column("old_level", sa.UnicodeText, nullable=True),
        sa.Column("new_level", sa.UnicodeText, nullable=True),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("changed_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("gbgopendata_classification_change")

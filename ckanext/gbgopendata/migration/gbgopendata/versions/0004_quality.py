"""Metadata quality: each dataset's MQA score and the link checks.

Revision ID: 0004_quality
Revises: 0003_dcat_fragments
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0004_quality"
down_revision = "0003_dcat_fragments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gbgopendata_quality",
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
    op.create_index("gbgopendata_quality_urls", "gbgopendata_quality", ["urls"], postgresql_using="gin")
    op.create_table(
        "gbgopendata_link_check",
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


def downgrade():
    op.drop_table("gbgopendata_link_check")
    op.drop_index("gbgopendata_quality_urls", table_name="gbgopendata_quality")
    op.drop_table("gbgopendata_quality")

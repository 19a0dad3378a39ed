"""The kept open catalogue: each dataset's DCAT-AP-SE fragment, the shared
nodes, and the document's validator.

Revision ID: 0003_dcat_fragments
Revises: 0002_checklist
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_dcat_fragments"
down_revision = "0002_checklist"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gbgopendata_dcat_fragment",
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source_modified", sa.DateTime, nullable=True),
        sa.Column("stamp", sa.UnicodeText, nullable=False),
        sa.Column("meets_rule", sa.Boolean, nullable=False),
        sa.Column("uri", sa.UnicodeText, nullable=False),
        sa.Column("digest", sa.UnicodeText, nullable=False),
        sa.Column("nodes", sa.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("xml", sa.UnicodeText, nullable=False),
        sa.Column("ttl", sa.UnicodeText, nullable=False),
        sa.Column("jsonld", sa.UnicodeText, nullable=False),
        sa.Column("built_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "gbgopendata_dcat_node",
        sa.Column("key", sa.UnicodeText, primary_key=True),
        sa.Column("subject", sa.UnicodeText, nullable=False, index=True),
        sa.Column("ntriples", sa.UnicodeText, nullable=False),
        sa.Column("xml", sa.UnicodeText, nullable=False),
        sa.Column("ttl", sa.UnicodeText, nullable=False),
        sa.Column("jsonld", sa.UnicodeText, nullable=False),
    )
    op.create_table(
        "gbgopendata_dcat_document",
        sa.Column("name", sa.UnicodeText, primary_key=True),
        sa.Column("etag", sa.UnicodeText, nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("gbgopendata_dcat_document")
    op.drop_table("gbgopendata_dcat_node")
    op.drop_table("gbgopendata_dcat_fragment")

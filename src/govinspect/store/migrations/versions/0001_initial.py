"""Sites, scans, urls, links and findings.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("url", name="uq_sites_url"),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id", name="fk_scans_site_id_sites"), nullable=False),
        sa.Column("start_url", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("monitoring_point", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("pages_fetched", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_scans_site_id", "scans", ["site_id"])
    op.create_table(
        "urls",
        sa.Column(
            "scan_id",
            sa.Integer,
            sa.ForeignKey("scans.id", ondelete="CASCADE", name="fk_urls_scan_id_scans"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("ok", sa.Boolean),
        sa.Column("error", sa.Text),
        sa.Column("final_url", sa.Text),
        sa.Column("content_type", sa.Text),
        sa.Column("size", sa.BigInteger),
        sa.Column("elapsed_ms", sa.Float),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("facts", sa.JSON),
        sa.Column("fetched_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_urls_scan_state", "urls", ["scan_id", "state"])
    op.create_table(
        "links",
        sa.Column("scan_id", sa.Integer, primary_key=True),
        sa.Column("page_seq", sa.Integer, primary_key=True),
        sa.Column("target_seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id", "page_seq"], ["urls.scan_id", "urls.seq"], ondelete="CASCADE", name="fk_links_page"
        ),
        sa.ForeignKeyConstraint(
            ["scan_id", "target_seq"], ["urls.scan_id", "urls.seq"], ondelete="CASCADE", name="fk_links_target"
        ),
    )
    op.create_index("ix_links_scan_target", "links", ["scan_id", "target_seq"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scan_id",
            sa.Integer,
            sa.ForeignKey("scans.id", ondelete="CASCADE", name="fk_findings_scan_id_scans"),
            nullable=False,
        ),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("page", sa.Text, nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("suggestion", sa.Text),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("origin", sa.String(12), nullable=False, server_default="page"),
        sa.UniqueConstraint("scan_id", "fingerprint", name="uq_findings_scan_fingerprint"),
    )
    op.create_index("ix_findings_scan_code", "findings", ["scan_id", "code"])


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("links")
    op.drop_table("urls")
    op.drop_table("scans")
    op.drop_table("sites")

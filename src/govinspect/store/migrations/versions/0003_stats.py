"""Traffic and message statistics: log imports with per-day and per-column aggregates, message
imports and messages.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _site_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("sites.id", ondelete="CASCADE", name=f"fk_{table}_site_id_sites")


def _import_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(
        "stats_log_imports.id", ondelete="CASCADE", name=f"fk_{table}_import_id_stats_log_imports"
    )


def upgrade() -> None:
    op.create_table(
        "stats_log_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, _site_fk("stats_log_imports"), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("content_bytes", sa.BigInteger, nullable=False),
        sa.Column("line_count", sa.BigInteger, nullable=False),
        sa.Column("first_line_sha256", sa.String(64), nullable=False),
        sa.Column("skipped_lines", sa.BigInteger, nullable=False),
        sa.Column("bad_lines", sa.BigInteger, nullable=False),
        sa.Column("hits", sa.BigInteger, nullable=False),
        sa.Column("pv", sa.BigInteger, nullable=False),
        sa.Column("first_time", sa.DateTime(timezone=True)),
        sa.Column("last_time", sa.DateTime(timezone=True)),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("site_id", "content_sha256", name="uq_stats_log_imports_site_id"),
    )
    op.create_index("ix_stats_log_imports_first_line", "stats_log_imports", ["site_id", "first_line_sha256"])

    op.create_table(
        "stats_traffic_days",
        sa.Column("import_id", sa.Integer, _import_fk("stats_traffic_days"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("site_id", sa.Integer, _site_fk("stats_traffic_days"), nullable=False),
        sa.Column("hits", sa.BigInteger, nullable=False),
        sa.Column("pv", sa.BigInteger, nullable=False),
        sa.Column("visits", sa.BigInteger, nullable=False),
        sa.Column("bounces", sa.BigInteger, nullable=False),
        sa.Column("bot_hits", sa.BigInteger, nullable=False),
        sa.Column("visitor_count", sa.Integer, nullable=False),
        sa.Column("visitors", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_stats_traffic_days_site_day", "stats_traffic_days", ["site_id", "day"])

    op.create_table(
        "stats_column_days",
        sa.Column("import_id", sa.Integer, _import_fk("stats_column_days"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("path", sa.String(255), primary_key=True),
        sa.Column("site_id", sa.Integer, _site_fk("stats_column_days"), nullable=False),
        sa.Column("pv", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_stats_column_days_site_day", "stats_column_days", ["site_id", "day"])

    op.create_table(
        "stats_message_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, _site_fk("stats_message_imports"), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("rows_total", sa.Integer, nullable=False),
        sa.Column("rows_new", sa.Integer, nullable=False),
        sa.Column("rows_updated", sa.Integer, nullable=False),
        sa.Column("rows_bad", sa.Integer, nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("site_id", "content_sha256", name="uq_stats_message_imports_site_id"),
    )
    op.create_table(
        "stats_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, _site_fk("stats_messages"), nullable=False),
        sa.Column("identity", sa.String(400), nullable=False),
        sa.Column("number", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.Text),
        sa.Column("status", sa.Text),
        sa.Column("unit", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=False)),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey(
                "stats_message_imports.id", ondelete="SET NULL", name="fk_stats_messages_import_id_stats_message_imports"
            ),
        ),
        sa.UniqueConstraint("site_id", "identity", name="uq_stats_messages_site_id"),
    )
    op.create_index("ix_stats_messages_site_received", "stats_messages", ["site_id", "received_at"])


def downgrade() -> None:
    op.drop_table("stats_messages")
    op.drop_table("stats_message_imports")
    op.drop_table("stats_column_days")
    op.drop_table("stats_traffic_days")
    op.drop_table("stats_log_imports")

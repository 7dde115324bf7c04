"""Registry (units, site kind/owner/settings/scope, assignment rules), problems and their audit
trail, ignore rules, scoring judgements, availability probes and alerts.

Revision ID: 0002
Revises: 0001

Upgrades a database that already holds sites and scans: the new sites columns are nullable, so
existing rows stay valid. On SQLite the owner column gets no foreign-key constraint, because adding
one would mean rebuilding the sites table, which the scans table references.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SITE_COLUMNS = ("kind", "owner_unit_id", "settings", "scope")


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL", name="fk_units_parent_id_units")),
        sa.Column("contact", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_units_name"),
    )
    op.add_column("sites", sa.Column("kind", sa.String(16)))
    op.add_column("sites", sa.Column("owner_unit_id", sa.Integer))
    op.add_column("sites", sa.Column("settings", sa.JSON))
    op.add_column("sites", sa.Column("scope", sa.JSON))
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key("fk_sites_owner_unit_id_units", "sites", "units", ["owner_unit_id"], ["id"])

    op.create_table(
        "assignment_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "site_id",
            sa.Integer,
            sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_assignment_rules_site_id_sites"),
            nullable=False,
        ),
        sa.Column("match", sa.String(8), nullable=False),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column(
            "unit_id",
            sa.Integer,
            sa.ForeignKey("units.id", ondelete="CASCADE", name="fk_assignment_rules_unit_id_units"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("site_id", "match", "pattern", name="uq_assignment_rules_site_match_pattern"),
    )
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "site_id",
            sa.Integer,
            sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_problems_site_id_sites"),
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("page", sa.Text, nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("suggestion", sa.Text),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL", name="fk_problems_unit_id_units")),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("first_scan_id", sa.Integer, nullable=False),
        sa.Column("last_seen_scan_id", sa.Integer, nullable=False),
        sa.Column("review_scan_id", sa.Integer),
        sa.Column("closed_scan_id", sa.Integer),
        sa.Column("reopen_count", sa.Integer, nullable=False),
        sa.Column("ignore_rule_id", sa.Integer),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("site_id", "fingerprint", name="uq_problems_site_fingerprint"),
    )
    op.create_index("ix_problems_site_state", "problems", ["site_id", "state"])
    op.create_index("ix_problems_unit_id", "problems", ["unit_id"])
    op.create_table(
        "problem_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "problem_id",
            sa.Integer,
            sa.ForeignKey("problems.id", ondelete="CASCADE", name="fk_problem_events_problem_id_problems"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16)),
        sa.Column("reason", sa.Text),
        sa.Column("scan_id", sa.Integer),
        sa.Column("detail", sa.JSON),
    )
    op.create_index("ix_problem_events_problem_id", "problem_events", ["problem_id"])
    op.create_table(
        "problem_syncs",
        sa.Column("scan_id", sa.Integer, primary_key=True),
        sa.Column(
            "site_id",
            sa.Integer,
            sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_problem_syncs_site_id_sites"),
            nullable=False,
        ),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON),
    )
    op.create_index("ix_problem_syncs_site_id", "problem_syncs", ["site_id"])
    op.create_table(
        "ignore_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_ignore_rules_site_id_sites")),
        sa.Column("code", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "site_id",
            sa.Integer,
            sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_judgements_site_id_sites"),
            nullable=False,
        ),
        sa.Column("item", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(40)),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("points", sa.Float),
        sa.Column("reason", sa.Text),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_judgements_site_item", "judgements", ["site_id", "item"])
    op.create_table(
        "probes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "site_id",
            sa.Integer,
            sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_probes_site_id_sites"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("elapsed_ms", sa.Float),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_probes_site_at", "probes", ["site_id", "at"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_alerts_site_id_sites")),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("event_key", "channel", name="uq_alerts_event_key_channel"),
    )


def downgrade() -> None:
    for table in (
        "alerts",
        "probes",
        "judgements",
        "ignore_rules",
        "problem_syncs",
        "problem_events",
        "problems",
        "assignment_rules",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_sites_owner_unit_id_units", "sites", type_="foreignkey")
    for column in _SITE_COLUMNS:
        op.drop_column("sites", column)  # SQLite ≥ 3.35 drops a plain column in place
    op.drop_table("units")

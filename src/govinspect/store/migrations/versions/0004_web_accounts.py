"""Web console: accounts, API tokens, sessions, login attempts, background scan jobs, the score cache
and column trees (store/schema_web.py); two indexes on problems for the console's filters.

Revision ID: 0004
Revises: 0003

Only new tables: a database holding scans, problems and statistics upgrades without change to them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _user_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("web_users.id", ondelete="CASCADE", name=f"fk_{table}_user_id_web_users")


def _site_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("sites.id", ondelete="CASCADE", name=f"fk_{table}_site_id_sites")


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column(
            "unit_id",
            sa.Integer,
            sa.ForeignKey("units.id", ondelete="SET NULL", name="fk_web_users_unit_id_units"),
        ),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("username", name="uq_web_users_username"),
    )
    op.create_table(
        "web_api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, _user_fk("web_api_tokens"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("token_hash", name="uq_web_api_tokens_token_hash"),
    )
    op.create_index("ix_web_api_tokens_user_id", "web_api_tokens", ["user_id"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, _user_fk("web_sessions"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("ix_web_login_attempts_username_at", "web_login_attempts", ["username", "at"])
    op.create_index("ix_web_login_attempts_client_at", "web_login_attempts", ["client", "at"])
    op.create_table(
        "web_scan_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, _site_fk("web_scan_jobs"), nullable=False),
        sa.Column("scan_id", sa.Integer),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("links", sa.Integer, nullable=False),
        sa.Column("queued", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_web_scan_jobs_site_id", "web_scan_jobs", ["site_id"])
    op.create_table(
        "web_score_cache",
        sa.Column("site_id", sa.Integer, _site_fk("web_score_cache"), primary_key=True),
        sa.Column("scan_id", sa.Integer, primary_key=True),
        sa.Column("mode", sa.String(8), primary_key=True),
        sa.Column("version", sa.String(120), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("total", sa.Float),
        sa.Column("summary", sa.JSON, nullable=False),
    )


    op.create_table(
        "web_column_trees",
        sa.Column(
            "scan_id", sa.Integer,
            sa.ForeignKey("scans.id", ondelete="CASCADE", name="fk_web_column_trees_scan_id_scans"), primary_key=True,
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tree", sa.JSON, nullable=False),
    )
    # The console filters problems by code and by the date first found; without these, each such
    # list counts 200,000 rows (issue 7's performance target). Additive only: no data changes.
    op.create_index("ix_web_problems_code", "problems", ["code"])
    op.create_index("ix_web_problems_first_seen_at", "problems", ["first_seen_at"])
    op.create_index("ix_web_problems_unit_state", "problems", ["unit_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_web_problems_unit_state", table_name="problems")
    op.drop_index("ix_web_problems_first_seen_at", table_name="problems")
    op.drop_index("ix_web_problems_code", table_name="problems")
    op.drop_table("web_column_trees")
    op.drop_table("web_score_cache")
    op.drop_table("web_scan_jobs")
    op.drop_index("ix_web_login_attempts_client_at", table_name="web_login_attempts")
    op.drop_index("ix_web_login_attempts_username_at", table_name="web_login_attempts")
    op.drop_table("web_login_attempts")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_index("ix_web_api_tokens_user_id", table_name="web_api_tokens")
    op.drop_table("web_api_tokens")
    op.drop_table("web_users")

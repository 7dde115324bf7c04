"""New-media accounts and posts: the account registry and its state history, posts and messages,
required reposts (重要信息), menu links, push tokens and the import log.

Revision ID: 0005
Revises: 0004

Only new tables: existing rows of other tables stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _account_fk(name: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey("media_accounts.id", ondelete=ondelete, name=name)


def upgrade() -> None:
    op.create_table(
        "media_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("account_key", sa.Text),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL", name="fk_media_accounts_unit_id_units")),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("opened_on", sa.Date),
        sa.Column("state_since", sa.Date),
        sa.Column("filing_no", sa.Text),
        sa.Column("filed_on", sa.Date),
        sa.Column("operator", sa.Text),
        sa.Column("contact", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("feed_url", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("settings", sa.JSON),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id", ondelete="SET NULL", name="fk_media_accounts_site_id_sites")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("platform", "name", name="uq_media_accounts_platform_name"),
    )
    op.create_index("ix_media_accounts_unit_id", "media_accounts", ["unit_id"])
    op.create_table(
        "media_account_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, _account_fk("fk_media_account_states_account_id_media_accounts"), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("from_state", sa.String(12)),
        sa.Column("to_state", sa.String(12), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_media_account_states_account_id", "media_account_states", ["account_id"])
    op.create_table(
        "media_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, _account_fk("fk_media_posts_account_id_media_accounts"), nullable=False),
        sa.Column("identity", sa.String(40), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("original", sa.Boolean),
        sa.Column("origin_source", sa.Text),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("source_ref", sa.Text),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_hash", sa.String(40)),
        sa.Column("check_findings", sa.JSON),
        sa.UniqueConstraint("account_id", "identity", name="uq_media_posts_account_identity"),
    )
    op.create_index("ix_media_posts_account_published", "media_posts", ["account_id", "published_at"])
    op.create_table(
        "media_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, _account_fk("fk_media_messages_account_id_media_accounts"), nullable=False),
        sa.Column("identity", sa.String(40), nullable=False),
        sa.Column("number", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True)),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("reply", sa.Text),
        sa.Column("source_ref", sa.Text),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "identity", name="uq_media_messages_account_identity"),
    )
    op.create_table(
        "media_important",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platforms", sa.JSON),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "media_menu_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, _account_fk("fk_media_menu_links_account_id_media_accounts"), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
        sa.Column("last_ok", sa.Boolean),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("account_id", "url", name="uq_media_menu_links_account_url"),
    )
    op.create_table(
        "media_push_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_ids", sa.JSON),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("name", name="uq_media_push_tokens_name"),
        sa.UniqueConstraint("token_hash", name="uq_media_push_tokens_token_hash"),
    )
    op.create_table(
        "media_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, _account_fk("fk_media_imports_account_id_media_accounts", "SET NULL")),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("errors", sa.JSON),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
    )
    op.create_index("ix_media_imports_source", "media_imports", ["source"])


def downgrade() -> None:
    for table in (
        "media_imports",
        "media_push_tokens",
        "media_menu_links",
        "media_important",
        "media_messages",
        "media_posts",
        "media_account_states",
        "media_accounts",
    ):
        op.drop_table(table)

"""Tables of the government new-media accounts (政务新媒体): the account registry and its state
history, posts and messages from the three connectors, required reposts, menu links, push tokens and
the import log.

Declared on the same ``metadata`` as store/schema.py; migration 0005_new_media creates them.
Only govinspect.newmedia and store/newmedia_repo.py import this file.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from govinspect.store import schema_workflow as _workflow  # noqa: F401  (units: the owners' table)
from govinspect.store.schema import metadata

# 政务新媒体账号. site_id: the account's pseudo-site, which carries its scans and problems.
media_accounts = Table(
    "media_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("name", Text, nullable=False),
    Column("account_key", Text),  # the platform's own id (原始ID, UID, 微信号)
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="SET NULL")),
    Column("state", String(12), nullable=False),
    Column("opened_on", Date),
    Column("state_since", Date),
    Column("filing_no", Text),
    Column("filed_on", Date),
    Column("operator", Text),
    Column("contact", Text),
    Column("url", Text),
    Column("feed_url", Text),
    Column("note", Text),
    Column("settings", JSON),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "name", name="uq_media_accounts_platform_name"),
    Index("ix_media_accounts_unit_id", "unit_id"),
)

# Every change of an account's state, with the day it took effect (运行 → 拟注销 → 已注销 …).
media_account_states = Table(
    "media_account_states",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("media_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("from_state", String(12)),
    Column("to_state", String(12), nullable=False),
    Column("note", Text),
    Column("actor", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_media_account_states_account_id", "account_id"),
)

# One post of an account. identity: account + URL, or account + minute + title (see newmedia/ingest.py).
media_posts = Table(
    "media_posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("media_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("identity", String(40), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("url", Text),
    Column("original", Boolean),  # NULL: unknown
    Column("origin_source", Text),
    Column("source", String(8), nullable=False),  # rss | atom | excel | csv | push
    Column("source_ref", Text),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("check_hash", String(40)),  # the content the cached text findings belong to
    Column("check_findings", JSON),
    UniqueConstraint("account_id", "identity", name="uq_media_posts_account_identity"),
    Index("ix_media_posts_account_published", "account_id", "published_at"),
)

# Citizens' messages (留言/私信) to an account, from a platform export that carries them.
media_messages = Table(
    "media_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("media_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("identity", String(40), nullable=False),
    Column("number", Text),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("replied_at", DateTime(timezone=True)),
    Column("content", Text, nullable=False),
    Column("reply", Text),
    Column("source_ref", Text),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("account_id", "identity", name="uq_media_messages_account_identity"),
)

# 重要信息: items every running account must carry by a deadline (matched by title similarity).
media_important = Table(
    "media_important",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("platforms", JSON),  # NULL: the default repost platforms of checks.yaml
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# An account's menu entries (菜单栏), recorded by hand and checked like any link.
media_menu_links = Table(
    "media_menu_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("media_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("label", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("checked_at", DateTime(timezone=True)),
    Column("last_ok", Boolean),
    Column("last_status", Integer),
    Column("last_error", Text),
    UniqueConstraint("account_id", "url", name="uq_media_menu_links_account_url"),
)

# Tokens of the JSON push endpoint: only a SHA-256 of the token is kept.
media_push_tokens = Table(
    "media_push_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("account_ids", JSON),  # NULL: any account
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

# One import (feed fetch, spreadsheet, push): counts and errors; a feed's ETag for the next fetch.
media_imports = Table(
    "media_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("media_accounts.id", ondelete="SET NULL")),
    Column("kind", String(8), nullable=False),
    Column("source", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("added", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("errors", JSON),
    Column("etag", Text),
    Column("last_modified", Text),
    Index("ix_media_imports_source", "source"),
)

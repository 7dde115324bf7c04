"""Tables of the web console: accounts, API tokens, sessions, login attempts, background scans and
the cache of computed scores. Declared on the same ``metadata`` as store/schema.py; migration
0004_web_accounts creates them. Only govinspect.store.users_repo and govinspect.web use them.

Secrets are never stored: sessions and API tokens are kept as SHA-256 digests of the random value
the client holds, passwords as Argon2 hashes.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from govinspect.store.schema import metadata
from govinspect.store.schema_workflow import problems

# 账号: role is admin | supervisor | unit | readonly; a unit account sees only its unit's objects.
web_users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False, default=""),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="SET NULL")),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
)

# API tokens (Authorization: Bearer …) for a province's platform and scripts.
web_api_tokens = Table(
    "web_api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the token's first characters, to tell tokens apart
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_web_api_tokens_user_id", "user_id"),
)

# Browser sessions: id is the digest of the cookie's value; csrf_token guards every form.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_web_sessions_user_id", "user_id"),
)

# Every login attempt, for throttling (per account name and per client address) and for audit.
web_login_attempts = Table(
    "web_login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ok", Boolean, nullable=False),
    Index("ix_web_login_attempts_username_at", "username", "at"),
    Index("ix_web_login_attempts_client_at", "client", "at"),
)

# Scans started from the console, with the progress the page polls (readable by every worker).
web_scan_jobs = Table(
    "web_scan_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("scan_id", Integer),
    Column("requested_by", Text, nullable=False),
    Column("state", String(12), nullable=False),  # running | finished | failed | interrupted
    Column("pages", Integer, nullable=False, default=0),
    Column("links", Integer, nullable=False, default=0),
    Column("queued", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("message", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_web_scan_jobs_site_id", "site_id"),
)

# A site's score at one scan, as the console shows it; ``version`` says which judgements and 误报
# marks it was computed with, so a stale entry is recomputed rather than shown.
web_score_cache = Table(
    "web_score_cache",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("scan_id", Integer, primary_key=True),
    Column("mode", String(8), primary_key=True),  # now: scored at the present | point: at the scan's own time
    Column("version", String(120), nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("verdict", String(8), nullable=False),  # 合格 | 不合格 (copied out of summary for trend queries)
    Column("score", Float, nullable=False),
    Column("total", Float),
    Column("summary", JSON, nullable=False),
)

# A finished scan's column tree with each column's freshness, as the site page shows it (built once
# from the crawl's stored facts by structure.columns; a scan never changes after it finished).
web_column_trees = Table(
    "web_column_trees",
    metadata,
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("tree", JSON, nullable=False),  # a list of columns, or a string saying why there is none
)

# The console's filters on problems (created by migration 0004; declared here so the metadata says so).
Index("ix_web_problems_code", problems.c.code)
Index("ix_web_problems_first_seen_at", problems.c.first_seen_at)
Index("ix_web_problems_unit_state", problems.c.unit_id, problems.c.state)

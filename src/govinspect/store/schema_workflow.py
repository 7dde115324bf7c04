"""Tables of the registry, the rectification workflow, scoring judgements, probes and alerts.

Declared on the same ``metadata`` as store/schema.py; migration 0002_registry_workflow creates them.
Only the registry, scoring and workflow modules import this file.
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
    UniqueConstraint,
)

from govinspect.store.schema import metadata

# 责任单位, with an optional parent unit (a department under a county government, ...)
units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("parent_id", Integer, ForeignKey("units.id", ondelete="SET NULL")),
    Column("contact", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The registry's columns on the existing sites table. All nullable: `scan` registers sites
# without them, and sites stored before migration 0002 keep working.
sites_registry = Table(
    "sites",
    metadata,
    Column("kind", String(16)),  # portal | department | subsite; NULL = not classified yet
    Column("owner_unit_id", Integer, ForeignKey("units.id")),
    Column("settings", JSON),  # the site_config handed to ScanJob and the checks
    Column("scope", JSON),  # extra URL prefixes or hosts that belong to the site
    extend_existing=True,
)

# Which unit answers for a finding: by URL prefix or by column name, ordered by position.
assignment_rules = Table(
    "assignment_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("match", String(8), nullable=False),  # prefix | column
    Column("pattern", Text, nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    UniqueConstraint("site_id", "match", "pattern", name="uq_assignment_rules_site_match_pattern"),
)

# 问题: one finding followed across scans (identity = site + the finding's fingerprint).
problems = Table(
    "problems",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("code", String(40), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("page", Text, nullable=False),
    Column("target", Text),
    Column("evidence", Text),
    Column("suggestion", Text),
    Column("detail", JSON, nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="SET NULL")),
    Column("state", String(16), nullable=False),
    Column("reason", Text),  # why it is 误报 / 不予整改 (or the last manual change)
    Column("first_scan_id", Integer, nullable=False),
    Column("last_seen_scan_id", Integer, nullable=False),
    Column("review_scan_id", Integer),  # the last synced scan when it entered 待复核
    Column("closed_scan_id", Integer),  # the verifying scan
    Column("reopen_count", Integer, nullable=False, default=0),
    Column("ignore_rule_id", Integer),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    UniqueConstraint("site_id", "fingerprint", name="uq_problems_site_fingerprint"),
    Index("ix_problems_site_state", "site_id", "state"),
    Index("ix_problems_unit_id", "unit_id"),
)

# The audit trail: every change of a problem (who, when, from-state, to-state, why).
problem_events = Table(
    "problem_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("problem_id", Integer, ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_state", String(16)),
    Column("to_state", String(16)),
    Column("reason", Text),
    Column("scan_id", Integer),
    Column("detail", JSON),
    Index("ix_problem_events_problem_id", "problem_id"),
)

# Scans already turned into problems: makes sync_problems idempotent.
problem_syncs = Table(
    "problem_syncs",
    metadata,
    Column("scan_id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    Column("summary", JSON),
    Index("ix_problem_syncs_site_id", "site_id"),
)

# Patterns (globs) on code / URL / evidence that turn future matching findings into 误报.
ignore_rules = Table(
    "ignore_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE")),  # NULL: every site
    Column("code", Text),
    Column("url", Text),
    Column("evidence", Text),
    Column("reason", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

# A person's judgement on an indicator item: a candidate finding confirmed or rejected, a
# judgement-only item (no channel, no 办事服务) confirmed, or bonus/manual points awarded.
judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("item", String(32), nullable=False),
    Column("fingerprint", String(40)),  # NULL: the item as a whole
    Column("decision", String(12), nullable=False),  # confirmed | rejected
    Column("points", Float),
    Column("reason", Text),
    Column("actor", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_judgements_site_item", "site_id", "item"),
)

# One availability probe of a site's home page.
probes = Table(
    "probes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("status", Integer),
    Column("elapsed_ms", Float),
    Column("error", Text),
    Index("ix_probes_site_at", "site_id", "at"),
)

# Alerts: one row per veto-level event, so each event is sent once (with retries recorded).
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_key", String(64), nullable=False),
    Column("channel", String(16), nullable=False),  # webhook | email
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE")),
    Column("code", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    UniqueConstraint("event_key", "channel", name="uq_alerts_event_key_channel"),
)

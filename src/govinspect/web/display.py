"""How values read on the pages: labels, times, links and evidence highlighted in its context.

Everything that came from a scanned page is untrusted. These helpers return plain strings or
tuples of plain strings; the templates (autoescape on) escape them, and only the templates add
markup around them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from govinspect.findings import code_name, code_table
from govinspect.registry.model import SITE_KINDS
from govinspect.store.users_repo import ROLE_LABELS
from govinspect.workflow.clock import show
from govinspect.workflow.states import STATE_LABELS

SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
ACTION_LABELS = {
    "open": "发现",
    "state": "改变状态",
    "assign": "分配",
    "reappear": "复核未通过",
    "reopen": "重新打开",
    "auto_review": "自动转复核",
    "verify_close": "复核销号",
}
_CONTEXT_LIMIT = 400  # characters of surrounding text shown around the evidence


def state_label(state: str | None) -> str:
    return STATE_LABELS.get(state or "", state or "—")


def severity_label(severity: str | None) -> str:
    return SEVERITY_LABELS.get(severity or "", severity or "—")


def kind_label(kind: str | None) -> str:
    return SITE_KINDS.get(kind or "", "未分类")


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def when(value: datetime | None) -> str:
    return show(value)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value)) if isinstance(value, float) else str(value)


def safe_href(url: str | None) -> str | None:
    """A link target only for http(s) addresses: a scanned page could hold javascript: or data:."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def code_choices() -> list[tuple[str, str]]:
    return [(code, info.name) for code, info in code_table().items()]


def highlighted(context: str | None, evidence: str | None) -> tuple[str, str, str] | None:
    """(text before, the evidence, text after) when the evidence stands in its context, else None."""
    if not context or not evidence:
        return None
    at = context.find(evidence)
    if at < 0:
        return None
    before, after = context[:at], context[at + len(evidence) :]
    room = max(0, (_CONTEXT_LIMIT - len(evidence)) // 2)
    if len(before) > room:
        before = "…" + before[-room:]
    if len(after) > room:
        after = after[:room] + "…"
    return before, evidence, after


def detail_rows(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's detail as (key, value) rows, leaving out the context shown above it."""
    rows = []
    for key, value in detail.items():
        if key == "context":
            continue
        rows.append((str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))
    return rows


__all__ = [
    "action_label",
    "code_choices",
    "code_name",
    "detail_rows",
    "highlighted",
    "kind_label",
    "number",
    "percent",
    "role_label",
    "safe_href",
    "severity_label",
    "state_label",
    "when",
]

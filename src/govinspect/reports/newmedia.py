"""New-media accounts (政务新媒体) for the reports: how many per platform and state at a period's end.

The accounts are the new-media registry's (govinspect.newmedia, migration 0005). Where that part is
not installed, or holds no account in the report's scope, there is nothing to report (None). An
account's state at the period's end comes from its state history; accounts opened after the period
are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from govinspect.reports.scope import ReportScope, Window
from govinspect.store.db import Database


@dataclass
class NewMediaSummary:
    total: int
    platforms: list[str]  # labels, in the registry's order
    states: list[str]  # labels, in the registry's order
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (platform label, state label) → accounts

    def by_state(self) -> list[tuple[str, int]]:
        totals: Counter[str] = Counter()
        for (_, state), n in self.counts.items():
            totals[state] += n
        return [(s, totals[s]) for s in self.states if totals[s]]

    def by_platform(self) -> list[tuple[str, int]]:
        totals: Counter[str] = Counter()
        for (platform, _), n in self.counts.items():
            totals[platform] += n
        return [(p, totals[p]) for p in self.platforms if totals[p]]


def _state_at(current: str, changes: list[Any], last: date) -> str:
    before = [c for c in changes if c.on_date <= last]
    if before:
        return str(before[-1].to_state)
    if changes and changes[0].from_state:
        return str(changes[0].from_state)  # every change came later: it started from this state
    return current


def new_media_summary(db: Database, scope: ReportScope, window: Window) -> NewMediaSummary | None:
    try:
        from govinspect.newmedia.rules import platforms, states
        from govinspect.store import newmedia_repo
    except ImportError:
        return None
    try:
        accounts = newmedia_repo.list_accounts(db)
        history = newmedia_repo.state_changes(db, [a.id for a in accounts]) if accounts else []
    except SQLAlchemyError:
        return None  # a database from before the new-media tables
    if scope.unit_ids is not None:
        accounts = [a for a in accounts if a.unit_id is not None and a.unit_id in scope.unit_ids]
    accounts = [a for a in accounts if a.opened_on is None or a.opened_on <= window.last]
    if not accounts:
        return None
    changes: dict[int, list[Any]] = {}
    for change in history:
        changes.setdefault(change.account_id, []).append(change)
    platform_choices, state_choices = platforms(), states()
    counts: Counter[tuple[str, str]] = Counter()
    for account in accounts:
        state = _state_at(account.state, changes.get(account.id, []), window.last)
        counts[(platform_choices.label(account.platform), state_choices.label(state))] += 1
    platform_order = [c.label for c in platform_choices.items]
    state_order = [c.label for c in state_choices.items]
    extra_platforms = sorted({p for p, _ in counts} - set(platform_order))
    extra_states = sorted({s for _, s in counts} - set(state_order))
    return NewMediaSummary(
        total=len(accounts),
        platforms=platform_order + extra_platforms,
        states=state_order + extra_states,
        counts=dict(counts),
    )

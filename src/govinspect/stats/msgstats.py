"""Message figures of a period: received, answered, answer rate, days to answer, overdue.

Definitions (docs/stats.md):
- received: messages whose received time falls in the period;
- answered: of those, the ones answered by the reporting moment (``as_of``, by default the end of
  the period): an answer time not after it, or a status saying answered without a time;
- days to answer: calendar days from the received day to the answer day, over answered messages
  with an answer time (average and longest);
- overdue: messages received in the window before ``as_of`` (12 months), still unanswered at
  ``as_of`` and older than the limit (3 months) — the V5 rule of the national indicators;
- answered late: messages of the period answered, but after the limit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from govinspect.stats.board import messages_from_scan
from govinspect.stats.model import Message
from govinspect.stats.period import Period, add_months
from govinspect.stats.rules import message_rules
from govinspect.store import stats_repo
from govinspect.store.db import Database


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    received: int
    answered: int


@dataclass
class MessageStats:
    period: Period
    as_of: datetime
    received: int
    answered: int
    average_days: float | None
    longest_days: int | None
    timed_answers: int  # answered messages with an answer time (the basis of the day figures)
    overdue: list[Message] = field(default_factory=list)
    answered_late: int = 0
    by_unit: list[UnitFigures] = field(default_factory=list)
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)  # import | scan → messages received

    @property
    def unanswered(self) -> int:
        return self.received - self.answered

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.received if self.received else None


def _answered_by(message: Message, moment: datetime) -> bool:
    if message.answered_at is not None:
        return message.answered_at <= moment
    return message.answered


def compute_message_stats(
    messages: list[Message],
    period: Period,
    as_of: datetime | None = None,
    *,
    overdue_months: int | None = None,
    window_months: int | None = None,
) -> MessageStats:
    rules = message_rules()
    limit = overdue_months if overdue_months is not None else rules.overdue_months
    window = window_months if window_months is not None else rules.overdue_window_months
    moment = as_of or period.end_before
    in_period = [m for m in messages if period.start_at <= m.received_at < period.end_before]
    answered = [m for m in in_period if _answered_by(m, moment)]
    waits = [d for m in answered if m.answered_at is not None and (d := m.days_to_answer()) is not None]
    late = sum(
        1 for m in answered if m.answered_at is not None and m.answered_at.date() > add_months(m.received_at.date(), limit)
    )
    window_start = datetime.combine(add_months(moment.date(), -window), time.min)
    overdue = [
        m
        for m in messages
        if window_start <= m.received_at < moment
        and not _answered_by(m, moment)
        and add_months(m.received_at.date(), limit) < moment.date()
    ]
    units: dict[str, list[int]] = {}
    for m in in_period:
        figures = units.setdefault(m.unit or "（未注明）", [0, 0])
        figures[0] += 1
        figures[1] += _answered_by(m, moment)
    kinds = Counter(m.kind or "（未注明）" for m in in_period)
    return MessageStats(
        period=period,
        as_of=moment,
        received=len(in_period),
        answered=len(answered),
        average_days=sum(waits) / len(waits) if waits else None,
        longest_days=max(waits) if waits else None,
        timed_answers=len(waits),
        overdue=sorted(overdue, key=lambda m: m.received_at),
        answered_late=late,
        by_unit=[UnitFigures(u, r, a) for u, (r, a) in sorted(units.items(), key=lambda kv: (-kv[1][0], kv[0]))],
        by_kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        sources=dict(Counter(m.source for m in in_period)),
    )


def message_summary(
    db: Database,
    site_id: int,
    period: Period,
    *,
    scan_id: int | None = None,
    as_of: datetime | None = None,
    overdue_months: int | None = None,
) -> MessageStats:
    """Imported messages, plus (with ``scan_id``) the board messages no export holds."""
    rules = message_rules()
    moment = as_of or period.end_before
    window_start = datetime.combine(add_months(moment.date(), -rules.overdue_window_months), time.min)
    start = min(period.start_at, window_start)
    end = max(period.end_before, moment)
    found = stats_repo.messages_received_between(db, site_id, start, end)
    if scan_id is not None:
        found.extend(m for m in messages_from_scan(db, scan_id) if start <= m.received_at < end)
    return compute_message_stats(found, period, moment, overdue_months=overdue_months)

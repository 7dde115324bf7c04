"""Problems as a report sees them: those first found in a period, each in the state it had when the
period ended (read from the audit trail), counted per kind or per unit.

The definitions are the workflow's (workflow/rates.py): a problem belongs to the period in which it
was first found; its state at the end of the period is the target of its last event up to then
(待整改 when it has none yet); completion rate = 已销号 / (all − 误报), and 不予整改 counts in the
denominator, not as fixed. So last quarter's report does not change when work goes on today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from govinspect.reports.scope import ReportScope, Window
from govinspect.store import problems_repo
from govinspect.store.db import Database
from govinspect.store.problems_repo import Problem
from govinspect.workflow.clock import as_utc
from govinspect.workflow.rates import NO_UNIT, UnitRate
from govinspect.workflow.states import ACTIVE, CLOSED, OPEN


@dataclass(frozen=True)
class ProblemAt:
    """A problem with its state at a moment (the end of a period, or now)."""

    problem: Problem
    state: str
    closed_at: datetime | None  # when it was closed, if it was closed at that moment
    overdue: bool

    @property
    def unit(self) -> str:
        return self.problem.unit_name or NO_UNIT


def _at(problem: Problem, state: str, closed_at: datetime | None, moment: datetime) -> ProblemAt:
    overdue = state in ACTIVE and problem.deadline is not None and problem.deadline < moment
    return ProblemAt(problem=problem, state=state, closed_at=closed_at if state == CLOSED else None, overdue=overdue)


def problems_in_scope(db: Database, scope: ReportScope) -> list[Problem]:
    return [p for p in problems_repo.list_problems(db) if scope.covers_problem(p.unit_id)]


def states_at(db: Database, problems: list[Problem], moment: datetime) -> list[ProblemAt]:
    """Each problem in the state its audit trail gives at ``moment``."""
    moment = as_utc(moment)
    known = problems_repo.problem_states_at(db, [p.id for p in problems], moment)
    return [
        _at(p, known[p.id][0] if p.id in known else OPEN, known[p.id][1] if p.id in known else None, moment)
        for p in problems
    ]


def found_in(db: Database, scope: ReportScope, window: Window) -> list[ProblemAt]:
    """The scope's problems first found in the window, as they stood when it ended."""
    found = [p for p in problems_in_scope(db, scope) if window.contains(p.first_seen_at)]
    return states_at(db, found, window.end)


def current(db: Database, scope: ReportScope, now: datetime) -> list[ProblemAt]:
    """The scope's problems as they stand now (the state column of the problems table)."""
    return [_at(p, p.state, p.closed_at, as_utc(now)) for p in problems_in_scope(db, scope)]


def tally(items: Iterable[ProblemAt], key: Callable[[ProblemAt], str]) -> dict[str, UnitRate]:
    """Counts (total, 误报, 已销号, 不予整改, pending, overdue) per key, in first-seen order."""
    out: dict[str, UnitRate] = {}
    for item in items:
        name = key(item)
        out.setdefault(name, UnitRate(unit=name)).add(item.state, item.overdue)
    return out


def overall(items: Iterable[ProblemAt], label: str = "合计") -> UnitRate:
    total = UnitRate(unit=label)
    for item in items:
        total.add(item.state, item.overdue)
    return total

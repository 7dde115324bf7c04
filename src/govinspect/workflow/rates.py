"""问题处理完成率 by unit for a period: closed / (all − 误报), states as they stood at the period's end.

A problem belongs to the period in which it was first found. Its state at the end of the period
is read from the audit trail, so last quarter's rate does not change when work goes on today.
不予整改 counts in the denominator and not as closed: it is a decision, not a fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from govinspect.store import problems_repo as repo
from govinspect.store.db import Database
from govinspect.workflow.clock import as_utc
from govinspect.workflow.states import ACTIVE, CLOSED, FALSE_ALARM, OPEN, WONTFIX

NO_UNIT = "（未分配单位）"


@dataclass
class UnitRate:
    unit: str
    total: int = 0
    false_alarm: int = 0
    closed: int = 0
    wontfix: int = 0
    pending: int = 0  # 待整改、整改中、待复核
    overdue: int = 0

    @property
    def counted(self) -> int:
        return self.total - self.false_alarm

    @property
    def rate(self) -> float | None:
        return self.closed / self.counted if self.counted else None

    def add(self, state: str, overdue: bool) -> None:
        self.total += 1
        if state == FALSE_ALARM:
            self.false_alarm += 1
        elif state == CLOSED:
            self.closed += 1
        elif state == WONTFIX:
            self.wontfix += 1
        else:
            self.pending += 1
            self.overdue += 1 if overdue else 0


def rates_by_unit(
    db: Database, start: datetime, end: datetime, *, site_id: int | None = None
) -> tuple[list[UnitRate], UnitRate]:
    """Per-unit rates (sorted by unit name) and the overall row, for problems first found in [start, end)."""
    start, end = as_utc(start), as_utc(end)
    found = [p for p in repo.list_problems(db, site_id=site_id) if start <= p.first_seen_at < end]
    state_at_end = {pid: state for pid, (state, _) in repo.problem_states_at(db, [p.id for p in found], end).items()}
    rows: dict[str, UnitRate] = {}
    overall = UnitRate(unit="合计")
    for problem in found:
        state = state_at_end.get(problem.id, OPEN)
        overdue = state in ACTIVE and problem.deadline is not None and problem.deadline < end
        name = problem.unit_name or NO_UNIT
        rows.setdefault(name, UnitRate(unit=name)).add(state, overdue)
        overall.add(state, overdue)
    return sorted(rows.values(), key=lambda r: r.unit), overall

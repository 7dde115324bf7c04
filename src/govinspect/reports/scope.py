"""What a report covers: every website and problem, or (``--unit U``) one unit's sites and problems.

A unit covers itself and the units under it (a county office and its departments). Its sites are
those it runs (the registry's owner unit); its problems are those assigned to it, on whatever site
they were found — a department answers for its column on the county portal too. The pseudo-sites
of new-media accounts (where their problems are filed) are not websites: their problems count,
they do not appear among the sites.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from govinspect.registry.model import RegistryError, Site, Unit
from govinspect.reports.errors import ReportError
from govinspect.stats import period as stats_period
from govinspect.stats.errors import StatsError
from govinspect.stats.period import Period
from govinspect.store import registry_repo
from govinspect.store.db import Database
from govinspect.workflow.clock import CHINA


@dataclass(frozen=True)
class ReportScope:
    sites: tuple[Site, ...]
    unit: Unit | None = None
    unit_ids: frozenset[int] | None = None  # None: every unit (and problems with none)
    unit_names: dict[int, str] = field(default_factory=dict, compare=False)

    @property
    def site_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.sites)

    def covers_problem(self, unit_id: int | None) -> bool:
        if self.unit_ids is None:
            return True
        return unit_id is not None and unit_id in self.unit_ids

    def org_name(self, placeholder: str) -> str:
        """Who writes the report: the unit asked for, else the portal's owner, else a placeholder."""
        if self.unit is not None:
            return self.unit.name
        owners = [s.owner_name for s in self.sites if s.is_portal and s.owner_name]
        owners = owners or [s.owner_name for s in self.sites if s.owner_name]
        return owners[0] if len(set(owners)) == 1 else placeholder


def pseudo_site_prefix() -> str | None:
    """The URL prefix of the new-media accounts' pseudo-sites, when that part is installed."""
    try:
        from govinspect.newmedia.model import PSEUDO_HOST
    except ImportError:
        return None
    return str(PSEUDO_HOST)


def _subtree(units: list[Unit], root: int) -> frozenset[int]:
    children: dict[int, list[int]] = {}
    for unit in units:
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(unit.id)
    found = {root}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)


def resolve_scope(db: Database, unit_ref: str | None = None) -> ReportScope:
    units = registry_repo.list_units(db)
    names = {u.id: u.name for u in units}
    pseudo = pseudo_site_prefix()
    sites = [s for s in registry_repo.list_sites(db) if not (pseudo and s.url.startswith(pseudo))]
    if not unit_ref:
        return ReportScope(sites=tuple(sites), unit_names=names)
    try:
        unit = registry_repo.require_unit(db, unit_ref)
    except RegistryError as exc:
        raise ReportError(str(exc)) from exc
    covered = _subtree(units, unit.id)
    own = tuple(s for s in sites if s.owner_unit_id in covered)
    return ReportScope(sites=own, unit=unit, unit_ids=covered, unit_names=names)


def day_end(day: date) -> datetime:
    """The first moment after a day in China time, in UTC (how the problem tables compare)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=CHINA).astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """A reporting period: the days as people name them (the statistics' Period, China time), and
    the UTC moments the problem tables are compared with."""

    period: Period

    @property
    def first(self) -> date:
        return self.period.start

    @property
    def last(self) -> date:
        return self.period.end  # inclusive

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def start(self) -> datetime:
        return day_end(self.first - timedelta(days=1))

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return day_end(self.last)

    @property
    def days(self) -> int:
        return self.period.days

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _window(make: Callable[[], Period]) -> Window:
    try:
        return Window(make())
    except StatsError as exc:
        raise ReportError(str(exc)) from exc


def quarter_window(text: str) -> Window:
    """``2026Q2`` → April to June 2026."""
    return _window(lambda: stats_period.quarter(text))


def quarter_of(moment: datetime) -> str:
    """The quarter a moment falls in, China time, as the reports name it: 2026Q2."""
    local = moment.astimezone(CHINA) if moment.tzinfo else moment
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def month_window(text: str) -> Window:
    """``2026-05`` → May 2026."""
    return _window(lambda: stats_period.month(text))


def days_window(start: str, end: str) -> Window:
    """``2026-04-01``, ``2026-06-30`` → those days, both included."""
    return _window(lambda: stats_period.between(start, end))

from __future__ import annotations

from datetime import datetime, timedelta

from govinspect.monitor.clock import CHINA
from govinspect.monitor.schedule import MonitorSettings, next_probe, next_scan, upcoming
from govinspect.workflow.availability import availability_rules

START = datetime(2026, 6, 29, 23, 30, tzinfo=CHINA)  # a Monday night, the last day of Q2


def test_probes_spread_over_the_day_at_least_20() -> None:
    rules = availability_rules()
    assert rules.probes_per_day == 20
    at = START
    times = []
    while at < START + timedelta(days=7):
        at = next_probe(7, at, rules)
        times.append(at)
    times = [t for t in times if t < START + timedelta(days=7)]
    assert len(times) == 20 * 7
    gaps = {round((b - a).total_seconds()) for a, b in zip(times, times[1:], strict=False)}
    assert gaps == {72 * 60}  # evenly spread, also across midnight and the quarter boundary


def test_sites_have_different_phases() -> None:
    firsts = {next_probe(site, START, availability_rules()) for site in range(1, 30)}
    assert len(firsts) > 20


def test_weekly_full_and_daily_incremental() -> None:
    settings = MonitorSettings(full_weekday=6, incremental_hour=2, full_hour=1)
    at = START
    kinds = []
    for _ in range(14):
        at, kind = next_scan(3, at, settings)
        kinds.append((at.weekday(), kind))
    assert kinds.count((6, "full")) == 2
    assert all(kind == "incremental" for day, kind in kinds if day != 6)
    assert len({k for k in kinds}) == 7  # one scan a day


def test_upcoming_is_sorted() -> None:
    due = upcoming([1, 2, 3], START, MonitorSettings(), availability_rules())
    assert due == sorted(due) and len(due) == 6

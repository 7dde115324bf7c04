"""问题处理完成率 = 已销号 / (全部 − 误报), by unit, as the states stood at the period's end."""

from __future__ import annotations

from datetime import timedelta

from govinspect.findings import Finding
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow import actions
from govinspect.workflow.rates import rates_by_unit
from govinspect.workflow.sync import sync_problems
from tests.workflow.helpers import T0, store_scan

BASE = "http://127.0.0.1:8080/"
F = [Finding("typo", page=f"{BASE}jyj/{i}.html", evidence=f"错{i}") for i in range(4)]
G = Finding("typo", page=f"{BASE}other.html", evidence="错")
PAGES = [BASE, *(f.page for f in F), G.page]


def synced(db, findings, at):
    scan_id = store_scan(db, BASE, findings, at=at, pages=PAGES)
    sync_problems(db, db.scan(scan_id).site_id, scan_id, now=at)


def test_rates_by_unit_at_the_end_of_a_period(any_db):
    db = any_db
    rrepo.add_unit(db, "办公室")
    rrepo.add_unit(db, "教育局")
    site = rrepo.add_site(db, BASE, "门户", owner="办公室")
    rrepo.add_rule(db, site.id, "prefix", "/jyj/", "教育局")
    synced(db, [*F, G], T0)
    ids = {p.fingerprint: p.id for p in prepo.list_problems(db)}
    actions.change_state(db, ids[F[1].fingerprint()], "false_alarm", actor="甲", reason="引用原文", now=T0 + timedelta(hours=1))
    actions.change_state(db, ids[F[2].fingerprint()], "wontfix", actor="甲", reason="历史文件", now=T0 + timedelta(hours=1))
    synced(db, [F[1], F[2], F[3], G], T0 + timedelta(days=1))  # F0 fixed → 待复核
    synced(db, [F[1], F[2], F[3], G], T0 + timedelta(days=2))  # verified → 已销号
    end = T0 + timedelta(days=30)
    rows, overall = rates_by_unit(db, T0 - timedelta(days=1), end)
    by_unit = {r.unit: r for r in rows}
    edu = by_unit["教育局"]
    assert (edu.total, edu.false_alarm, edu.closed, edu.wontfix, edu.pending) == (4, 1, 1, 1, 1)
    assert edu.rate == 1 / 3 and edu.overdue == 1  # F3: 5 working days have long passed
    assert by_unit["办公室"].rate == 0.0
    assert (overall.total, overall.closed, overall.counted) == (5, 1, 4)
    # as of the first day's end nothing was closed yet: last period's figure does not move
    rows_then, overall_then = rates_by_unit(db, T0 - timedelta(days=1), T0 + timedelta(days=1, hours=12))
    assert overall_then.closed == 0 and overall_then.false_alarm == 1
    # problems found outside the period are not counted
    _, later = rates_by_unit(db, T0 + timedelta(days=5), end)
    assert later.total == 0 and later.rate is None

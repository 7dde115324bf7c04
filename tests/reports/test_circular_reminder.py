"""The monthly circular and the weekly reminder on the demo database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from docx import Document

from govinspect.reports.circular import competition_ranks, site_ranking, unit_ranking, write_circular
from govinspect.reports.reminder import EMPTY, NEAR, OVER, last_day_within, write_reminder
from govinspect.scoring.service import score_site
from govinspect.store import problems_repo
from govinspect.structure.config import Limit
from govinspect.workflow.clock import CHINA
from govinspect.workflow.rates import UnitRate
from tests.reports.builders import OFFICE, ReportWorld

JUNE_END = datetime(2026, 6, 30, 23, 59, 59, tzinfo=CHINA)


def _texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


# --- monthly circular --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def circular(world: ReportWorld, out_dir: Path) -> tuple[Any, Path]:
    out = out_dir / "circular.docx"
    data = write_circular(world.db, "2026-06", out, now=datetime(2026, 7, 2, 9, 0, tzinfo=CHINA))
    return data, out


def test_circular_scores_equal_the_scoring_engine(world: ReportWorld, circular: tuple[Any, Path]) -> None:
    data, out = circular
    engine = score_site(world.db, world.site_id, at=JUNE_END).result
    site = data.sites[0]
    assert (site.score, site.verdict, site.pending) == (engine.total, engine.verdict, engine.pending)
    texts = _texts(out)
    assert texts[0] == "关于2026年6月政府网站检查情况的通报"
    failed = 1 if engine.verdict == "不合格" else 0
    assert f"本月共检查政府网站1个，其中合格{1 - failed}个，不合格{failed}个。" in texts
    doc = Document(str(out))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "网站名称")
    assert table.rows[1].cells[4].text == engine.verdict


def test_circular_ranks_units_by_completion_rate(circular: tuple[Any, Path]) -> None:
    data, out = circular
    doc = Document(str(out))
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "名次" and t.rows[0].cells[1].text == "责任单位")
    shown = [(r.cells[0].text, r.cells[1].text, r.cells[5].text) for r in ranking.rows[1:]]
    rates = {u.unit: u.rate for u in data.by_unit}
    assert [name for _, name, _ in shown] == sorted(rates, key=lambda u: -(rates[u] or 0))
    assert shown[0][0] == "1" and shown[0][1] == OFFICE  # the office fixed the broken links
    assert "【待填写：其他工作要求】" in _texts(out)


def test_competition_ranking_shares_ranks() -> None:
    ranked = competition_ranks([3.0, 3.0, 2.0, 1.0], lambda v: (v,))
    assert [r for r, _ in ranked] == [1, 1, 3, 4]
    units = [UnitRate("甲", total=2, closed=1), UnitRate("乙", total=2, closed=2), UnitRate("丙", total=0)]
    assert [(r, u.unit) for r, u in unit_ranking(units)] == [(1, "乙"), (2, "甲")]  # no problems: not ranked
    sites = [SimpleNamespace(score=None, verdict="不合格", site=SimpleNamespace(id=1)),
             SimpleNamespace(score=88.0, verdict="合格", site=SimpleNamespace(id=2))]
    assert [(r, s.site.id) for r, s in site_ranking(sites)] == [(1, 2), (2, 1)]  # type: ignore[arg-type]


# --- weekly reminder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("newest", "limit"),
    [(date(2026, 6, 14), Limit(days=14)), (date(2025, 8, 31), Limit(months=6)), (date(2026, 1, 31), Limit(months=1)),
     (date(2024, 2, 29), Limit(months=12)), (date(2026, 5, 6), Limit(days=3, months=1))],
)
def test_last_day_within_is_the_stale_checks_edge(newest: date, limit: Limit) -> None:
    last = last_day_within(newest, limit)
    assert limit.cutoff(last) <= newest < limit.cutoff(last + timedelta(days=1))


def test_reminder_lists_what_the_stale_check_flags(world: ReportWorld, out_dir: Path) -> None:
    out = out_dir / "weekly.docx"
    data = write_reminder(world.db, out, now=datetime(2026, 6, 15, 23, 0, tzinfo=CHINA))
    findings = world.db.findings_of(world.scan_id)
    stale = {f.page for f in findings if f.code == "column_stale"}
    empty = {f.page for f in findings if f.code == "column_empty"}
    assert {c.url for c in data.of(OVER)} == stale  # judged on the scan's own day: the same columns
    assert {c.url for c in data.of(EMPTY)} == empty
    assert all(c.unit == OFFICE for c in data.columns)
    texts = _texts(out)
    assert texts[0] == "政府网站栏目更新工作提示（2026年6月15日）"
    assert "二、即将达到更新时限的栏目" in texts


def test_reminder_warns_before_the_limit_and_counts_days(world: ReportWorld, out_dir: Path) -> None:
    data = write_reminder(world.db, out_dir / "weekly2.docx", now=datetime(2026, 6, 26, 12, 0, tzinfo=CHINA))
    near = data.of(NEAR)
    assert near, "a column due within the next days"
    for column in near:
        assert column.due is not None and 0 <= column.days_left <= 3  # dynamic columns: 3 days' warning
        assert column.due == last_day_within(column.newest, Limit(days=14))
    later = write_reminder(world.db, out_dir / "weekly3.docx", now=datetime(2026, 7, 20, 12, 0, tzinfo=CHINA))
    assert {c.url for c in near} <= {c.url for c in later.of(OVER)}


def test_reminder_for_a_unit_without_columns_says_none(world: ReportWorld, out_dir: Path) -> None:
    out = out_dir / "weekly-edu.docx"
    data = write_reminder(world.db, out, unit="宁川县教育局", now=datetime(2026, 6, 15, 23, 0, tzinfo=CHINA))
    assert data.columns == []
    assert _texts(out).count("无。") == 4


def test_reminder_without_any_scan(world: ReportWorld, out_dir: Path) -> None:
    data = write_reminder(world.db, out_dir / "early.docx", now=datetime(2026, 1, 5, 12, 0, tzinfo=CHINA))
    assert data.scans == {} and data.columns == []
    assert any("尚无已完成的检查" in t for t in _texts(out_dir / "early.docx"))
    assert problems_repo.latest_scan(world.db, world.site_id, datetime(2026, 1, 5, tzinfo=CHINA)) is None

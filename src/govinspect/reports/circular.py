"""The monthly circular (月度通报) as a GB/T 9704 Word document.

一、检查总体情况: each site's score and verdict at the month's end (the scoring engine over the
latest scan), 二、问题整改情况: problems first found in the month per unit with completion rates,
三、排名情况: units by completion rate and sites by score, 四、工作要求 (text and a placeholder).
The numbers come from reports/data.py, the wording from data/reports/circular.yaml.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from govinspect.reports import charts
from govinspect.reports.config import CircularTexts, circular_texts
from govinspect.reports.data import PeriodData, SiteOperation, gather
from govinspect.reports.docx_style import Inline, OfficialDocument
from govinspect.reports.numbers import chinese_date, decimal, percent
from govinspect.reports.quarterly import RATE_HEADERS, rate_cells
from govinspect.reports.scope import month_window, resolve_scope
from govinspect.store.db import Database
from govinspect.workflow.clock import china, utcnow
from govinspect.workflow.rates import UnitRate
from govinspect.workflow.states import FALSE_ALARM

PASS, FAIL = "合格", "不合格"
T = TypeVar("T")


def competition_ranks(items: Sequence[T], key: Callable[[T], tuple[float, ...]]) -> list[tuple[int, T]]:
    """Ranks 1, 1, 3 …: items with equal keys share a rank (items already sorted best first)."""
    ranked: list[tuple[int, T]] = []
    for i, item in enumerate(items):
        if i and key(item) == key(items[i - 1]):
            ranked.append((ranked[-1][0], item))
        else:
            ranked.append((i + 1, item))
    return ranked


def unit_ranking(units: list[UnitRate]) -> list[tuple[int, UnitRate]]:
    """Units with problems, by completion rate (best first), then fewer pending, then name."""
    rated = sorted((u for u in units if u.counted), key=lambda u: (-(u.rate or 0.0), u.pending, u.unit))
    return competition_ranks(rated, lambda u: (round(u.rate or 0.0, 6),))


def site_ranking(sites: list[SiteOperation]) -> list[tuple[int, SiteOperation]]:
    """Scored sites by score (best first); sites that failed a veto item after them."""
    scored = sorted((s for s in sites if s.score is not None), key=lambda s: (-(s.score or 0.0), s.site.id))
    vetoed = [s for s in sites if s.score is None and s.verdict == FAIL]
    ranked = competition_ranks(scored, lambda s: (s.score or 0.0,))
    after = len(ranked) + 1
    return ranked + [(after, s) for s in vetoed]


def _scores(doc: OfficialDocument, data: PeriodData, texts: CircularTexts) -> None:
    s = texts.scores
    doc.heading1(texts.sections.scores)
    scanned = data.scanned_sites
    if not scanned:
        doc.paragraph(s.no_scan)
        return
    verdicts = Counter(op.verdict for op in scanned)
    doc.paragraph(s.summary.format(sites=len(scanned), passed=verdicts[PASS], failed=verdicts[FAIL]))
    pending = sum(op.pending for op in scanned)
    if pending:
        doc.paragraph(s.pending.format(pending=pending))
    found = Counter(p.problem.site_id for p in data.problems if p.state != FALSE_ALARM)
    rows: list[list[Inline]] = [
        [
            op.site.name or op.site.url, op.site.owner_name or "", str(op.scans),
            decimal(op.score, 1) if op.score is not None else "—", op.verdict or s.unscored, str(found[op.site.id]),
        ]
        for op in data.sites
    ]
    doc.table(["网站名称", "主办单位", "本月检查次数", "得分", "结论", "本月发现问题"], rows, [40, 36, 20, 16, 18, 26])


def _rectification(doc: OfficialDocument, data: PeriodData, texts: CircularTexts) -> None:
    r = texts.rectification
    doc.heading1(texts.sections.rectification)
    total = data.total
    if not total.counted:
        doc.paragraph(r.none)
        return
    doc.paragraph(r.summary.format(
        counted=total.counted, closed=total.closed, rate=percent(total.rate), wontfix=total.wontfix,
        pending=total.pending, overdue=total.overdue,
    ))
    units = [u for u in data.by_unit if u.counted]
    rows: list[list[Inline]] = [[u.unit, *rate_cells(u)] for u in units]
    rows.append(["合计", *rate_cells(total)])
    doc.table(["责任单位", *RATE_HEADERS], rows, [46, 16, 18, 18, 18, 14, 20])
    if units:
        ranked = unit_ranking(units)
        doc.picture(charts.rate_chart([u.unit for _, u in ranked], [u.rate or 0.0 for _, u in ranked]), r.chart_caption)


def _ranking(doc: OfficialDocument, data: PeriodData, texts: CircularTexts) -> None:
    k = texts.ranking
    doc.heading1(texts.sections.ranking)
    doc.heading2(k.units_heading)
    units = unit_ranking(data.by_unit)
    if units:
        rows: list[list[Inline]] = [
            [str(rank), u.unit, str(u.counted), str(u.closed), str(u.pending), percent(u.rate)] for rank, u in units
        ]
        doc.table(["名次", "责任单位", "发现", "已整改", "未完成", "完成率"], rows, [12, 60, 18, 18, 18, 20])
    else:
        doc.paragraph(k.none)
    doc.heading2(k.sites_heading)
    sites = site_ranking(data.scanned_sites)
    if sites:
        rows = [
            [str(rank), op.site.name or op.site.url, decimal(op.score, 1) if op.score is not None else "—", op.verdict or "—"]
            for rank, op in sites
        ]
        doc.table(["名次", "网站名称", "得分", "结论"], rows, [12, 80, 26, 28])
    else:
        doc.paragraph(k.none)


def render_circular(data: PeriodData, *, today: date, org: str | None = None) -> OfficialDocument:
    texts = circular_texts()
    writer = org or data.scope.org_name(texts.org_placeholder)
    title = texts.title.format(period=data.window.label, org=writer)
    doc = OfficialDocument(title=title)
    doc.title(title)
    doc.recipient(texts.recipient)
    doc.paragraph(texts.opening.format(period=data.window.label, org=writer))
    _scores(doc, data, texts)
    _rectification(doc, data, texts)
    _ranking(doc, data, texts)
    doc.heading1(texts.sections.requirements)
    doc.paragraph(texts.requirements.text)
    doc.placeholder(texts.requirements.placeholder)
    doc.signature(writer, chinese_date(today, texts.signature_date_format))
    return doc


def month_data(db: Database, month: str, unit: str | None = None) -> PeriodData:
    return gather(db, resolve_scope(db, unit), month_window(month), examples=0)


def write_circular(
    db: Database, month: str, out: Path, unit: str | None = None, now: datetime | None = None, org: str | None = None,
) -> PeriodData:
    """Gather the month's numbers and write the circular to ``out`` (.docx); returns the numbers."""
    data = month_data(db, month, unit)
    render_circular(data, today=china(now or utcnow()).date(), org=org).save(Path(out))
    return data

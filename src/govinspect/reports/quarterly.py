"""The quarterly self-inspection report (自查整改情况报告) as a GB/T 9704 Word document.

Sections: 一、总体情况 (site operation, visits/PV/bounce rate, items published, messages), 二、存在的
问题 (counts per kind with examples and links), 三、整改情况 (found, fixed, completion rate per kind and
per unit), 四、政务新媒体情况, 五、下一步工作计划 (a marked placeholder); then the signature, and
two appendices: every problem of the quarter (unit, page, state, dates) and the source of every
number. All numbers come from reports/data.py; all wording from data/reports/quarterly.yaml.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from govinspect.findings import code_name
from govinspect.reports import charts
from govinspect.reports.config import QuarterlyTexts, quarterly_texts
from govinspect.reports.data import PeriodData, gather, progress
from govinspect.reports.docx_style import Inline, Link, OfficialDocument
from govinspect.reports.numbers import chinese_date, chinese_number, day_text, days, decimal, percent
from govinspect.reports.problems import ProblemAt
from govinspect.reports.scope import ReportScope, quarter_window, resolve_scope
from govinspect.store.db import Database
from govinspect.workflow.clock import china, utcnow
from govinspect.workflow.rates import UnitRate
from govinspect.workflow.states import label as state_label

RATE_HEADERS = ["发现", "已整改", "不予整改", "未完成", "逾期", "完成率"]


def rate_cells(rate: UnitRate) -> list[str]:
    """The numbers of one row of a rectification table (误报 left out of 发现)."""
    return [str(rate.counted), str(rate.closed), str(rate.wontfix), str(rate.pending), str(rate.overdue), percent(rate.rate)]


def _measure(texts: QuarterlyTexts, code: str) -> str:
    return texts.problems.measures.get(code, texts.problems.default_measure)


def spaced(name: str) -> str:
    """A name ending in Latin letters keeps a space before a number that follows (HTTPS 1处)."""
    return f"{name} " if name[-1:].isascii() and name[-1:].isalnum() else name


def counted(name: str, count: int, measure: str) -> str:
    return f"{spaced(name)}{count}{measure}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _overview(doc: OfficialDocument, data: PeriodData, texts: QuarterlyTexts) -> None:
    o = texts.overview
    doc.heading1(texts.sections.overview)
    doc.heading2(o.operation_heading)
    scanned = data.scanned_sites
    if not data.sites and data.scope.unit is not None:
        doc.paragraph(o.no_site)
    elif scanned:
        doc.paragraph(o.operation.format(
            sites=len(scanned), scans=sum(s.scans for s in data.sites), pages=sum(s.pages for s in scanned)
        ))
    else:
        doc.paragraph(o.no_scan)
    probes = sum(s.probes for s in data.sites)
    if probes:
        failures = sum(s.probe_failures for s in data.sites)
        doc.paragraph(o.availability.format(probes=probes, failures=failures, rate=percent((probes - failures) / probes)))
    if data.sites:
        rows: list[list[Inline]] = []
        for s in data.sites:
            score = decimal(s.score, 1) if s.score is not None else "—"
            rows.append([
                s.site.name or s.site.url, Link(s.site.url, s.site.url), s.site.owner_name or "", str(s.scans),
                str(s.pages), score, s.verdict or "—",
            ])
        doc.table(["网站名称", "网址", "主办单位", "检查次数", "抓取页面", "得分", "结论"], rows, [28, 38, 28, 15, 15, 14, 18])

    doc.heading2(o.traffic_heading)
    t = data.traffic
    if t is None:
        doc.paragraph(o.no_traffic)
    else:
        doc.paragraph(o.traffic.format(
            visits=t.visits, pv=t.pv, pv_per_visit=decimal(t.pv_per_visit), bounce_rate=percent(t.bounce_rate),
            days=t.days_with_data, period_days=data.window.days,
        ))
        if len(t.daily) > 1:
            doc.picture(charts.traffic_chart([d for d, _ in t.daily], [n for _, n in t.daily]), o.traffic_caption)

    doc.heading2(o.published_heading)
    if data.published_total:
        top = "、".join(f"{name}（{n}条）" for name, n in data.published_by_column[: o.published_top])
        doc.paragraph(o.published.format(total=data.published_total, top=top or "—"))
    else:
        doc.paragraph(o.published_none)

    doc.heading2(o.messages_heading)
    m = data.messages
    if m.received:
        doc.paragraph(o.messages.format(
            received=m.received, answered=m.answered, rate=percent(m.answer_rate), average=days(m.average_days),
            longest=m.longest_days if m.longest_days is not None else "—",
        ))
    else:
        doc.paragraph(o.no_messages)
    if m.overdue:
        doc.paragraph(o.messages_overdue.format(months=m.overdue_months, overdue=m.overdue))


def _example_parts(data: PeriodData, texts: QuarterlyTexts, code: str) -> list[Inline]:
    p = texts.problems
    row = next(r for r in data.by_kind if r.code == code)
    parts: list[Inline] = []
    for i, example in enumerate(row.examples):
        parts.append(p.example_intro if i == 0 else "；")
        if example.evidence:
            parts.append(p.example.format(evidence=_clip(example.evidence, p.evidence_max_chars)))
            if example.suggestion and code in p.corrections:
                parts.append(p.example_suggestion.format(suggestion=example.suggestion))
            parts.append(p.example_where)
        else:
            parts.append(p.example_where.lstrip("，,"))
        parts.append(Link(example.page, example.page))
    if parts:
        parts.append("。")
    return parts


def _problems(doc: OfficialDocument, data: PeriodData, texts: QuarterlyTexts) -> None:
    p = texts.problems
    doc.heading1(texts.sections.problems)
    if not data.by_kind:
        doc.paragraph(p.summary_none)
    else:
        parts = "、".join(counted(r.name, r.rate.counted, _measure(texts, r.code)) for r in data.by_kind)
        doc.paragraph(p.summary.format(total=data.total.counted, parts=parts))
    if data.total.false_alarm:
        doc.paragraph(p.false_alarm.format(count=data.total.false_alarm))
    if not data.by_kind:
        return
    bars = [charts.KindBar(r.name, r.code, r.rate.counted, r.rate.closed) for r in data.by_kind]
    doc.picture(charts.problems_by_kind_chart(bars), p.chart_caption)
    for i, row in enumerate(data.by_kind, start=1):
        doc.heading2(f"（{chinese_number(i)}）{row.name}")
        sentence = p.kind.format(name=spaced(row.name), count=row.rate.counted, measure=_measure(texts, row.code))
        doc.paragraph(sentence, *_example_parts(data, texts, row.code))


def _rectification(doc: OfficialDocument, data: PeriodData, texts: QuarterlyTexts) -> None:
    r = texts.rectification
    doc.heading1(texts.sections.rectification)
    total = data.total
    values = {
        "counted": total.counted, "closed": total.closed, "rate": percent(total.rate), "wontfix": total.wontfix,
        "pending": total.pending, "overdue": total.overdue,
    }
    if not total.counted:
        doc.paragraph(r.none)
        return
    done = total.closed == total.counted
    doc.paragraph((r.all_done if done else r.summary).format(**values))
    doc.heading2(r.by_kind_heading)
    rows: list[list[Inline]] = [[row.name, *rate_cells(row.rate)] for row in data.by_kind]
    rows.append(["合计", *rate_cells(total)])
    doc.table(["问题类型", *RATE_HEADERS], rows, [46, 16, 18, 18, 18, 14, 20])
    doc.heading2(r.by_unit_heading)
    units = [u for u in data.by_unit if u.counted]
    rows = [[u.unit, *rate_cells(u)] for u in units]
    rows.append(["合计", *rate_cells(total)])
    doc.table(["责任单位", *RATE_HEADERS], rows, [46, 16, 18, 18, 18, 14, 20])
    marks, found, fixed = progress(data.problems, data.window)
    if len(marks) > 1:
        doc.picture(charts.progress_chart(marks, found, fixed), r.trend_caption)


def _new_media(doc: OfficialDocument, data: PeriodData, texts: QuarterlyTexts) -> None:
    n = texts.new_media
    doc.heading1(texts.sections.new_media)
    media = data.new_media
    stale = sum(1 for p in data.problems if p.problem.code == "account_stale" and p.state != "false_alarm")
    if media is None:
        doc.paragraph(n.none)
    else:
        parts = "、".join(f"{state}{count}个" for state, count in media.by_state())
        doc.paragraph(n.summary.format(total=media.total, parts=parts))
        states = [s for s, _ in media.by_state()]
        rows: list[list[Inline]] = []
        for platform, count in media.by_platform():
            rows.append([platform, *[str(media.counts.get((platform, s), 0)) for s in states], str(count)])
        rows.append(["合计", *[str(c) for _, c in media.by_state()], str(media.total)])
        doc.table(["平台", *states, "合计"], rows)
    if stale:
        doc.paragraph(n.problems.format(count=stale))


def _appendix(doc: OfficialDocument, data: PeriodData, texts: QuarterlyTexts) -> None:
    a = texts.appendix
    doc.landscape_section()
    doc.appendix_heading(f"{a.title}1", a.problems_title)
    if not data.problems:
        doc.paragraph(a.none)
    else:
        rows = [_appendix_row(i, item) for i, item in enumerate(data.problems, start=1)]
        doc.table(
            ["序号", "问题类型", "责任单位", "所在页面", "原文", "状态", "发现日期", "整改期限", "销号日期"],
            rows, [9, 25, 30, 58, 30, 16, 19, 19, 19],
        )
    doc.page_break()
    doc.appendix_heading(f"{a.title}2", a.sources_title)
    doc.table(["指标", "数值", "来源"], [[f.name, f.value, f.source] for f in data.figures], [40, 25, 160])


def _appendix_row(number: int, item: ProblemAt) -> list[Inline]:
    p = item.problem
    return [
        str(number), code_name(p.code), item.unit, Link(p.page, p.page), _clip(p.evidence or "", 40),
        state_label(item.state), day_text(p.first_seen_at), day_text(p.deadline), day_text(item.closed_at),
    ]


def render_quarterly(data: PeriodData, *, today: date, org: str | None = None) -> OfficialDocument:
    texts = quarterly_texts()
    writer = org or data.scope.org_name(texts.org_placeholder)
    title = texts.title.format(org=writer, period=data.window.label)
    doc = OfficialDocument(title=title)
    doc.title(title)
    doc.recipient(texts.recipient)
    doc.paragraph(texts.opening.format(org=writer, period=data.window.label))
    _overview(doc, data, texts)
    _problems(doc, data, texts)
    _rectification(doc, data, texts)
    _new_media(doc, data, texts)
    doc.heading1(texts.sections.plan)
    doc.placeholder(texts.plan.placeholder)
    doc.signature(writer, chinese_date(today, texts.signature_date_format))
    _appendix(doc, data, texts)
    return doc


def quarter_data(db: Database, quarter: str, unit: str | None = None) -> PeriodData:
    window = quarter_window(quarter)
    scope: ReportScope = resolve_scope(db, unit)
    return gather(db, scope, window, examples=quarterly_texts().problems.examples_per_kind)


def write_figures(data: PeriodData, out: Path) -> None:
    """The printed numbers and their sources as JSON (for checking a report against the database)."""
    payload = {
        "period": {"label": data.window.label, "first": data.window.first.isoformat(), "last": data.window.last.isoformat()},
        "unit": data.scope.unit.name if data.scope.unit else None,
        "figures": [asdict(f) for f in data.figures],
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_quarterly_report(
    db: Database, quarter: str, out: Path, unit: str | None = None, now: datetime | None = None,
    org: str | None = None,
) -> PeriodData:
    """Gather the quarter's numbers and write the report to ``out`` (.docx); returns the numbers."""
    data = quarter_data(db, quarter, unit)
    today = china(now or utcnow()).date()
    render_quarterly(data, today=today, org=org).save(Path(out))
    return data

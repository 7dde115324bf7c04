"""The annual report table (政府网站工作年度报表) of a site, as .xlsx.

The rows are data (data/stats/annual_report.yaml). The figures govinspect can compute — visitors,
visits, items published, messages received/answered and the average days to answer — are filled
in from the database, each with its source; every other row is a marked blank (yellow, "待填")
for people to complete. A second sheet lists how each figure was computed (traceability), a
third the daily traffic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govinspect.stats.errors import StatsError
from govinspect.stats.model import SiteRef
from govinspect.stats.msgstats import MessageStats, message_summary
from govinspect.stats.period import Period, year
from govinspect.stats.published import PublishedItems, published_items
from govinspect.stats.rules import annual_layout, traffic_rules
from govinspect.stats.summary import TrafficSummary, traffic_summary
from govinspect.store import stats_repo
from govinspect.store.db import Database

BLANK = "待填"
_FONT = "宋体"
_FILL_COMPUTED = "E2EFDA"
_FILL_BLANK = "FFF2CC"
_FILL_HEADER = "D9E1F2"


@dataclass
class AnnualFigures:
    site: SiteRef
    period: Period
    traffic: TrafficSummary
    messages: MessageStats
    published: PublishedItems | None
    scan_id: int | None
    has_messages: bool  # any message stored for the site or seen on its board: 0 is then a real figure


def annual_figures(db: Database, site: SiteRef, year_value: int, scan_id: int | None = None) -> AnnualFigures:
    period = year(year_value)
    if scan_id is None:
        latest = stats_repo.latest_finished_scan(db, site.id)
        scan_id = latest[0] if latest else None
    elif db.scan(scan_id) is None:
        raise StatsError(f"没有编号为 {scan_id} 的扫描")
    messages = message_summary(db, site.id, period, scan_id=scan_id)
    return AnnualFigures(
        site=site,
        period=period,
        traffic=traffic_summary(db, site.id, period),
        messages=messages,
        published=published_items(db, scan_id, period) if scan_id is not None else None,
        scan_id=scan_id,
        has_messages=stats_repo.message_count(db, site.id) > 0 or bool(messages.sources.get("scan")),
    )


def _traffic_source(f: AnnualFigures) -> str:
    t = f.traffic
    return f"服务器访问日志，{t.days_with_data} 天有数据（全年 {t.period.days} 天）"


# figure name → (value, how it was obtained); None as value: nothing to compute from
FIGURES: dict[str, Callable[[AnnualFigures], tuple[Any, str]]] = {
    "site_name": lambda f: (f.site.name or None, "站点登记信息"),
    "site_url": lambda f: (f.site.url, "站点登记信息"),
    "visitors": lambda f: (
        f.traffic.visitors if f.traffic.has_data else None,
        _traffic_source(f) + "；按（IP，浏览器标识）去重，不含爬虫",
    ),
    "visits": lambda f: (
        f.traffic.visits if f.traffic.has_data else None,
        _traffic_source(f)
        + f"；访问次数（同一访客两次浏览间隔不足 {traffic_rules().session_gap_minutes:g} 分钟计为一次），页面浏览量见“计算依据”",
    ),
    "published": lambda f: (
        f.published.total if f.published is not None else None,
        f"第 {f.scan_id} 次扫描所见栏目列表与文章发布日期（仍在网站上的条目，为下限）" if f.scan_id else "无扫描数据",
    ),
    "messages_received": lambda f: (
        f.messages.received if f.has_messages else None,
        "导入的留言导出表" + ("及扫描所见留言板" if f.scan_id else ""),
    ),
    "messages_answered": lambda f: (
        f.messages.answered if f.has_messages else None,
        f"截至 {f.messages.as_of:%Y-%m-%d %H:%M} 已答复",
    ),
    "messages_average_days": lambda f: (
        round(f.messages.average_days, 1) if f.messages.average_days is not None else None,
        f"自然日，基于 {f.messages.timed_answers} 件有答复时间的留言",
    ),
}


def _check_layout() -> None:
    unknown = sorted({r.figure for r in annual_layout().rows if r.figure and r.figure not in FIGURES})
    if unknown:
        raise StatsError(f"数据文件 data/stats/annual_report.yaml 引用了未知的数值：{', '.join(unknown)}")


def write_annual_xlsx(figures: AnnualFigures, out: Path, today: date | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    _check_layout()
    layout = annual_layout()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "年度报表"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=_FONT, size=11)
    bold = Font(name=_FONT, size=11, bold=True)

    sheet.merge_cells("A1:E1")
    sheet["A1"] = layout.title
    sheet["A1"].font = Font(name=_FONT, size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells("A2:E2")
    sheet["A2"] = f"（{figures.period.start.year}年度）"
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet["A2"].font = body
    sheet.append(["填报单位：", "", "", "", ""])
    header = ["类别", "指标", "数值", "单位", "数据来源 / 说明"]
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor=_FILL_HEADER)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in layout.rows:
        value: Any = None
        note = "需人工填写"
        if row.figure:
            value, note = FIGURES[row.figure](figures)
            if value is None:
                note = f"无数据（{note}）"
        computed = value is not None
        sheet.append([row.section, row.item, value if computed else BLANK, row.unit, note])
        line = sheet[sheet.max_row]
        for cell in line:
            cell.font = body
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        line[2].fill = PatternFill("solid", fgColor=_FILL_COMPUTED if computed else _FILL_BLANK)
        if isinstance(value, float):
            line[2].number_format = "0.0"
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    for column, width in zip("ABCDE", (14, 40, 18, 22, 60), strict=True):
        sheet.column_dimensions[column].width = width
    made = today or date.today()
    sheet.append([])
    sheet.append(["", f"由 govinspect 于 {made.isoformat()} 生成：绿色为系统根据数据库计算的数值，黄色“{BLANK}”须人工填写。"])

    _basis_sheet(book.create_sheet("计算依据"), figures, bold, body)
    _daily_sheet(book.create_sheet("每日访问"), figures, bold, body)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        book.save(out)
    except OSError as exc:
        raise StatsError(f"无法写入文件 {out}：{exc.strerror or exc}") from exc
    return out


def _basis_sheet(sheet: Any, f: AnnualFigures, bold: Any, body: Any) -> None:
    t, m = f.traffic, f.messages
    rate = lambda v: round(v, 4) if v is not None else "—"  # noqa: E731
    num = lambda v: round(v, 2) if v is not None else "—"  # noqa: E731
    rows: list[list[Any]] = [
        ["统计期间", f"{f.period.start.isoformat()} 至 {f.period.end.isoformat()}"],
        ["站点", f.site.label],
        [],
        ["访问统计（服务器日志）"],
        ["有日志的天数", t.days_with_data],
        ["页面浏览量（PV）", t.pv],
        ["访问次数", t.visits],
        ["独立访客（全期去重）", t.visitors],
        ["每日独立访客之和", t.visitor_days],
        ["跳出次数", t.bounces],
        ["跳出率", rate(t.bounce_rate)],
        ["人均页面浏览量（PV/访问次数）", num(t.pv_per_visit)],
        ["日均 PV", num(t.daily_pv)],
        ["日均访问次数", num(t.daily_visits)],
        ["日均访客", num(t.daily_visitors)],
        ["全部请求（含静态资源、爬虫）", t.hits],
        ["爬虫请求", t.bot_hits],
        [],
        ["PV 最多的栏目", "PV"],
        *[[path, pv] for path, pv in t.top_columns],
        [],
        ["留言统计"],
        ["收到留言", m.received],
        ["已答复（办结）", m.answered],
        ["答复率", rate(m.answer_rate)],
        ["平均答复天数", num(m.average_days)],
        ["最长答复天数", m.longest_days if m.longest_days is not None else "—"],
        ["超期未答复（截至统计时点）", len(m.overdue)],
        ["超期答复", m.answered_late],
        *[[f"来源：{'导出表' if k == 'import' else '留言板扫描'}", n] for k, n in sorted(m.sources.items())],
        [],
        ["办理单位", "收到", "已答复"],
        *[[u.unit, u.received, u.answered] for u in m.by_unit],
    ]
    if f.published is not None:
        rows += [[], [f"信息发布（第 {f.published.scan_id} 次扫描）", f.published.total]]
        rows += [[name, count] for name, count in f.published.by_column]
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.font = bold if len(row) == 1 else body
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 12


def _daily_sheet(sheet: Any, f: AnnualFigures, bold: Any, body: Any) -> None:
    sheet.append(["日期", "PV", "访问次数", "访客", "跳出", "全部请求", "爬虫请求"])
    for cell in sheet[1]:
        cell.font = bold
    for d in f.traffic.daily:
        sheet.append([d.day, d.pv, d.visits, d.visitors, d.bounces, d.hits, d.bot_hits])
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{max(1, sheet.max_row)}"
    sheet.column_dimensions["A"].width = 12

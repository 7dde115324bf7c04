"""The numbers of a period's report, each gathered from the database and recorded with its source.

Sites: the registry (sites, units). Operation: the scans table (finished scans whose monitoring
point falls in the period; the latest at or before its end) and availability probes. Traffic and
messages: the statistics part's functions (stats.summary, stats.msgstats, stats.published), which
read the imported logs and messages and the scan's page facts. Problems: problems + problem_events
(reports/problems.py). New media: the new-media registry. ``figures`` lists every number the report
prints with where it came from, so each one can be checked against the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from govinspect.findings import code_name, code_table
from govinspect.registry.model import Site
from govinspect.reports.newmedia import NewMediaSummary, new_media_summary
from govinspect.reports.numbers import days, decimal, percent
from govinspect.reports.problems import ProblemAt, found_in, overall, tally
from govinspect.reports.scope import ReportScope, Window, day_end
from govinspect.scoring.service import scoring_scan
from govinspect.stats.msgstats import MessageStats, message_summary
from govinspect.stats.published import published_items
from govinspect.stats.rules import message_rules
from govinspect.stats.summary import TrafficSummary, traffic_summary
from govinspect.store import registry_repo
from govinspect.store.db import Database, ScanInfo
from govinspect.store.schema import scans
from govinspect.store.schema_workflow import probes
from govinspect.workflow.rates import UnitRate
from govinspect.workflow.states import CLOSED, FALSE_ALARM

_JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class SourcedFigure:
    """One number as printed, and how it was obtained."""

    name: str
    value: str
    source: str


@dataclass
class SiteOperation:
    site: Site
    latest: ScanInfo | None  # the latest finished scan at or before the period's end
    scans: int  # finished scans with their monitoring point in the period
    probes: int
    probe_failures: int
    score: float | None = None
    verdict: str | None = None
    pending: int = 0  # candidates the scoring engine leaves to a person

    @property
    def pages(self) -> int:
        return self.latest.pages_fetched if self.latest else 0


@dataclass
class TrafficTotals:
    pv: int
    visits: int
    bounces: int
    days_with_data: int
    daily: list[tuple[date, int]]  # (day, PV) over all sites

    @property
    def pv_per_visit(self) -> float | None:
        return self.pv / self.visits if self.visits else None

    @property
    def bounce_rate(self) -> float | None:
        return self.bounces / self.visits if self.visits else None


@dataclass
class MessageTotals:
    received: int
    answered: int
    timed_answers: int
    average_days: float | None
    longest_days: int | None
    overdue: int
    overdue_months: int

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.received if self.received else None


@dataclass
class KindExample:
    evidence: str | None
    suggestion: str | None
    page: str
    target: str | None


@dataclass
class KindRow:
    code: str
    name: str
    rate: UnitRate
    examples: list[KindExample] = field(default_factory=list)


@dataclass
class PeriodData:
    window: Window
    scope: ReportScope
    sites: list[SiteOperation]
    traffic: TrafficTotals | None
    published_total: int | None  # None: no scan to read it from
    published_by_column: list[tuple[str, int]]
    messages: MessageTotals
    problems: list[ProblemAt]  # first found in the period, state at its end
    by_kind: list[KindRow]
    by_unit: list[UnitRate]
    total: UnitRate
    new_media: NewMediaSummary | None
    figures: list[SourcedFigure] = field(default_factory=list)

    @property
    def scanned_sites(self) -> list[SiteOperation]:
        return [s for s in self.sites if s.latest is not None]

    def note(self, name: str, value: str, source: str) -> str:
        self.figures.append(SourcedFigure(name, value, source))
        return value


# --- sites and scans --------------------------------------------------------------------------


def scans_in(db: Database, site_id: int, window: Window) -> int:
    query = select(func.count()).where(
        scans.c.site_id == site_id,
        scans.c.status == "finished",
        scans.c.monitoring_point >= window.start,
        scans.c.monitoring_point < window.end,
    )
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def probes_in(db: Database, site_id: int, window: Window) -> tuple[int, int]:
    """(probes, failures) of the site's home page in the period."""
    query = select(func.count(), func.sum(case((probes.c.ok.is_(False), 1), else_=0))).where(
        probes.c.site_id == site_id, probes.c.at >= window.start, probes.c.at < window.end
    )
    with db.engine.connect() as conn:
        total, failures = conn.execute(query).one()
    return int(total or 0), int(failures or 0)


def site_operation(db: Database, site: Site, window: Window, *, with_score: bool) -> SiteOperation:
    moment = window.end - _JUST_BEFORE
    # the scan its score rests on: a sub-site known only through its portal's scan is not "unscanned"
    latest = scoring_scan(db, site, moment, registry_repo.list_sites(db))
    total, failures = probes_in(db, site.id, window)
    operation = SiteOperation(site, latest, scans_in(db, site.id, window), total, failures)
    if with_score and latest is not None:
        score_at(db, operation, moment)
    return operation


def score_at(db: Database, operation: SiteOperation, moment: datetime) -> None:
    """The scoring engine's total and verdict at a moment; left empty where it cannot score."""
    from govinspect.scoring.service import score_site

    try:
        result = score_site(db, operation.site.id, at=moment).result
    except (ValueError, LookupError, OSError):  # no scan yet, a bad profile: the report goes on
        return
    operation.score, operation.verdict, operation.pending = result.total, result.verdict, result.pending


# --- traffic, published items, messages ---------------------------------------------------------


def traffic_totals(summaries: list[TrafficSummary]) -> TrafficTotals | None:
    with_data = [s for s in summaries if s.has_data]
    if not with_data:
        return None
    daily: Counter[date] = Counter()
    for summary in with_data:
        for day in summary.daily:
            daily[day.day] += day.pv
    return TrafficTotals(
        pv=sum(s.pv for s in with_data),
        visits=sum(s.visits for s in with_data),
        bounces=sum(s.bounces for s in with_data),
        days_with_data=len(daily),
        daily=sorted(daily.items()),
    )


def message_totals(stats: list[MessageStats]) -> MessageTotals:
    timed = sum(s.timed_answers for s in stats)
    weighted = sum((s.average_days or 0.0) * s.timed_answers for s in stats)
    longest = [s.longest_days for s in stats if s.longest_days is not None]
    return MessageTotals(
        received=sum(s.received for s in stats),
        answered=sum(s.answered for s in stats),
        timed_answers=timed,
        average_days=weighted / timed if timed else None,
        longest_days=max(longest) if longest else None,
        overdue=sum(len(s.overdue) for s in stats),
        overdue_months=message_rules().overdue_months,
    )


# --- problems ----------------------------------------------------------------------------------


def _examples(items: list[ProblemAt], limit: int) -> list[KindExample]:
    chosen: list[KindExample] = []
    seen: set[str] = set()
    for item in sorted(items, key=lambda i: i.problem.id):
        p = item.problem
        key = p.evidence or p.page
        if key in seen or (not p.evidence and any(c.page == p.page for c in chosen)):
            continue  # one broken target linked from 40 pages is one example
        seen.add(key)
        chosen.append(KindExample(p.evidence, p.suggestion, p.page, p.target))
        if len(chosen) >= limit:
            break
    return chosen


def kind_rows(problems: list[ProblemAt], examples: int) -> list[KindRow]:
    counted = [p for p in problems if p.state != FALSE_ALARM]
    rates = tally(problems, lambda p: p.problem.code)
    order = list(code_table())
    rows = [
        KindRow(
            code=code,
            name=code_name(code),
            rate=rate,
            examples=_examples([p for p in counted if p.problem.code == code], examples),
        )
        for code, rate in rates.items()
        if rate.counted
    ]
    rows.sort(key=lambda r: (-r.rate.counted, order.index(r.code) if r.code in order else len(order)))
    return rows


def progress(problems: list[ProblemAt], window: Window, step_days: int = 7) -> tuple[list[date], list[int], list[int]]:
    """Cumulative problems found and fixed at the end of each week of the period (and its last day)."""
    counted = [p for p in problems if p.state != FALSE_ALARM]
    marks: list[date] = []
    day = window.first + timedelta(days=step_days - 1)
    while day < window.last:
        marks.append(day)
        day += timedelta(days=step_days)
    marks.append(window.last)
    found: list[int] = []
    fixed: list[int] = []
    for mark in marks:
        cut = day_end(mark)
        found.append(sum(1 for p in counted if p.problem.first_seen_at < cut))
        fixed.append(sum(1 for p in counted if p.state == CLOSED and p.closed_at is not None and p.closed_at < cut))
    return marks, found, fixed


# --- the whole period ----------------------------------------------------------------------------


def gather(
    db: Database, scope: ReportScope, window: Window, *, examples: int = 3, with_scores: bool = True
) -> PeriodData:
    """Every number of a period's report for the scope."""
    operations = [site_operation(db, site, window, with_score=with_scores) for site in scope.sites]
    summaries = [traffic_summary(db, site.id, window.period) for site in scope.sites]
    published_total: int | None = None
    columns: Counter[str] = Counter()
    message_stats: list[MessageStats] = []
    several = len(scope.sites) > 1
    for operation in operations:
        scan_id = operation.latest.id if operation.latest else None
        message_stats.append(message_summary(db, operation.site.id, window.period, scan_id=scan_id))
        if scan_id is None:
            continue
        items = published_items(db, scan_id, window.period)
        published_total = (published_total or 0) + items.total
        for column, n in items.by_column:
            columns[f"{operation.site.name}·{column}" if several and operation.site.name else column] += n
    problems = found_in(db, scope, window)
    by_unit = sorted(tally(problems, lambda p: p.unit).values(), key=lambda r: r.unit)
    data = PeriodData(
        window=window,
        scope=scope,
        sites=operations,
        traffic=traffic_totals(summaries),
        published_total=published_total,
        published_by_column=sorted(columns.items(), key=lambda kv: (-kv[1], kv[0])),
        messages=message_totals(message_stats),
        problems=problems,
        by_kind=kind_rows(problems, examples),
        by_unit=[r for r in by_unit if r.total],
        total=overall(problems),
        new_media=new_media_summary(db, scope, window),
    )
    _record_sources(data)
    return data


def _site_list(data: PeriodData) -> str:
    ids = "、".join(str(s.id) for s in data.scope.sites) or "无"
    unit = f"，主办单位为{data.scope.unit.name}及其下级单位" if data.scope.unit else ""
    return f"网站编号 {ids}{unit}"


def _record_sources(data: PeriodData) -> None:
    """What each printed number is and where it came from (the appendix 数据来源说明)."""
    w = data.window
    span = f"{w.first.isoformat()} 至 {w.last.isoformat()}"
    sites = _site_list(data)
    data.note("检查网站数", str(len(data.scanned_sites)), f"sites 表（{sites}），{span} 前有已完成扫描的网站")
    data.note(
        "检查次数", str(sum(s.scans for s in data.sites)), f"scans 表：status=finished，monitoring_point 在 {span}（北京时间）"
    )
    data.note(
        "抓取页面数", str(sum(s.pages for s in data.scanned_sites)),
        "scans 表：各网站截至期末最近一次已完成扫描的 pages_fetched 之和（扫描编号 "
        + ("、".join(str(s.latest.id) for s in data.scanned_sites if s.latest) or "无") + "）",
    )
    probes_total = sum(s.probes for s in data.sites)
    if probes_total:
        data.note("首页监测次数", str(probes_total), f"probes 表：at 在 {span}")
    t = data.traffic
    if t is not None:
        source = f"stats_traffic_days 表：{sites}，day 在 {span}，{t.days_with_data} 天有数据"
        data.note("访问次数", str(t.visits), source + "，visits 之和")
        data.note("页面浏览量（PV）", str(t.pv), source + "，pv 之和")
        data.note("人均页面浏览量", decimal(t.pv_per_visit), "页面浏览量 ÷ 访问次数")
        data.note("跳出率", percent(t.bounce_rate), "stats_traffic_days 表 bounces 之和 ÷ 访问次数")
    if data.published_total is not None:
        data.note(
            "发布信息条数", str(data.published_total),
            f"urls 表 facts（listing、pub_date）：最近一次扫描所见、发布日期在 {span} 的信息，按网址去重",
        )
    m = data.messages
    source = f"stats_messages 表（导入的留言）及最近一次扫描所见留言板，留言时间在 {span}"
    data.note("接收留言", str(m.received), source)
    data.note("办结留言", str(m.answered), source + f"，期末（{w.last.isoformat()} 24 时）前已答复")
    data.note("办结率", percent(m.answer_rate), "办结留言 ÷ 接收留言")
    data.note("平均办理时限（天）", days(m.average_days), f"有答复时间的 {m.timed_answers} 件留言，收到至答复的天数平均")
    source = (
        f"problems 表：first_seen_at 在 {span}（北京时间）的问题，状态取 problem_events 表中截至期末的最后一次变更"
    )
    data.note("发现问题（不含误报）", str(data.total.counted), source)
    data.note("误报", str(data.total.false_alarm), source + "，状态为误报")
    data.note("已整改（已销号）", str(data.total.closed), source + "，状态为已销号")
    data.note("整改完成率", percent(data.total.rate), "已销号 ÷（问题总数 − 误报）")
    if data.new_media is not None:
        data.note("政务新媒体账号", str(data.new_media.total), f"media_accounts 表：开设日期不晚于 {w.last.isoformat()}，状态取期末状态")

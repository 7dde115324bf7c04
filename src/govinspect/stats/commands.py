"""Command line of the statistics: ``govinspect import logs|messages`` and ``govinspect stats …``.

Two Typer sub-apps, mounted by cli.py. Self-contained (error handling shared with every command group through govinspect.commandline; no import of govinspect.cli, which mounts
them): every foreseeable user error becomes one red line and exit code 2; a log import where
some files failed exits with 1 after importing the others.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from govinspect.commandline import DbOption, err_console
from govinspect.commandline import guarded as _guarded
from govinspect.settings import Settings, db_url_from
from govinspect.stats.errors import StatsError
from govinspect.stats.model import SiteRef
from govinspect.store.db import Database, open_database

import_app = typer.Typer(help="导入服务器访问日志与留言导出表", no_args_is_help=True, add_completion=False)
stats_app = typer.Typer(help="访问量与留言办理统计、政府网站工作年度报表", no_args_is_help=True, add_completion=False)

console = Console(soft_wrap=True)  # long paths and messages stay on one line (copyable)
T = TypeVar("T")

SiteOption = Annotated[str, typer.Option("--site", help="站点：编号、名称或首页网址")]
YearOption = Annotated[int | None, typer.Option("--year", help="统计年份，如 2026", show_default=False)]
QuarterOption = Annotated[str | None, typer.Option("--quarter", help="统计季度，如 2026Q2", show_default=False)]
MonthOption = Annotated[str | None, typer.Option("--month", help="统计月份，如 2026-05", show_default=False)]
FromOption = Annotated[str | None, typer.Option("--from", help="开始日期，如 2026-04-01", show_default=False)]
ToOption = Annotated[str | None, typer.Option("--to", help="结束日期（含），如 2026-06-30", show_default=False)]




def _open(db: str | None) -> Database:
    settings = Settings()
    url = db_url_from(db) if db else db_url_from(settings.db)
    return open_database(url)


def _site(database: Database, ref: str, *, create: bool = False) -> SiteRef:
    from govinspect.store.stats_repo import resolve_site

    return resolve_site(database, ref, create=create)


def _percent(value: float | None) -> str:
    return f"{value * 100:.2f}%" if value is not None else "—"


def _number(value: float | None, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if value is not None else "—"


# --- import ------------------------------------------------------------------------------------


@import_app.command("logs")
def import_logs(
    files: Annotated[list[Path], typer.Argument(help="访问日志文件（nginx/Apache combined 或 IIS W3C，可为 .gz）")],
    site: SiteOption,
    db: DbOption = None,
    session_gap: Annotated[float | None, typer.Option("--session-gap", help="会话间隔（分钟，默认 30）")] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", help="按此时区划分日期（默认 +08:00）")] = None,
) -> None:
    """导入访问日志：逐个文件统计 PV、访问次数、访客与跳出，按天保存；同一文件重复导入不会重复计数。"""

    def body() -> int:
        from govinspect.stats.logimport import LogOptions, import_log_file

        database = _open(db)
        target = _site(database, site, create=True)
        options = LogOptions(gap_minutes=session_gap, timezone=timezone)
        failed = 0
        for path in files:
            try:
                with console.status(f"正在导入 {path.name}…"):
                    report = import_log_file(database, target.id, path, options)
            except StatsError as exc:
                failed += 1
                err_console.print(f"[bold red]✗ {path}：[/]{exc}", highlight=False)
                continue
            if report.status == "duplicate":
                console.print(f"[yellow]－ {path.name}：已导入过（与 {report.duplicate_of} 内容相同），未重复计数[/]", highlight=False)
                continue
            result = report.result
            assert result is not None
            skipped = f"，其中前 {report.lines_skipped} 行此前已导入、本次跳过" if report.lines_skipped else ""
            console.print(
                f"[green]✓ {path.name}[/]：{report.lines} 行（{report.format}）{skipped}；"
                f"PV {result.pv}，访问 {result.visits} 次，跳出 {result.bounces} 次，覆盖 {len(result.days)} 天",
                highlight=False,
            )
            if report.lines_bad:
                examples = "；".join(f"第 {b.number} 行：{b.text[:80]}" for b in report.bad_examples)
                console.print(f"  [yellow]无法识别的行 {report.lines_bad} 行，已跳过[/]（{examples}）", highlight=False)
        console.print(f"站点：{target.label}", highlight=False)
        return failed

    if _guarded(body):
        raise typer.Exit(1)


@import_app.command("messages")
def import_messages_command(
    file: Annotated[Path, typer.Argument(help="留言导出表（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK）")],
    site: SiteOption,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="列名映射 YAML 文件，如 columns: {留言时间: 来信日期}")] = None,
    db: DbOption = None,
) -> None:
    """导入留言（信件）导出表：列名自动识别，可用映射文件指定；重复导入只更新、不重复。"""

    def body() -> None:
        from govinspect.stats.messages import import_messages

        database = _open(db)
        target = _site(database, site, create=True)
        report = import_messages(database, target.id, file, mapping)
        columns = "，".join(f"{field}←“{text}”" for field, text in report.columns.items())
        console.print(f"识别的列（{report.where}）：{columns}", highlight=False)
        if report.status == "duplicate":
            console.print(f"[yellow]－ {file.name}：此文件已导入过，未作改动[/]", highlight=False)
            return
        console.print(
            f"[green]✓ {file.name}[/]：{report.rows} 条留言，新增 {report.new}，更新 {report.updated}，"
            f"未变 {report.unchanged}；站点：{target.label}",
            highlight=False,
        )
        if report.bad_count:
            examples = "；".join(f"第 {b.number} 行：{b.reason}" for b in report.bad)
            console.print(f"  [yellow]有问题的行 {report.bad_count} 行，已跳过[/]（{examples}）", highlight=False)

    _guarded(body)


# --- stats -------------------------------------------------------------------------------------


def _period(year: int | None, quarter: str | None, month: str | None, start: str | None, end: str | None) -> Any:
    from govinspect.stats.period import choose

    return choose(year_value=year, quarter_text=quarter, month_text=month, start=start, end=end)


@stats_app.command("traffic")
def traffic_command(
    site: SiteOption,
    year: YearOption = None,
    quarter: QuarterOption = None,
    month: MonthOption = None,
    start: FromOption = None,
    end: ToOption = None,
    top: Annotated[int | None, typer.Option("--top", help="列出 PV 最多的栏目数")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    db: DbOption = None,
) -> None:
    """某一期间的访问统计：PV、访问次数、访客、跳出率、人均浏览量、日均值与热门栏目。"""

    def body() -> None:
        from govinspect.stats.summary import traffic_summary

        period = _period(year, quarter, month, start, end)
        database = _open(db)
        target = _site(database, site)
        s = traffic_summary(database, target.id, period, top)
        if as_json:
            data = {
                "site": target.url, "start": period.start.isoformat(), "end": period.end.isoformat(),
                "days_with_data": s.days_with_data, "pv": s.pv, "visits": s.visits, "visitors": s.visitors,
                "visitor_days": s.visitor_days, "bounces": s.bounces, "bounce_rate": s.bounce_rate,
                "pv_per_visit": s.pv_per_visit, "daily_pv": s.daily_pv, "daily_visits": s.daily_visits,
                "daily_visitors": s.daily_visitors, "hits": s.hits, "bot_hits": s.bot_hits,
                "top_columns": [{"column": c, "pv": n} for c, n in s.top_columns],
            }
            console.print_json(json.dumps(data, ensure_ascii=False))
            return
        if not s.has_data:
            console.print(f"{period.label}没有 {target.label} 的访问日志数据（用 govinspect import logs 导入）", highlight=False)
            return
        table = Table(title=f"{target.label} {period.label}访问统计", show_header=True)
        table.add_column("指标")
        table.add_column("数值", justify="right")
        for label, value in (
            ("有日志的天数", f"{s.days_with_data} / {period.days}"),
            ("页面浏览量（PV）", str(s.pv)),
            ("访问次数", str(s.visits)),
            ("独立访客（全期去重）", str(s.visitors)),
            ("跳出率", _percent(s.bounce_rate)),
            ("人均页面浏览量（页/次）", _number(s.pv_per_visit)),
            ("日均 PV", _number(s.daily_pv, 1)),
            ("日均访问次数", _number(s.daily_visits, 1)),
            ("日均访客", _number(s.daily_visitors, 1)),
            ("全部请求 / 其中爬虫", f"{s.hits} / {s.bot_hits}"),
        ):
            table.add_row(label, value)
        console.print(table)
        if s.top_columns:
            columns = Table(title="PV 最多的栏目")
            columns.add_column("栏目")
            columns.add_column("PV", justify="right")
            columns.add_column("占比", justify="right")
            for path, pv in s.top_columns:
                columns.add_row(path, str(pv), _percent(pv / s.pv if s.pv else None))
            console.print(columns)

    _guarded(body)


@stats_app.command("messages")
def messages_command(
    site: SiteOption,
    year: YearOption = None,
    quarter: QuarterOption = None,
    month: MonthOption = None,
    start: FromOption = None,
    end: ToOption = None,
    scan: Annotated[int | None, typer.Option("--scan", help="合并此次扫描从留言板读到的留言（按日期+标题去重）")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="统计时点（日期），默认期末")] = None,
    overdue_months: Annotated[int | None, typer.Option("--overdue-months", help="超过几个月未答复算超期（默认 3）")] = None,
    db: DbOption = None,
) -> None:
    """某一期间的留言办理统计：收到、已答复、答复率、平均与最长答复天数、超期未答复。"""

    def body() -> None:
        from govinspect.stats.msgstats import message_summary
        from govinspect.stats.period import parse_day

        period = _period(year, quarter, month, start, end)
        if overdue_months is not None and overdue_months < 1:
            raise StatsError("--overdue-months 至少为 1")
        moment = datetime.combine(parse_day(as_of), datetime.max.time()) if as_of else None
        database = _open(db)
        target = _site(database, site)
        if scan is not None and database.scan(scan) is None:
            raise StatsError(f"没有编号为 {scan} 的扫描")
        m = message_summary(database, target.id, period, scan_id=scan, as_of=moment, overdue_months=overdue_months)
        table = Table(title=f"{target.label} {period.label}留言办理统计（截至 {m.as_of:%Y-%m-%d}）")
        table.add_column("指标")
        table.add_column("数值", justify="right")
        for label, value in (
            ("收到留言", str(m.received)),
            ("已答复（办结）", str(m.answered)),
            ("答复率", _percent(m.answer_rate)),
            ("平均答复天数", _number(m.average_days, 1)),
            ("最长答复天数", str(m.longest_days) if m.longest_days is not None else "—"),
            ("超期答复", str(m.answered_late)),
            ("超期未答复（近一年）", str(len(m.overdue))),
        ):
            table.add_row(label, value)
        console.print(table)
        if m.overdue:
            console.print("[red]超期未答复的留言：[/]")
            for message in m.overdue[:20]:
                console.print(f"  {message.received_at:%Y-%m-%d}  {message.title}  {message.unit or ''}", highlight=False)
        if m.by_unit:
            units = Table(title="按办理单位")
            units.add_column("办理单位")
            units.add_column("收到", justify="right")
            units.add_column("已答复", justify="right")
            for u in m.by_unit:
                units.add_row(u.unit, str(u.received), str(u.answered))
            console.print(units)

    _guarded(body)


@stats_app.command("annual")
def annual_command(
    year: Annotated[int, typer.Option("--year", help="年度，如 2026")],
    site: SiteOption,
    out: Annotated[Path, typer.Option("--out", help="输出的 .xlsx 文件")],
    scan: Annotated[int | None, typer.Option("--scan", help="用此次扫描统计信息发布量（默认最近一次完成的扫描）")] = None,
    db: DbOption = None,
) -> None:
    """生成政府网站工作年度报表（.xlsx）：可计算的数值自动填入，其余标为“待填”。"""

    def body() -> None:
        from govinspect.stats.annual import annual_figures, write_annual_xlsx

        if out.suffix.lower() != ".xlsx":
            raise StatsError(f"输出文件应为 .xlsx：{out}")
        database = _open(db)
        target = _site(database, site)
        figures = annual_figures(database, target, year, scan)
        write_annual_xlsx(figures, out)
        console.print(
            f"已生成 {out}：访客 {figures.traffic.visitors}，访问 {figures.traffic.visits} 次，PV {figures.traffic.pv}；"
            f"留言 {figures.messages.received} 件，已答复 {figures.messages.answered} 件",
            highlight=False,
        )

    _guarded(body)

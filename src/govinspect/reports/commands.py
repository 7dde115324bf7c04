"""Command line of the reports: ``govinspect report quarterly|monthly|weekly|excel``.

A Typer sub-app (``report_app``) that cli.py mounts. Self-contained (error handling shared with every command group through govinspect.commandline; no import of govinspect.cli,
which mounts it): every foreseeable user error becomes one red line and exit code 2.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from govinspect.commandline import DbOption
from govinspect.commandline import guarded as _guarded
from govinspect.reports.errors import ReportError
from govinspect.settings import Settings, db_url_from
from govinspect.store.db import Database, open_database
from govinspect.workflow.clock import CHINA, utcnow

report_app = typer.Typer(
    help="季度自查整改报告、月度通报、每周工作提示与问题清单（Excel）", no_args_is_help=True, add_completion=False
)
console = Console(soft_wrap=True)
T = TypeVar("T")

UnitOption = Annotated[str | None, typer.Option("--unit", help="只含该单位（及其下级单位）的网站和问题：编号或名称", show_default=False)]
OrgOption = Annotated[str | None, typer.Option("--org", help="落款单位名称（默认：所选单位或门户网站的主办单位）", show_default=False)]
DateOption = Annotated[str | None, typer.Option("--date", help="落款日期，如 2026-07-05（默认今天）", show_default=False)]
PdfOption = Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转换为 PDF")]




def _open(db: str | None) -> Database:
    settings = Settings()
    return open_database(db_url_from(db) if db else db_url_from(settings.db))


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ReportError(f"{option} 的日期 {text!r} 无法识别（示例：2026-07-05）") from exc


def _moment(text: str | None, option: str) -> datetime:
    """A day as given (noon, China time), or now."""
    if text is None:
        return utcnow()
    return datetime.combine(_day(text, option), time(12, 0), tzinfo=CHINA)


def _end_of(text: str | None, option: str) -> datetime:
    """The end of a given day (China time), or now: what a reminder "as of" that day sees."""
    if text is None:
        return utcnow()
    return datetime.combine(_day(text, option), time(23, 59, 59), tzinfo=CHINA)


def _check_out(out: Path, suffix: str) -> None:
    if out.suffix.lower() != suffix:
        raise ReportError(f"--out 应以 {suffix} 结尾：{out}")
    if not out.parent.is_dir():
        raise ReportError(f"输出目录不存在：{out.parent}")


def _pdf(out: Path) -> None:
    from govinspect.reports.pdf import convert_to_pdf

    with console.status("正在用 LibreOffice 转换为 PDF…"):
        pdf = convert_to_pdf(out)
    console.print(f"[green]✓[/] PDF：{pdf}", highlight=False)


@report_app.command("quarterly")
def quarterly_command(
    quarter: Annotated[str, typer.Option("--quarter", help="季度，如 2026Q2")],
    out: Annotated[Path, typer.Option("--out", help="输出的 Word 文件（.docx）")],
    unit: UnitOption = None,
    org: OrgOption = None,
    day: DateOption = None,
    figures: Annotated[Path | None, typer.Option("--figures", help="另存各数字及其数据来源（JSON）", show_default=False)] = None,
    pdf: PdfOption = False,
    db: DbOption = None,
) -> None:
    """季度自查整改情况报告（GB/T 9704 公文格式）：总体情况、存在的问题、整改情况、政务新媒体、工作计划，附问题清单。"""

    def body() -> None:
        from govinspect.reports.quarterly import write_figures, write_quarterly_report

        _check_out(out, ".docx")
        database = _open(db)
        with console.status("正在汇总本季度数据并生成报告…"):
            data = write_quarterly_report(database, quarter, out, unit=unit, now=_moment(day, "--date"), org=org)
        if figures is not None:
            write_figures(data, figures)
        t = data.total
        console.print(
            f"[green]✓[/] {data.window.label}报告：{out}；网站 {len(data.scanned_sites)} 个，问题 {t.counted} 个，"
            f"已整改 {t.closed} 个" + (f"；数字来源：{figures}" if figures else ""),
            highlight=False,
        )
        if pdf:
            _pdf(out)

    _guarded(body)


@report_app.command("monthly")
def monthly_command(
    month: Annotated[str, typer.Option("--month", help="月份，如 2026-05")],
    out: Annotated[Path, typer.Option("--out", help="输出的 Word 文件（.docx）")],
    unit: UnitOption = None,
    org: OrgOption = None,
    day: DateOption = None,
    pdf: PdfOption = False,
    db: DbOption = None,
) -> None:
    """月度通报：各网站得分与结论、各单位问题整改情况与完成率排名。"""

    def body() -> None:
        from govinspect.reports.circular import write_circular

        _check_out(out, ".docx")
        database = _open(db)
        with console.status("正在汇总本月数据并生成通报…"):
            data = write_circular(database, month, out, unit=unit, now=_moment(day, "--date"), org=org)
        console.print(
            f"[green]✓[/] {data.window.label}通报：{out}；网站 {len(data.scanned_sites)} 个，问题 {data.total.counted} 个",
            highlight=False,
        )
        if pdf:
            _pdf(out)

    _guarded(body)


@report_app.command("weekly")
def weekly_command(
    out: Annotated[Path, typer.Option("--out", help="输出的 Word 文件（.docx）")],
    at: Annotated[str | None, typer.Option("--at", help="提示日期，如 2026-06-15（默认今天）", show_default=False)] = None,
    unit: UnitOption = None,
    org: OrgOption = None,
    pdf: PdfOption = False,
    db: DbOption = None,
) -> None:
    """每周工作提示：已超过或即将达到更新时限的栏目、空白栏目，按责任单位列出。"""

    def body() -> None:
        from govinspect.reports.reminder import NEAR, OVER, write_reminder

        _check_out(out, ".docx")
        database = _open(db)
        data = write_reminder(database, out, unit=unit, now=_end_of(at, "--at"), org=org)
        console.print(
            f"[green]✓[/] 工作提示：{out}；已超期栏目 {len(data.of(OVER))} 个，即将到期 {len(data.of(NEAR))} 个",
            highlight=False,
        )
        if pdf:
            _pdf(out)

    _guarded(body)


@report_app.command("excel")
def excel_command(
    out: Annotated[Path, typer.Option("--out", help="输出的 Excel 文件（.xlsx）")],
    quarter: Annotated[str | None, typer.Option("--quarter", help="只含该季度发现的问题，如 2026Q2", show_default=False)] = None,
    month: Annotated[str | None, typer.Option("--month", help="只含该月发现的问题，如 2026-05", show_default=False)] = None,
    start: Annotated[str | None, typer.Option("--from", help="发现日期起，如 2026-04-01", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--to", help="发现日期止（含），如 2026-06-30", show_default=False)] = None,
    unit: UnitOption = None,
    single_sheet: Annotated[bool, typer.Option("--single-sheet", help="不按单位分表，只输出汇总与全部问题两张表")] = False,
    db: DbOption = None,
) -> None:
    """按单位导出问题清单（Excel）：汇总表、全部问题表和每个单位一张表，带超链接、筛选和冻结表头。
    给出期间时，列出该期间发现的问题及其期末状态；不给时列出全部问题的当前状态。"""

    def body() -> None:
        from govinspect.reports.excel import write_excel
        from govinspect.reports.scope import Window, days_window, month_window, quarter_window

        _check_out(out, ".xlsx")
        chosen = [quarter is not None, month is not None, start is not None or end is not None]
        if sum(chosen) > 1:
            raise ReportError("请只用一种方式指定期间：--quarter、--month 或 --from/--to")
        if (start is None) != (end is None):
            raise ReportError("--from 与 --to 须同时给出")
        window: Window | None = None
        if quarter is not None:
            window = quarter_window(quarter)
        elif month is not None:
            window = month_window(month)
        elif start is not None and end is not None:
            window = days_window(start, end)
        database = _open(db)
        items = write_excel(database, out, unit=unit, window=window, per_unit=not single_sheet)
        label = window.label if window else "全部"
        console.print(f"[green]✓[/] 问题清单（{label}）：{out}；问题 {len(items)} 个", highlight=False)

    _guarded(body)

"""The reports the console offers for download, made by the report stage's own functions
(govinspect.reports: quarterly, circular, reminder, excel) — the console only decides who may ask
for what, and holds a unit account to its own unit.

The problem list (Excel) is the list the user sees under the problem page's filters, written by
reports.excel's workbook writer; should that module be missing, findings_export writes it.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from govinspect.store.db import Database
from govinspect.web import queries
from govinspect.web.access import Access
from govinspect.workflow.clock import CHINA, as_utc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_QUARTER = re.compile(r"^(\d{4})\s*[Qq季]\s*([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class ReportError(ValueError):
    """A report that cannot be made; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class ReportRequest:
    db: Database
    access: Access
    now: datetime
    period: str | None = None  # 2026Q2 for quarterly reports, 2026-05 for monthly ones
    unit_id: int | None = None
    unit_name: str | None = None
    filters: queries.ProblemFilters | None = None
    max_rows: int = 100_000


@dataclass(frozen=True)
class ReportKind:
    id: str
    label: str
    description: str
    suffix: str
    media_type: str
    period: str | None  # quarter | month | None
    module: str  # the report stage's module that makes it
    write: Callable[[ReportRequest, Path], None]

    @property
    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    @property
    def note_when_missing(self) -> str:
        return f"报告模块 {self.module} 未安装，暂不能生成。"


def _write_quarterly(request: ReportRequest, out: Path) -> None:
    from govinspect.reports.quarterly import write_quarterly_report

    assert request.period is not None
    write_quarterly_report(request.db, request.period, out, unit=request.unit_name, now=request.now)


def _write_circular(request: ReportRequest, out: Path) -> None:
    from govinspect.reports.circular import write_circular

    assert request.period is not None
    write_circular(request.db, request.period, out, unit=request.unit_name, now=request.now)


def _write_reminder(request: ReportRequest, out: Path) -> None:
    from govinspect.reports.reminder import write_reminder

    write_reminder(request.db, out, unit=request.unit_name, now=request.now)


def _write_problem_list(request: ReportRequest, out: Path) -> None:
    filters = request.filters or queries.ProblemFilters()
    page = queries.problem_page(request.db, request.access, filters, now=request.now, page=1, size=request.max_rows)
    if page.total > request.max_rows:
        raise ReportError(f"符合条件的问题有 {page.total} 个，超过单次导出上限 {request.max_rows}，请缩小筛选范围")
    if importlib.util.find_spec("govinspect.reports.excel") is None:
        from govinspect.reports.findings_export import write_xlsx

        write_xlsx([p.finding() for p in page.items], out)
        return
    from govinspect.reports.excel import write_problems_workbook
    from govinspect.reports.problems import ProblemAt

    items = [ProblemAt(problem=p, state=p.state, closed_at=p.closed_at, overdue=p.overdue(request.now))
             for p in page.items]
    write_problems_workbook(items, out, queries.site_names(request.db), per_unit=True)


KINDS: dict[str, ReportKind] = {
    kind.id: kind
    for kind in (
        ReportKind(
            id="problems", label="问题清单（Excel）",
            description="按“问题”页的筛选条件导出可见的问题：汇总表、全部问题表和每个单位一张表，带超链接、筛选和冻结表头。",
            suffix=".xlsx", media_type=XLSX, period=None, module="govinspect.reports.findings_export",
            write=_write_problem_list,
        ),
        ReportKind(
            id="quarterly", label="季度自查整改情况报告（Word）",
            description="GB/T 9704-2012 公文格式的季度报告草稿：总体情况、存在的问题、整改情况、政务新媒体、工作计划，附问题清单；数字均取自数据库。",
            suffix=".docx", media_type=DOCX, period="quarter", module="govinspect.reports.quarterly",
            write=_write_quarterly,
        ),
        ReportKind(
            id="circular", label="月度通报（Word）",
            description="各网站得分与结论、各单位问题整改情况与完成率排名。",
            suffix=".docx", media_type=DOCX, period="month", module="govinspect.reports.circular",
            write=_write_circular,
        ),
        ReportKind(
            id="reminder", label="每周工作提示（Word）",
            description="已超过或即将达到更新时限的栏目、空白栏目，按责任单位列出。",
            suffix=".docx", media_type=DOCX, period=None, module="govinspect.reports.reminder",
            write=_write_reminder,
        ),
    )
}


def kinds_for(access: Access) -> list[ReportKind]:
    """Every report, for every role: a unit account gets its own unit's version of each."""
    return list(KINDS.values())


def default_period(kind: ReportKind, now: datetime) -> str:
    day = as_utc(now).astimezone(CHINA).date()
    if kind.period == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if kind.period == "month":
        return f"{day.year}-{day.month:02d}"
    return ""


def check_period(kind: ReportKind, value: str | None) -> str | None:
    if kind.period is None:
        return None
    text = (value or "").strip()
    pattern = _QUARTER if kind.period == "quarter" else _MONTH
    match = pattern.match(text)
    if not match:
        example = "2026Q2" if kind.period == "quarter" else "2026-05"
        raise ReportError(f"时间段 {text or '（空）'} 无效，应写作 {example}")
    if kind.period == "month" and not 1 <= int(match.group(2)) <= 12:
        raise ReportError(f"月份无效：{text}")
    return text


def file_name(kind: ReportKind, request: ReportRequest) -> str:
    stamp = request.period or as_utc(request.now).astimezone(CHINA).strftime("%Y%m%d")
    unit = f"-{request.unit_name}" if request.unit_name else ""
    return f"{kind.label.split('（')[0]}-{stamp}{unit}{kind.suffix}"


def build(kind: ReportKind, request: ReportRequest) -> bytes:
    """The report's bytes; raises ReportError with the reason when it cannot be made."""
    if not kind.available:
        raise ReportError(kind.note_when_missing)
    with tempfile.TemporaryDirectory(prefix="govinspect-report-") as folder:
        out = Path(folder) / f"report{kind.suffix}"
        try:
            kind.write(request, out)
        except ReportError:
            raise
        except ValueError as exc:  # the report stage's own ReportError (a ValueError) and bad periods
            raise ReportError(str(exc)) from exc
        if not out.exists():
            raise ReportError(f"{kind.label} 未生成文件")
        return out.read_bytes()

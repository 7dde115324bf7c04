"""Problems per unit as an Excel workbook (openpyxl).

Sheets: 汇总 (per unit: total, 误报, 已销号, 不予整改, pending, overdue, completion rate), 全部问题
(every problem, with a unit column), then one sheet per unit. Every sheet has a bold frozen header
row and an auto-filter; page and target URLs are hyperlinks. Text is always stored as text, so an
evidence string beginning with "=" can never become a formula. Columns: data/reports/excel.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from govinspect.findings import code_name
from govinspect.reports.config import ExcelColumn, ExcelLayout, excel_layout
from govinspect.reports.errors import ReportError
from govinspect.reports.numbers import percent
from govinspect.reports.problems import ProblemAt, current, found_in, overall, tally
from govinspect.reports.scope import Window, resolve_scope
from govinspect.store import registry_repo
from govinspect.store.db import Database
from govinspect.workflow.clock import show, utcnow
from govinspect.workflow.rates import UnitRate
from govinspect.workflow.states import label as state_label
from govinspect.xlsx import write_sheet

SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
_URL_KEYS = ("page", "target")


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unused sheet name: forbidden characters replaced, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "_"
    candidate = base[:_SHEET_MAX]
    n = 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        candidate = base[: _SHEET_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def problem_row(item: ProblemAt, site_names: dict[int, str]) -> dict[str, Any]:
    p = item.problem
    return {
        "id": p.id,
        "unit": item.unit,
        "site": site_names.get(p.site_id) or p.site_url,
        "kind": code_name(p.code),
        "severity": SEVERITY_LABELS.get(p.severity, p.severity),
        "page": p.page,
        "target": p.target or "",
        "evidence": p.evidence or "",
        "suggestion": p.suggestion or "",
        "state": state_label(item.state),
        "found": show(p.first_seen_at),
        "deadline": show(p.deadline) if p.deadline else "",
        "closed": show(item.closed_at) if item.closed_at else "",
        "overdue": "是" if item.overdue else "否",
    }


def summary_row(rate: UnitRate) -> dict[str, Any]:
    return {
        "unit": rate.unit, "total": rate.total, "false_alarm": rate.false_alarm, "closed": rate.closed,
        "wontfix": rate.wontfix, "pending": rate.pending, "overdue": rate.overdue, "rate": percent(rate.rate),
    }


def _write_sheet(sheet: Worksheet, columns: Sequence[ExcelColumn], rows: Sequence[dict[str, Any]]) -> None:
    keys = [c.key for c in columns]
    write_sheet(
        sheet, [c.label for c in columns], [[row[k] for k in keys] for row in rows],
        widths=[c.width for c in columns], link_columns=[i for i, k in enumerate(keys) if k in _URL_KEYS],
    )


def write_problems_workbook(
    items: list[ProblemAt], out: Path, site_names: dict[int, str], *, per_unit: bool = True,
    layout: ExcelLayout | None = None,
) -> list[str]:
    """Write the workbook; returns the sheet names in order."""
    if out.suffix.lower() != ".xlsx":
        raise ReportError(f"输出文件应以 .xlsx 结尾：{out}")
    if not out.parent.is_dir():
        raise ReportError(f"输出目录不存在：{out.parent}")
    layout = layout or excel_layout()
    book = Workbook()
    taken: set[str] = set()
    summary = book.active
    assert summary is not None
    summary.title = sheet_name(layout.summary_sheet, taken)
    units = sorted(tally(items, lambda i: i.unit).values(), key=lambda r: r.unit)
    _write_sheet(summary, layout.summary_columns, [summary_row(u) for u in units] + [summary_row(overall(items))])
    rows = [problem_row(i, site_names) for i in sorted(items, key=lambda i: (i.unit, i.problem.id))]
    _write_sheet(book.create_sheet(sheet_name(layout.all_sheet, taken)), layout.columns, rows)
    if per_unit:
        for unit in units:
            own = [r for r in rows if r["unit"] == unit.unit]
            _write_sheet(book.create_sheet(sheet_name(unit.unit, taken)), layout.columns, own)
    book.save(out)
    return list(book.sheetnames)


def write_excel(
    db: Database, out: Path, *, unit: str | None = None, window: Window | None = None, now: datetime | None = None,
    per_unit: bool = True,
) -> list[ProblemAt]:
    """Problems of the scope: first found in ``window`` with their state at its end, or (no window)
    every problem as it stands now. Returns the problems written."""
    scope = resolve_scope(db, unit)
    items = found_in(db, scope, window) if window is not None else current(db, scope, now or utcnow())
    names = {s.id: s.name for s in registry_repo.list_sites(db) if s.name}
    write_problems_workbook(items, out, names, per_unit=per_unit)
    return items

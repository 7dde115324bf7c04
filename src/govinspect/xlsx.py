"""One Excel worksheet from rows of values: bold header, set widths, filter, frozen header row.

Every string is written as text, never as a formula: evidence and titles come from crawled pages
and posts, and a cell reading ``=HYPERLINK(...)`` must not run when a supervisor opens the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


def write_sheet(
    sheet: Worksheet,
    labels: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    widths: Sequence[float],
    link_columns: Sequence[int] = (),
) -> None:
    """``rows`` under ``labels``; strings in the 0-based ``link_columns`` that are web addresses become links."""
    sheet.append(list(labels))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the page printed
                if c - 1 in link_columns and value.startswith(("http://", "https://")):
                    cell.hyperlink = value
                    cell.style = "Hyperlink"
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{max(1, len(rows) + 1)}"

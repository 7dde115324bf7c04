"""Spreadsheet exports as grids of cell values: .xlsx (merged cells filled in) and .csv (any encoding).

Exports of mailbox systems often carry a title row and grouped headers ("留言信息" over three
columns, "编号" merged over two header rows). Filling every merged range with its top-left value
makes each header cell readable on its own, which is all the header finder needs.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govinspect.parse.encoding import decode_html
from govinspect.stats.errors import StatsError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_SNIFF_BYTES = 8192


@dataclass
class Grid:
    """Rows of cell values (str, numbers, datetimes or None); ``where`` says sheet or encoding."""

    rows: list[list[Any]]
    where: str


def read_grid(path: Path) -> Grid:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix == ".xls":
        raise StatsError(f"不支持旧版 Excel 文件（.xls）：{path}；请在 Excel/WPS 中另存为 .xlsx 或 .csv 后导入")
    raise StatsError(f"不支持的文件类型：{path}（支持 .xlsx 与 .csv）")


def _read_excel(path: Path) -> Grid:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # not read_only: merged ranges are only known to a fully loaded sheet
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise StatsError(f"无法读取 Excel 文件 {path}：文件已损坏或不是 .xlsx 格式（{exc}）") from exc
    sheet = book.active if book.active is not None else book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            row = rows[r]
            if len(row) < merged.max_col:
                row.extend([None] * (merged.max_col - len(row)))
            for c in range(merged.min_col - 1, merged.max_col):
                row[c] = value
    return Grid(rows=rows, where=f"工作表“{sheet.title}”")


def _read_csv(path: Path) -> Grid:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StatsError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    text, encoding = decode_html(data)
    sample = text[:_SNIFF_BYTES]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    try:
        rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise StatsError(f"无法解析 CSV 文件 {path}：{exc}") from exc
    return Grid(rows=rows, where=f"编码 {encoding}")

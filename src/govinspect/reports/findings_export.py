"""Export a scan's findings as JSON (the spec's format), CSV or Excel."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from govinspect.findings import Finding, code_name

COLUMNS = [
    ("code", "问题代码"),
    ("name", "问题类型"),
    ("severity", "级别"),
    ("page", "所在页面"),
    ("target", "目标地址"),
    ("evidence", "原文"),
    ("suggestion", "建议"),
    ("detail", "详情"),
]
SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}


def _row(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "name": code_name(f.code),
        "severity": SEVERITY_LABELS.get(f.severity or "", f.severity),
        "page": f.page,
        "target": f.target or "",
        "evidence": f.evidence or "",
        "suggestion": f.suggestion or "",
        "detail": json.dumps(f.detail, ensure_ascii=False, sort_keys=True) if f.detail else "",
    }


def write_json(document: dict[str, Any], out: Path) -> None:
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_csv(findings: list[Finding], out: Path) -> None:
    # utf-8-sig: Excel on Windows opens it with the Chinese intact
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([label for _, label in COLUMNS])
        for f in findings:
            row = _row(f)
            writer.writerow([row[key] for key, _ in COLUMNS])


def write_xlsx(findings: list[Finding], out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, f in enumerate(findings, start=2):
        row = _row(f)
        ws.append([row[key] for key, _ in COLUMNS])
        for col_key in ("page", "target"):
            value = row[col_key]
            if value.startswith(("http://", "https://")):
                cell = ws.cell(row=i, column=[k for k, _ in COLUMNS].index(col_key) + 1)
                cell.hyperlink = value
                cell.style = "Hyperlink"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(findings) + 1)}"
    widths = {"code": 22, "name": 20, "severity": 10, "page": 60, "target": 60, "evidence": 30, "suggestion": 20}
    for idx, (key, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = widths.get(key, 30)
    wb.save(out)

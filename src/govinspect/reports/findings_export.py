"""Export a scan's findings as JSON (the spec's format), CSV or Excel."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from govinspect.findings import Finding, code_name
from govinspect.xlsx import write_sheet

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
    keys = [key for key, _ in COLUMNS]
    widths = {"code": 22, "name": 20, "severity": 10, "page": 60, "target": 60, "evidence": 30, "suggestion": 20}
    write_sheet(
        ws, [label for _, label in COLUMNS], [[_row(f)[k] for k in keys] for f in findings],
        widths=[widths.get(k, 30) for k in keys], link_columns=[keys.index("page"), keys.index("target")],
    )
    wb.save(out)

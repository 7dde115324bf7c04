"""The findings workbook: what a crawled page printed is text in Excel, never a formula."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from govinspect.findings import Finding
from govinspect.reports.findings_export import write_xlsx


def test_evidence_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://127.0.0.9/","点我")'
    found = [Finding("typo", page="http://127.0.0.1:8080/a.html", evidence=evil, suggestion="+1+1")]
    out = tmp_path / "问题.xlsx"
    write_xlsx(found, out)
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if c.value}
    assert cells[evil].data_type == "s" and cells["+1+1"].data_type == "s"
    page = cells["http://127.0.0.1:8080/a.html"]
    assert page.hyperlink is not None and page.hyperlink.target == "http://127.0.0.1:8080/a.html"
    assert sheet.freeze_panes == "A2"

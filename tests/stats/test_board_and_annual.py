"""Board messages from a scan merged with imported ones; the annual report table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govinspect.stats.annual import BLANK, annual_figures, write_annual_xlsx
from govinspect.stats.board import board_messages, messages_from_scan
from govinspect.stats.logimport import import_log_file
from govinspect.stats.messages import import_messages
from govinspect.stats.msgstats import message_summary
from govinspect.stats.period import quarter
from tests.stats.conftest import SITE_URL
from tests.stats.exports import write_merged_xlsx
from tests.stats.logs import COMBINED
from tests.stats.scans import stored_scan

BOARD = SITE_URL + "col/hdjl/index.html"
DETAIL = SITE_URL + "col/hdjl/9.html"
PAGES = {
    SITE_URL: {"page_kind": "other"},
    BOARD: {
        "messages": [
            # the same message as XJ001 of the export (day and title): left out
            {"url": SITE_URL + "col/hdjl/1.html", "title": "关于小区停车难的问题", "asked": "2026-04-01",
             "answered": None, "status": "answered", "status_text": "已回复"},
            {"url": DETAIL, "title": "新留言", "asked": "2026-05-02", "answered": None,
             "status": "unanswered", "status_text": "未回复"},
            {"url": None, "title": "没有日期的留言", "asked": None, "answered": None, "status": None},
        ],
        "listing": {"list": True, "column_name": "通知公告", "items": [
            {"date": "2026-03-01", "url": SITE_URL + "col/tzgg/a.html", "title": "甲"},
            {"date": "2025-12-01", "url": SITE_URL + "col/tzgg/b.html", "title": "乙"},
            {"date": "--05-01", "url": SITE_URL + "col/tzgg/c.html", "title": "丙"},
        ]},
    },
    # the message's own page says it was answered on 6 May: it wins over the list row
    DETAIL: {"messages": [{"url": DETAIL, "title": "新留言", "asked": "2026-05-02", "answered": "2026-05-06",
                           "status": "answered", "status_text": "已回复"}]},
    SITE_URL + "col/tzgg/a.html": {"pub_date": {"date": "2026-03-01"}},
    SITE_URL + "col/zwdt/d.html": {"pub_date": {"date": "2026-06-01"}},
}


def test_board_messages_are_merged_and_deduplicated(db, site, tmp_path):
    scan_id = stored_scan(db, site.id, SITE_URL, PAGES)
    everything = board_messages(db, scan_id)
    assert [m.title for m in everything] == ["关于小区停车难的问题", "新留言"]
    import_messages(db, site.id, write_merged_xlsx(tmp_path / "letters.xlsx"))
    fresh = messages_from_scan(db, scan_id)
    assert len(fresh) == 1
    assert fresh[0].title == "新留言"
    assert fresh[0].answered_at == datetime(2026, 5, 6)
    assert fresh[0].source == "scan"
    m = message_summary(db, site.id, quarter("2026Q2"), scan_id=scan_id)
    assert (m.received, m.answered) == (6, 4)  # the export's 5 and 3, plus the board's one
    assert m.average_days == pytest.approx((2 + 10 + 4) / 3)
    assert m.sources == {"import": 5, "scan": 1}


def _row_values(path: Path) -> dict[str, object]:
    sheet = load_workbook(path)["年度报表"]
    return {str(r[1]): r[2] for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]}


def test_annual_table_fills_what_the_database_knows(db, site, tmp_path):
    import_log_file(db, site.id, _write(tmp_path / "access.log", COMBINED))
    import_messages(db, site.id, write_merged_xlsx(tmp_path / "letters.xlsx"))
    stored_scan(db, site.id, SITE_URL, PAGES)
    figures = annual_figures(db, site, 2026)
    out = write_annual_xlsx(figures, tmp_path / "out" / "annual.xlsx")
    values = _row_values(out)
    assert values["首页网址"] == SITE_URL
    assert values["独立用户访问总量"] == 4
    assert values["网站总访问量"] == 7
    # 2026 items: a.html (list and page) and d.html; b.html is 2025's, c.html has no year
    assert values["总数"] == 2
    # the year's messages: XJ001, 002, 003, 005, 006, 007 and the board's; answered by 31 December:
    # XJ001, 002, 005, 007 and the board's
    assert values["留言办理：收到留言数量"] == 7
    assert values["留言办理：办结留言数量"] == 5
    assert values["留言办理：平均办理时间"] == pytest.approx((2 + 10 + 4 + 4) / 4)
    assert values["主办单位"] == BLANK
    assert values["政府网站标识码"] == BLANK
    book = load_workbook(out)
    assert book.sheetnames == ["年度报表", "计算依据", "每日访问"]
    basis = {r[0]: r[1] for r in book["计算依据"].iter_rows(values_only=True) if r and r[0]}
    assert basis["页面浏览量（PV）"] == 10
    assert basis["跳出率"] == pytest.approx(0.7143, abs=1e-4)
    assert book["每日访问"].max_row == 3  # header and two days


def test_annual_table_without_data_is_all_marked_blanks(db, site, tmp_path):
    out = write_annual_xlsx(annual_figures(db, site, 2025), tmp_path / "annual.xlsx")
    values = _row_values(out)
    assert values["独立用户访问总量"] == BLANK
    assert values["留言办理：收到留言数量"] == BLANK
    assert values["总数"] == BLANK
    assert values["首页网址"] == SITE_URL


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

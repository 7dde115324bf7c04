"""Section 四 of the quarterly report: new-media accounts by platform and state at the quarter's end."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import insert

from govinspect.reports.newmedia import new_media_summary
from govinspect.reports.quarterly import write_quarterly_report
from govinspect.reports.scope import quarter_window, resolve_scope
from govinspect.store import registry_repo
from govinspect.store.db import Database, open_database

schema = pytest.importorskip("govinspect.store.schema_newmedia", reason="新媒体部分未安装")
MOMENT = datetime(2026, 8, 1, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'media.db'}")
    office = registry_repo.add_unit(database, "宁川县人民政府办公室")
    school = registry_repo.add_unit(database, "宁川县教育局")
    accounts = [
        # platform, name, unit, current state, opened on
        ("wechat", "宁川发布", office.id, "running", date(2020, 1, 1)),
        ("weibo", "宁川微博", office.id, "running", date(2026, 5, 1)),
        ("douyin", "宁川教育", school.id, "closed", date(2021, 3, 1)),  # closed in July: running at the end of June
        ("toutiao", "宁川头条", office.id, "running", date(2026, 8, 1)),  # opened after the quarter
    ]
    with database.engine.begin() as conn:
        for platform, name, unit_id, state, opened in accounts:
            conn.execute(insert(schema.media_accounts).values(
                platform=platform, name=name, unit_id=unit_id, state=state, opened_on=opened,
                created_at=MOMENT, updated_at=MOMENT,
            ))
        conn.execute(insert(schema.media_account_states).values(
            account_id=3, on_date=date(2026, 7, 10), from_state="running", to_state="closed", actor="测试员", at=MOMENT,
        ))
    yield database
    database.close()


def test_accounts_counted_by_platform_and_state_at_the_quarters_end(db: Database) -> None:
    summary = new_media_summary(db, resolve_scope(db), quarter_window("2026Q2"))
    assert summary is not None and summary.total == 3
    assert summary.counts == {("微信公众号", "运行"): 1, ("微博", "运行"): 1, ("抖音", "运行"): 1}
    later = new_media_summary(db, resolve_scope(db), quarter_window("2026Q3"))
    assert later is not None and later.total == 4
    assert later.by_state() == [("运行", 3), ("已注销", 1)]


def test_unit_scope_keeps_its_own_accounts(db: Database) -> None:
    summary = new_media_summary(db, resolve_scope(db, "宁川县教育局"), quarter_window("2026Q2"))
    assert summary is not None and summary.counts == {("抖音", "运行"): 1}


def test_quarterly_report_shows_the_account_table(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "media.docx"
    write_quarterly_report(db, "2026Q2", out, now=MOMENT)
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert "共有政务新媒体账号3个，其中运行3个。" in texts
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "平台")
    assert [c.text for c in table.rows[0].cells] == ["平台", "运行", "合计"]
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
        ["微信公众号", "1", "1"], ["微博", "1", "1"], ["抖音", "1", "1"], ["合计", "3", "3"],
    ]

"""Message import: merged Excel headers, GBK CSV, mapping files, missing columns, re-import, figures."""

from __future__ import annotations

from datetime import datetime

import pytest

from govinspect.stats.errors import StatsError
from govinspect.stats.messages import import_messages, parse_moment, read_messages
from govinspect.stats.msgstats import message_summary
from govinspect.stats.period import quarter
from govinspect.store import stats_repo
from tests.stats.exports import GBK_CSV, ROWS, write_merged_xlsx

Q2 = quarter("2026Q2")


def test_xlsx_with_merged_headers_is_read(tmp_path):
    parsed, header, where = read_messages(write_merged_xlsx(tmp_path / "letters.xlsx"))
    assert header.row == 2  # the third row (0-based 2) names the fields; 编号 comes from the merge
    assert set(header.columns) == {"number", "title", "received_at", "kind", "status", "answered_at", "unit"}
    assert "留言办理" in where
    assert [m.number for m in parsed.messages] == ["XJ001", "XJ002", "XJ003", "XJ005", "XJ006", "XJ007"]
    assert parsed.bad_count == 1
    assert parsed.bad[0].number == 7 and "不详" in parsed.bad[0].reason
    second = parsed.messages[1]
    assert second.received_at == datetime(2026, 4, 5, 14, 30)
    assert second.answered_at == datetime(2026, 4, 15)
    assert second.answered and second.unit == "交通局"
    fifth = parsed.messages[3]
    assert fifth.answered and fifth.answered_at is None  # 已答复 without a time


def test_message_figures_match_hand_computed_values(db, site, tmp_path):
    report = import_messages(db, site.id, write_merged_xlsx(tmp_path / "letters.xlsx"))
    assert (report.status, report.new, report.bad_count) == ("imported", 6, 1)
    m = message_summary(db, site.id, Q2)
    # received in Q2: XJ001, XJ002, XJ003, XJ005, XJ007 (XJ006 is January's, XJ004 unreadable)
    assert m.received == 5
    # answered by 1 July 00:00: XJ001, XJ002, XJ005 (by status); XJ007 was answered on 2 July
    assert m.answered == 3
    assert m.answer_rate == pytest.approx(0.6)
    # days: XJ001 1→3 April = 2, XJ002 5→15 April = 10
    assert m.average_days == pytest.approx(6.0)
    assert m.longest_days == 10
    assert m.timed_answers == 2
    # XJ006 (5 January, open) is more than three months old at the end of June
    assert [o.number for o in m.overdue] == ["XJ006"]
    assert m.answered_late == 0
    assert [(u.unit, u.received, u.answered) for u in m.by_unit] == [
        ("住建局", 2, 1), ("交通局", 1, 1), ("人社局", 1, 0), ("教育局", 1, 1)
    ]
    later = message_summary(db, site.id, Q2, as_of=datetime(2026, 7, 10))
    assert later.answered == 4
    assert later.average_days == pytest.approx((2 + 10 + 4) / 3)


def test_reimport_adds_nothing_and_an_update_is_applied(db, site, tmp_path):
    path = write_merged_xlsx(tmp_path / "letters.xlsx")
    import_messages(db, site.id, path)
    assert import_messages(db, site.id, path).status == "duplicate"
    assert stats_repo.message_count(db, site.id) == 6
    rows = [list(r) for r in ROWS]
    rows[2][4], rows[2][5] = "已回复", "2026-05-20"  # XJ003 has been answered since
    newer = import_messages(db, site.id, write_merged_xlsx(tmp_path / "letters-2.xlsx", rows))
    assert (newer.new, newer.updated, newer.unchanged) == (0, 1, 5)
    assert stats_repo.message_count(db, site.id) == 6
    m = message_summary(db, site.id, Q2)
    assert m.answered == 4
    assert m.average_days == pytest.approx((2 + 10 + 10) / 3)


def test_gbk_csv_is_decoded_and_matched_by_synonyms(db, site, tmp_path):
    path = tmp_path / "letters.csv"
    path.write_bytes(GBK_CSV.encode("gbk"))
    report = import_messages(db, site.id, path)
    assert report.status == "imported" and report.new == 3
    assert "gb18030" in report.where
    assert report.columns["留言时间"] == "来信日期"
    m = message_summary(db, site.id, Q2)
    assert (m.received, m.answered) == (3, 2)
    assert m.average_days == pytest.approx((2 + 1) / 2)
    stored = stats_repo.messages_received_between(db, site.id, Q2.start_at, Q2.end_before)
    assert [s.title for s in stored] == ["咨询公积金提取", "反映路灯不亮", "建议增加公交线路"]
    # no numbers: identity is (time, title); a longer export adds only its new row
    path2 = tmp_path / "letters-2.csv"
    path2.write_bytes((GBK_CSV + "2026-05-01 10:00,新的一封信,待回复,,交通局\r\n").encode("gbk"))
    again = import_messages(db, site.id, path2)
    assert (again.new, again.unchanged) == (1, 3)


def test_missing_required_column_is_named(db, site, tmp_path):
    path = tmp_path / "no-time.csv"
    path.write_text("编号,标题,状态\nA1,问题,已回复\n", encoding="utf-8")
    with pytest.raises(StatsError, match="缺少必需的列：“留言时间”"):
        import_messages(db, site.id, path)
    path2 = tmp_path / "no-answer.csv"
    path2.write_text("标题,留言时间\n问题,2026-04-01\n", encoding="utf-8")
    with pytest.raises(StatsError, match="答复时间.*状态"):
        import_messages(db, site.id, path2)
    assert stats_repo.message_count(db, site.id) == 0


def test_mapping_file_names_unusual_columns(db, site, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("日期,主题词,结果\n2026-04-08,修路,已回复\n2026-04-09,缺水,未回复\n", encoding="utf-8")
    with pytest.raises(StatsError, match="缺少必需的列"):
        import_messages(db, site.id, path)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("messages:\n  columns:\n    留言时间: 日期\n    title: 主题词\n    状态: [处理结果, 结果]\n", encoding="utf-8")
    report = import_messages(db, site.id, path, mapping)
    assert report.new == 2
    assert message_summary(db, site.id, Q2).answered == 1
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("columns:\n  留言时间: 提交日\n", encoding="utf-8")
    with pytest.raises(StatsError, match="“提交日”在表头中找不到"):
        import_messages(db, site.id, path, wrong)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("columns:\n  心情: 日期\n", encoding="utf-8")
    with pytest.raises(StatsError, match="字段“心情”未知"):
        import_messages(db, site.id, path, unknown)


def test_unsupported_and_broken_files(db, site, tmp_path):
    old = tmp_path / "letters.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(StatsError, match="另存为 .xlsx"):
        import_messages(db, site.id, old)
    broken = tmp_path / "letters.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(StatsError, match="无法读取 Excel"):
        import_messages(db, site.id, broken)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-04-01", datetime(2026, 4, 1)),
        ("2026/4/1 9:05", datetime(2026, 4, 1, 9, 5)),
        ("2026年4月1日 09时05分", datetime(2026, 4, 1, 9, 5)),
        ("2026.04.01 09:05:30", datetime(2026, 4, 1, 9, 5, 30)),
        ("20260401", datetime(2026, 4, 1)),
        (46113, datetime(2026, 4, 1)),  # an Excel serial day number
        ("", None),
    ],
)
def test_parse_moment(value, expected):
    assert parse_moment(value) == expected


def test_parse_moment_refuses_nonsense():
    with pytest.raises(ValueError):
        parse_moment("下周一")
    with pytest.raises(ValueError):
        parse_moment("2026-13-45")


def test_utf8_csv_with_bom_and_semicolons(db, site, tmp_path):
    path = tmp_path / "excel-utf8.csv"
    path.write_bytes("\ufeff标题;留言时间;答复时间\n问路灯;2026-04-03;2026-04-04\n".encode())
    report = import_messages(db, site.id, path)
    assert report.new == 1
    assert report.columns["标题"] == "标题"  # the BOM is not part of the first header
    assert message_summary(db, site.id, Q2).average_days == pytest.approx(1.0)

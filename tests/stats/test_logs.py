"""Log import: figures worked out by hand on small logs (tests/stats/logs.py), formats, bad input."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govinspect.stats.errors import StatsError
from govinspect.stats.logimport import LogOptions, import_log_file
from govinspect.stats.period import between, month
from govinspect.stats.summary import traffic_summary
from govinspect.store.schema_stats import log_imports, traffic_days
from tests.stats.logs import COMBINED, COMBINED_LINES, IIS

APRIL_1, APRIL_2 = date(2026, 4, 1), date(2026, 4, 2)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _gzip(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


def _imports(db) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(log_imports)).scalar_one())


def test_combined_log_figures_match_hand_computed_values(db, site, tmp_path):
    report = import_log_file(db, site.id, _write(tmp_path, "access.log", COMBINED))
    assert report.status == "imported"
    assert report.format == "combined"
    assert report.lines == 18
    assert report.lines_bad == 2
    assert [b.number for b in report.bad_examples] == [9, 15]

    s = traffic_summary(db, site.id, month("2026-04"))
    # PV: lines 1, 3, 7, 8, 10, 11 (1 April) and 12, 13, 17, 18 (2 April)
    assert s.pv == 10
    # visits: A 9:00–9:35, A 10:10, B 9:05, C 23:50–00:10 (1 April); A 8:00, B 12:00, D 13:00 (2 April)
    assert s.visits == 7
    assert s.bounces == 5  # every visit but A's first and C's
    assert s.bounce_rate == pytest.approx(5 / 7)
    assert s.pv_per_visit == pytest.approx(10 / 7)
    assert s.visitors == 4  # A, B, C (same IP as A, another browser), D
    assert s.visitor_days == 7  # 1 April: A, B, C; 2 April: C, A, B, D
    assert s.days_with_data == 2
    assert s.daily_pv == pytest.approx(5.0)
    assert s.daily_visits == pytest.approx(3.5)
    assert s.hits == 16  # 18 lines less 2 garbage
    assert s.bot_hits == 2  # Baiduspider, and the request without an agent
    by_day = {d.day: d for d in s.daily}
    assert (by_day[APRIL_1].pv, by_day[APRIL_1].visits, by_day[APRIL_1].bounces, by_day[APRIL_1].visitors) == (6, 4, 2, 3)
    assert (by_day[APRIL_2].pv, by_day[APRIL_2].visits, by_day[APRIL_2].bounces, by_day[APRIL_2].visitors) == (4, 3, 3, 4)
    assert s.top_columns == [("/", 3), ("/col/tzgg/", 3), ("/col/xxgk/", 2), ("/col/zwdt/", 2)]


def test_session_gap_setting_changes_visits(db, site, tmp_path):
    import_log_file(db, site.id, _write(tmp_path, "access.log", COMBINED), LogOptions(gap_minutes=40))
    s = traffic_summary(db, site.id, month("2026-04"))
    # a 40-minute gap joins A's 10:10 view (35 minutes after 9:35) to A's first visit
    assert (s.visits, s.bounces) == (6, 4)


def test_timezone_setting_moves_days(db, site, tmp_path):
    import_log_file(db, site.id, _write(tmp_path, "access.log", COMBINED), LogOptions(timezone="+00:00"))
    s = traffic_summary(db, site.id, between("2026-03-31", "2026-04-30"))
    by_day = {d.day: d.pv for d in s.daily}
    # in UTC, 00:10 on 2 April (+08:00) is still 1 April; 08:00 becomes 00:00 on 2 April
    assert by_day == {APRIL_1: 7, APRIL_2: 3}


def test_iis_w3c_log(db, site, tmp_path):
    report = import_log_file(db, site.id, _write(tmp_path, "u_ex260401.log", IIS))
    assert report.format == "iis-w3c"
    assert report.lines_bad == 1
    assert report.bad_examples[0].number == 11
    s = traffic_summary(db, site.id, month("2026-04"))
    assert (s.pv, s.visits, s.bounces, s.visitors) == (5, 3, 1, 3)
    by_day = {d.day: d for d in s.daily}
    # UTC times: 15:59Z is 23:59 on 1 April in Beijing, 16:05Z is 00:05 on 2 April
    assert (by_day[APRIL_1].pv, by_day[APRIL_1].visits, by_day[APRIL_1].visitors, by_day[APRIL_1].hits) == (3, 2, 2, 4)
    assert (by_day[APRIL_2].pv, by_day[APRIL_2].visits, by_day[APRIL_2].bounces, by_day[APRIL_2].bot_hits) == (2, 1, 1, 1)


def test_gzip_log_gives_the_same_figures_and_counts_as_the_same_file(db, site, tmp_path):
    report = import_log_file(db, site.id, _gzip(tmp_path, "access.log.1.gz", COMBINED))
    assert report.status == "imported"
    s = traffic_summary(db, site.id, month("2026-04"))
    assert (s.pv, s.visits, s.bounces, s.visitors) == (10, 7, 5, 4)
    again = import_log_file(db, site.id, _write(tmp_path, "access.log", COMBINED))
    assert again.status == "duplicate"
    assert again.duplicate_of == "access.log.1.gz"
    assert traffic_summary(db, site.id, month("2026-04")).pv == 10


def test_reimport_adds_nothing(db, site, tmp_path):
    path = _write(tmp_path, "access.log", COMBINED)
    import_log_file(db, site.id, path)
    assert import_log_file(db, site.id, path).status == "duplicate"
    assert _imports(db) == 1
    assert traffic_summary(db, site.id, month("2026-04")).pv == 10


def test_grown_log_imports_only_the_new_lines(db, site, tmp_path):
    first = _write(tmp_path, "early.log", "\n".join(COMBINED_LINES[:10]) + "\n")
    early = import_log_file(db, site.id, first)
    assert traffic_summary(db, site.id, month("2026-04")).pv == 5  # lines 1, 3, 7, 8, 10
    grown = import_log_file(db, site.id, _write(tmp_path, "access.log", COMBINED))
    assert early.status == grown.status == "imported"
    assert grown.lines_skipped == 10
    s = traffic_summary(db, site.id, month("2026-04"))
    # the same as importing the whole file once: no visit spans the cut after line 10
    assert (s.pv, s.visits, s.bounces, s.visitors, s.visitor_days) == (10, 7, 5, 4, 7)


def test_truncated_gzip_is_rejected_whole_with_file_and_line(db, site, tmp_path):
    lines = [COMBINED_LINES[0].replace("/index.html", f"/col/tzgg/{i}.html") for i in range(20000)]
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    path = tmp_path / "cut.log.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StatsError) as caught:
        import_log_file(db, site.id, path)
    message = str(caught.value)
    assert "cut.log.gz" in message
    assert "行" in message and "不完整" in message
    assert _imports(db) == 0
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(traffic_days)).scalar_one() == 0


def test_unrecognised_file_is_a_clear_error(db, site, tmp_path):
    path = _write(tmp_path, "notes.txt", "第一行不是日志\n第二行也不是\n")
    with pytest.raises(StatsError, match="无法识别.*notes.txt.*日志格式"):
        import_log_file(db, site.id, path)
    with pytest.raises(StatsError, match="不存在"):
        import_log_file(db, site.id, tmp_path / "missing.log")
    with pytest.raises(StatsError, match="空"):
        import_log_file(db, site.id, _write(tmp_path, "empty.log", ""))


def test_bad_session_gap_is_refused(db, site, tmp_path):
    with pytest.raises(StatsError, match="会话间隔"):
        import_log_file(db, site.id, _write(tmp_path, "a.log", COMBINED), LogOptions(gap_minutes=0))
    with pytest.raises(StatsError, match="时区"):
        import_log_file(db, site.id, _write(tmp_path, "a.log", COMBINED), LogOptions(timezone="Beijing"))

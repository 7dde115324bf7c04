"""The Excel export of problems per unit, and the `report` commands (success and user errors)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from govinspect.reports.commands import report_app
from govinspect.reports.errors import ReportError
from govinspect.reports.excel import sheet_name, write_excel, write_problems_workbook
from govinspect.reports.problems import current
from govinspect.reports.scope import ReportScope, quarter_window
from govinspect.store.schema_workflow import problems, units
from govinspect.workflow.clock import CHINA
from tests.reports.builders import EDUCATION, OFFICE, ReportWorld

NOW = datetime(2026, 7, 10, 12, 0, tzinfo=CHINA)


def _counts_by_unit(world: ReportWorld) -> Counter[str]:
    query = select(units.c.name, func.count()).select_from(problems.outerjoin(units, units.c.id == problems.c.unit_id))
    with world.db.engine.connect() as conn:
        return Counter({name: n for name, n in conn.execute(query.group_by(units.c.name))})


def test_workbook_has_a_sheet_per_unit_with_links_filters_and_frozen_headers(world: ReportWorld, tmp_path: Path) -> None:
    out = tmp_path / "问题.xlsx"
    write_excel(world.db, out, now=NOW)
    book = load_workbook(out)
    assert book.sheetnames == ["汇总", "全部问题", OFFICE, EDUCATION]
    expected = _counts_by_unit(world)
    for name in (OFFICE, EDUCATION):
        sheet = book[name]
        assert sheet.max_row - 1 == expected[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:N{expected[name] + 1}"
        assert [c.value for c in sheet[1]][:2] == ["问题编号", "责任单位"]
        assert all(c.font.bold for c in sheet[1])
        page = sheet.cell(row=2, column=6)
        assert page.hyperlink is not None and page.hyperlink.target == page.value
    everything = book["全部问题"]
    assert everything.max_row - 1 == sum(expected.values())
    assert Counter(row[1] for row in everything.iter_rows(min_row=2, values_only=True)) == expected
    summary = {row[0]: row for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary[OFFICE][1] == expected[OFFICE] and summary["合计"][1] == sum(expected.values())
    assert summary["合计"][3] == 4  # closed now: three broken links and July's column


def test_period_export_uses_the_state_at_the_periods_end(world: ReportWorld, tmp_path: Path) -> None:
    out = tmp_path / "q2.xlsx"
    items = write_excel(world.db, out, window=quarter_window("2026Q2"), per_unit=False)
    book = load_workbook(out)
    assert book.sheetnames == ["汇总", "全部问题"]
    states = Counter(row[9] for row in book["全部问题"].iter_rows(min_row=2, values_only=True))
    assert states["已销号"] == 3 and states["误报"] == 1 and len(items) == sum(states.values())


def test_evidence_never_becomes_a_formula(world: ReportWorld, tmp_path: Path) -> None:
    scope = ReportScope(sites=())
    items = current(world.db, scope, NOW)[:1]
    tricky = replace(items[0], problem=replace(items[0].problem, evidence="=HYPERLINK(\"http://127.0.0.1:9\")"))
    out = tmp_path / "f.xlsx"
    write_problems_workbook([tricky], out, {})
    cell = load_workbook(out)["全部问题"].cell(row=2, column=8)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_sheet_names_are_legal_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a_b_c"
    long = "很长的单位名称" * 6
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == 31 and len(second) == 31 and first != second


def test_export_refuses_a_wrong_suffix(world: ReportWorld, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"\.xlsx"):
        write_excel(world.db, tmp_path / "x.csv")


# --- the commands ------------------------------------------------------------------------------

runner = CliRunner()


def _db(world: ReportWorld) -> str:
    return world.db.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("command", "suffix"),
    [(["quarterly", "--quarter", "2026Q2", "--date", "2026-07-05"], ".docx"),
     (["monthly", "--month", "2026-06"], ".docx"), (["weekly", "--at", "2026-06-15"], ".docx"),
     (["excel", "--quarter", "2026Q2"], ".xlsx")],
)
def test_commands_write_their_files(world: ReportWorld, tmp_path: Path, command: list[str], suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    result = runner.invoke(report_app, [*command, "--out", str(out), "--db", _db(world)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 5000 and "✓" in result.output


@pytest.mark.parametrize(
    ("command", "message"),
    [(["quarterly", "--quarter", "2026Q5", "--out", "{d}/a.docx"], "季度写法无效"),
     (["quarterly", "--quarter", "2026Q2", "--unit", "没有的单位", "--out", "{d}/a.docx"], "没有找到单位"),
     (["quarterly", "--quarter", "2026Q2", "--out", "{d}/a.pdf"], "应以 .docx 结尾"),
     (["monthly", "--month", "2026/05", "--out", "{d}/a.docx"], "月份写法无效"),
     (["weekly", "--at", "下周", "--out", "{d}/a.docx"], "无法识别"),
     (["excel", "--quarter", "2026Q2", "--month", "2026-05", "--out", "{d}/a.xlsx"], "只用一种方式"),
     (["excel", "--from", "2026-04-01", "--out", "{d}/a.xlsx"], "须同时给出"),
     (["excel", "--out", "{d}/missing/a.xlsx"], "输出目录不存在")],
)
def test_user_errors_are_one_line_and_exit_2(world: ReportWorld, tmp_path: Path, command: list[str], message: str) -> None:
    args = [a.replace("{d}", str(tmp_path)) for a in command]
    result = runner.invoke(report_app, [*args, "--db", _db(world)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("a.*"))


def test_report_on_an_empty_database(tmp_path: Path) -> None:
    out = tmp_path / "empty.docx"
    result = runner.invoke(report_app, ["quarterly", "--quarter", "2026Q1", "--out", str(out), "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 0, result.output
    from docx import Document

    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "本季度未发现问题。" in texts and "本季度无政务新媒体数据" in texts
    assert "本季度未导入服务器访问日志，无访问量数据。" in texts


def test_empty_window_moments_are_china_days() -> None:
    window = quarter_window("2026Q2")
    assert window.start == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert window.end == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)


def test_quarter_of_a_moment_is_read_in_china_time() -> None:
    from govinspect.reports.scope import quarter_of

    assert quarter_of(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)) == "2026Q2"  # 01:00 on 1 April in Beijing
    assert quarter_of(datetime(2026, 12, 31, 12, 0, tzinfo=CHINA)) == "2026Q4"

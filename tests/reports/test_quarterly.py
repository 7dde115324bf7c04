"""The quarterly report on the demo database: GB/T 9704 page setup and fonts read back from the .docx,
its sections, and its numbers checked against the database with queries written here."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from sqlalchemy import func, select

from govinspect.findings import code_name
from govinspect.reports.quarterly import write_figures, write_quarterly_report
from govinspect.stats.board import messages_from_scan
from govinspect.stats.period import quarter
from govinspect.stats.published import published_items
from govinspect.store.schema import scans
from govinspect.store.schema_stats import messages, traffic_days
from govinspect.store.schema_workflow import problem_events, problems
from govinspect.workflow.clock import CHINA
from govinspect.workflow.rates import rates_by_unit
from tests.reports.builders import EDUCATION, NOW, OFFICE, QUARTER, ReportWorld

Q_START = datetime(2026, 4, 1, tzinfo=CHINA).astimezone(UTC)
Q_END = datetime(2026, 7, 1, tzinfo=CHINA).astimezone(UTC)
SIGNED = datetime(2026, 7, 5, 12, 0, tzinfo=CHINA)


@pytest.fixture(scope="module")
def report(world: ReportWorld, out_dir: Path) -> Path:
    out = out_dir / "quarterly.docx"
    write_quarterly_report(world.db, QUARTER, out, now=SIGNED)
    return out


@pytest.fixture(scope="module")
def doc(report: Path) -> Any:
    return Document(str(report))


def _texts(doc: Any, style: str | None = None) -> list[str]:
    return [p.text for p in doc.paragraphs if style is None or p.style.style_id == style]


def _body(doc: Any) -> str:
    return "\n".join(_texts(doc))


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)  # SQLite keeps UTC wall-clock times


# --- page setup and fonts ------------------------------------------------------------------------


def test_page_is_a4_with_the_official_margins(doc: Any) -> None:
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]


def test_line_grid_and_character_spacing_give_22_lines_of_28(doc: Any) -> None:
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    assert pitch == 579  # ≈ 28.95 pt
    assert 22 * pitch <= Mm(225).twips < 23 * pitch
    body = doc.styles["GovBody"]
    assert body.paragraph_format.line_spacing.twips == pitch
    spacing = int(body.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20  # points
    advance = 16 + spacing
    assert 28 * advance <= Mm(156).pt < 29 * advance


@pytest.mark.parametrize(
    ("style", "east_asia", "half_points"),
    [("GovTitle", "方正小标宋简体", 44), ("GovBody", "仿宋_GB2312", 32), ("GovHeading1", "黑体", 32),
     ("GovHeading2", "楷体_GB2312", 32), ("GovPageNumber", "宋体", 28)],
)
def test_styles_name_their_east_asian_fonts(doc: Any, style: str, east_asia: str, half_points: int) -> None:
    r_pr = doc.styles[style].element.rPr
    fonts = r_pr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == east_asia
    assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a]  # a theme font would win
    assert r_pr.find(qn("w:sz")).get(qn("w:val")) == str(half_points)


def test_title_is_centred_and_runs_carry_the_fonts(doc: Any) -> None:
    title = doc.paragraphs[0]
    assert title.style.style_id == "GovTitle"
    assert title.text == f"{OFFICE}关于2026年第二季度政府网站与政务新媒体自查整改情况的报告"
    assert doc.styles["GovTitle"].paragraph_format.alignment == 1  # centre
    run_fonts = title.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert run_fonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_page_numbers_are_dashed_fields_on_the_outside_edges(doc: Any) -> None:
    assert doc.settings.odd_and_even_pages_header_footer is True
    section = doc.sections[0]
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):  # right, left
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph.text == "— 1 —"
        instr = [e.text for e in paragraph._p.iter(qn("w:instrText"))]
        assert [i.strip() for i in instr] == ["PAGE"]
        fonts = {r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in paragraph.runs}
        assert fonts == {"宋体"}


def test_font_table_lists_the_fonts_with_fallbacks(report: Path) -> None:
    import zipfile

    table = zipfile.ZipFile(report).read("word/fontTable.xml").decode("utf-8")
    for name in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"):
        assert f'w:name="{name}"' in table
    assert 'w:altName w:val="仿宋"' in table


# --- sections ----------------------------------------------------------------------------------


def test_sections_in_order_with_marked_placeholder(doc: Any) -> None:
    assert _texts(doc, "GovHeading1") == [
        "一、总体情况", "二、存在的问题", "三、整改情况", "四、政务新媒体情况", "五、下一步工作计划", "附件1", "附件2",
    ]
    assert _texts(doc, "GovHeading2")[:4] == ["（一）网站运行情况", "（二）访问情况", "（三）信息发布情况", "（四）互动交流情况"]
    marked = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert "【待填写：下一步工作计划】" in marked
    assert "本季度无政务新媒体数据" in _texts(doc)
    assert "2026年7月5日" in _texts(doc)


def test_charts_are_inserted(report: Path) -> None:
    import zipfile

    media = [n for n in zipfile.ZipFile(report).namelist() if n.startswith("word/media/")]
    assert len(media) == 3  # daily PV, problems by kind, weekly progress


def test_examples_link_to_their_pages(world: ReportWorld, doc: Any) -> None:
    links = {r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")}
    assert world.home in links
    body = _body(doc)
    section = body[body.index("二、存在的问题") : body.index("三、整改情况")]
    assert "见" in section and "如：" in section


# --- numbers -----------------------------------------------------------------------------------


def _number(text: str, pattern: str) -> str:
    found = re.search(pattern, text)
    assert found, pattern
    return found.group(1)


def test_traffic_figures_equal_the_database(world: ReportWorld, doc: Any) -> None:
    query = select(func.sum(traffic_days.c.pv), func.sum(traffic_days.c.visits), func.sum(traffic_days.c.bounces),
                   func.count(func.distinct(traffic_days.c.day))).where(
        traffic_days.c.site_id == world.site_id, traffic_days.c.day >= date(2026, 4, 1), traffic_days.c.day <= date(2026, 6, 30)
    )
    with world.db.engine.connect() as conn:
        pv, visits, bounces, days = conn.execute(query).one()
    assert (pv, visits, bounces, days) == (24, 12, 4, 4)  # generated: 4 days × (1 + 2 + 3) PV, a bounce a day
    body = _body(doc)
    assert int(_number(body, r"总访问次数为(\d+)人次")) == visits
    assert int(_number(body, r"页面浏览量（PV）为(\d+)页")) == pv
    assert _number(body, r"人均页面浏览量为([\d.]+)页/人次") == f"{pv / visits:.2f}"
    assert _number(body, r"跳出率为([\d.]+%)") == f"{bounces / visits * 100:.2f}%"
    assert int(_number(body, r"访问日志覆盖(\d+)天")) == days


def test_operation_and_published_figures_equal_the_database(world: ReportWorld, doc: Any) -> None:
    query = select(func.count(), func.max(scans.c.pages_fetched)).where(
        scans.c.site_id == world.site_id, scans.c.status == "finished",
        scans.c.monitoring_point >= _naive(Q_START), scans.c.monitoring_point < _naive(Q_END),
    )
    with world.db.engine.connect() as conn:
        count, pages = conn.execute(query).one()
    body = _body(doc)
    assert int(_number(body, r"完成检查(\d+)次")) == count == 1
    assert int(_number(body, r"共抓取页面(\d+)个")) == pages
    published = published_items(world.db, world.scan_id, quarter(QUARTER))
    assert int(_number(body, r"共发布信息(\d+)条")) == published.total > 0


def test_message_figures_equal_the_database(world: ReportWorld, doc: Any) -> None:
    query = select(messages.c.received_at, messages.c.answered_at).where(
        messages.c.site_id == world.site_id,
        messages.c.received_at >= datetime(2026, 4, 1), messages.c.received_at < datetime(2026, 7, 1),
    )
    with world.db.engine.connect() as conn:
        imported = conn.execute(query).all()
    assert len(imported) == 4  # Q0 was received in March
    board = [m for m in messages_from_scan(world.db, world.scan_id) if datetime(2026, 4, 1) <= m.received_at < datetime(2026, 7, 1)]
    answered = sum(1 for _, a in imported if a is not None) + sum(1 for m in board if m.answered)
    body = _body(doc)
    assert int(_number(body, r"共接收网友在线互动信件(\d+)件")) == len(imported) + len(board)
    assert int(_number(body, r"已办结(\d+)件")) == answered


def _problem_rows(world: ReportWorld) -> list[Any]:
    query = select(problems.c.id, problems.c.code, problems.c.unit_id).where(
        problems.c.first_seen_at >= _naive(Q_START), problems.c.first_seen_at < _naive(Q_END)
    )
    with world.db.engine.connect() as conn:
        return list(conn.execute(query))


def _ids_reaching(world: ReportWorld, state: str) -> set[int]:
    """Problems whose last event up to the quarter's end went to ``state``."""
    query = select(problem_events.c.problem_id, problem_events.c.to_state).where(
        problem_events.c.at < _naive(Q_END), problem_events.c.to_state.is_not(None)
    ).order_by(problem_events.c.id)
    last: dict[int, str] = {}
    with world.db.engine.connect() as conn:
        for pid, to_state in conn.execute(query):
            last[pid] = to_state
    return {pid for pid, s in last.items() if s == state}


def test_problem_counts_per_kind_equal_the_database(world: ReportWorld, doc: Any) -> None:
    rows = _problem_rows(world)
    false_alarms = _ids_reaching(world, "false_alarm")
    closed = _ids_reaching(world, "closed")
    assert false_alarms == set(world.false_alarm_ids) and closed == set(world.closed_ids)  # July's closure is later
    found = Counter(code_name(r.code) for r in rows if r.id not in false_alarms)
    fixed = Counter(code_name(r.code) for r in rows if r.id in closed)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "问题类型")
    shown = {row.cells[0].text: (int(row.cells[1].text), int(row.cells[2].text)) for row in table.rows[1:]}
    total = shown.pop("合计")
    assert shown == {name: (n, fixed[name]) for name, n in found.items()}
    assert total == (sum(found.values()), len(closed))
    body = _body(doc)
    assert int(_number(body, r"本季度共发现各类问题(\d+)个")) == sum(found.values())
    assert int(_number(body, r"已整改(\d+)个，整改完成率")) == len(closed)
    assert _number(body, r"整改完成率([\d.]+%)") == f"{len(closed) / sum(found.values()) * 100:.2f}%"
    assert int(_number(body, r"另有(\d+)个问题经核实为误报")) == len(false_alarms)


def test_rates_agree_with_the_workflow(world: ReportWorld, doc: Any) -> None:
    units, overall = rates_by_unit(world.db, Q_START, Q_END)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "责任单位")
    shown = {row.cells[0].text: (int(row.cells[1].text), int(row.cells[2].text), row.cells[6].text) for row in table.rows[1:]}
    expected = {u.unit: (u.counted, u.closed, f"{u.rate * 100:.2f}%") for u in units}
    expected["合计"] = (overall.counted, overall.closed, f"{overall.rate * 100:.2f}%")
    assert shown == expected
    assert {OFFICE, EDUCATION} <= set(shown)


def test_appendix_lists_every_problem_of_the_quarter(world: ReportWorld, doc: Any) -> None:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号" and len(t.columns) == 9)
    rows = table.rows[1:]
    assert len(rows) == len(_problem_rows(world))
    states = Counter(r.cells[5].text for r in rows)
    assert states["误报"] == 1 and states["已销号"] == 3
    closed_dates = {r.cells[8].text for r in rows if r.cells[5].text == "已销号"}
    assert closed_dates == {"2026-06-18"}
    assert {r.cells[6].text for r in rows} == {NOW.date().isoformat()}


def test_figures_json_names_each_source(world: ReportWorld, out_dir: Path, doc: Any) -> None:
    import json

    data = write_quarterly_report(world.db, QUARTER, out_dir / "again.docx", now=SIGNED)
    target = out_dir / "figures.json"
    write_figures(data, target)
    figures = {f["name"]: f for f in json.loads(target.read_text("utf-8"))["figures"]}
    assert figures["页面浏览量（PV）"]["value"] == "24"
    assert "stats_traffic_days" in figures["页面浏览量（PV）"]["source"]
    assert "problem_events" in figures["已整改（已销号）"]["source"]
    appendix = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    assert [r.cells[0].text for r in appendix.rows[1:]] == list(figures)


def test_unit_report_keeps_to_the_units_problems(world: ReportWorld, out_dir: Path) -> None:
    out = out_dir / "education.docx"
    data = write_quarterly_report(world.db, QUARTER, out, unit=EDUCATION, now=SIGNED)
    with world.db.engine.connect() as conn:
        unit_id = conn.execute(select(func.min(problems.c.unit_id)).where(problems.c.page.like("%/bm/jyj/%"))).scalar()
    own = [r for r in _problem_rows(world) if r.unit_id == unit_id]
    assert data.total.total == len(own) > 0
    assert data.sites == []  # the department runs no site of its own
    text = _body(Document(str(out)))
    assert text.splitlines()[0].startswith(EDUCATION + "关于")
    assert "本单位无主办的政府网站" in text

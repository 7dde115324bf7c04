"""The building blocks: data files, the GB/T 9704 grid, the document builder, number wording, charts."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from govinspect.reports import charts
from govinspect.reports.config import (
    OverviewTexts,
    QuarterlyTexts,
    ReminderTexts,
    chart_rules,
    circular_texts,
    document_format,
    excel_layout,
    load_model,
    quarterly_texts,
    reminder_texts,
)
from govinspect.reports.docx_style import Link, OfficialDocument, document_grid
from govinspect.reports.errors import ReportError
from govinspect.reports.numbers import chinese_number, days, percent


def test_every_data_file_loads() -> None:
    assert document_format().page.lines_per_page == 22
    assert quarterly_texts().sections.plan == "五、下一步工作计划"
    assert circular_texts().sections.ranking.startswith("三、")
    assert reminder_texts().near_for("dynamic") < reminder_texts().near_for("plan")
    assert excel_layout().columns[0].key == "id"
    assert chart_rules().max_kinds >= 2


def test_a_text_with_an_unknown_field_is_refused() -> None:
    raw = Path(__file__).parents[2] / "src/govinspect/data/reports/quarterly.yaml"
    broken = raw.read_text("utf-8").replace("本季度网站总访问次数为{visits}", "本季度网站总访问次数为{visitors}")
    with pytest.raises(ReportError, match=r"overview.*visitors"):
        load_model(broken, QuarterlyTexts, "quarterly.yaml")


def test_bad_yaml_and_bad_values_name_the_file() -> None:
    with pytest.raises(ReportError, match="不是有效的 YAML"):
        load_model("a: [", OverviewTexts, "x.yaml")
    with pytest.raises(ReportError, match="reminder.yaml.*near_days"):
        load_model("title: t\norg_placeholder: o\nopening: o\nsections: {over: a, near: b, empty: c, units: d}\n"
                   "none: n\nno_scan: n\nnear_days: {dynamic: 3}\nsignature_date_format: s\n", ReminderTexts, "reminder.yaml")


def test_grid_fits_exactly_22_lines_of_28_characters() -> None:
    fmt = document_format()
    grid = document_grid(fmt)
    height_pt, width_pt = Mm(225).pt, Mm(156).pt
    assert 22 * grid.line_pitch_pt <= height_pt < 23 * grid.line_pitch_pt
    advance = fmt.fonts.body.size_pt + grid.char_spacing_pt
    assert 28 * advance <= width_pt < 29 * advance


def test_document_builder_writes_links_marks_and_tables(tmp_path: Path) -> None:
    doc = OfficialDocument(title="测试")
    doc.title("关于测试的报告")
    doc.paragraph("见", Link("首页", "http://127.0.0.1:9/"), "。")
    doc.placeholder("【待填写】")
    doc.table(["甲", "乙"], [["1", Link("链接", "http://127.0.0.1:9/a")]], [1, 3])
    doc.landscape_section()
    doc.table(["丙"], [["2"]])
    out = tmp_path / "t.docx"
    doc.save(out)
    back = Document(str(out))
    assert back.core_properties.title == "测试"
    targets = sorted(r.target_ref for r in back.part.rels.values() if r.reltype.endswith("/hyperlink"))
    assert targets == ["http://127.0.0.1:9/", "http://127.0.0.1:9/a"]
    marked = [r for p in back.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert [r.text for r in marked] == ["【待填写】"]
    first, second = back.tables
    widths = [round(c.width.mm) for c in first.columns]
    assert widths == [39, 117]  # 1 : 3 of the 156 mm type area
    assert first.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on each page
    assert first.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None  # a row stays on one page
    assert round(sum(c.width.mm for c in second.columns)) == 225  # landscape: the type area turned
    assert back.sections[1].orientation == 1


def test_saving_elsewhere_than_docx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"\.docx"):
        OfficialDocument().save(tmp_path / "x.pdf")
    with pytest.raises(ReportError, match="目录不存在"):
        OfficialDocument().save(tmp_path / "no" / "x.docx")


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"), (99, "九十九")])
def test_chinese_outline_numbers(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_number_wording() -> None:
    assert percent(0.7611) == "76.11%" and percent(None) == "—"
    assert days(1.0) == "1" and days(1.46) == "1.5" and days(None) == "—"


def test_charts_use_a_cjk_font_without_missing_glyphs() -> None:
    font = charts.find_cjk_font()
    if not font.cjk:
        pytest.skip("本机没有可显示中文的字体（Debian: fonts-noto-cjk）")
    bars = [charts.KindBar("链接不可用（断链/错链）", "broken_link", 5, 3), charts.KindBar("错别字", "typo", 2, 0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font" would raise
        png = charts.problems_by_kind_chart(bars, font=font)
    assert png.startswith(b"\x89PNG")


def test_charts_fall_back_to_ascii_labels_without_a_cjk_font() -> None:
    ascii_only = charts.ChartFont(path=None, name="DejaVu Sans")
    bars = [charts.KindBar("错别字", "typo", 2, 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = charts.problems_by_kind_chart(bars, font=ascii_only)
        rates = charts.rate_chart(["教育局"], [0.5], font=ascii_only)
    assert png.startswith(b"\x89PNG") and rates.startswith(b"\x89PNG")


def test_font_lookup_skips_fonts_without_chinese(tmp_path: Path) -> None:
    rules = chart_rules().model_copy(update={"font_families": ["DejaVu Sans"], "font_files": [str(tmp_path / "none.ttf")]})
    assert charts.find_cjk_font(rules).cjk is False


def test_run_and_paragraph_properties_are_in_schema_order(tmp_path: Path) -> None:
    """Word refuses a document whose w:rPr / w:pPr children are out of order."""
    import zipfile

    from lxml import etree

    from govinspect.reports.docx_style import _P_PR_ORDER, _R_PR_ORDER

    doc = OfficialDocument(title="顺序")
    doc.title("标题")
    doc.heading1("一、总体情况")
    doc.heading2("（一）网站运行情况")
    doc.paragraph("正文", Link("链接", "http://127.0.0.1:9/"))
    doc.placeholder("【待填写】")
    doc.table(["甲"], [[Link("链接", "http://127.0.0.1:9/b")]])
    doc.signature("【单位名称】", "2026年7月5日")
    out = tmp_path / "order.docx"
    doc.save(out)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    checked = 0
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(package.read(name))
            for tag, order in (("rPr", _R_PR_ORDER), ("pPr", _P_PR_ORDER)):
                for element in root.iter(f"{w}{tag}"):
                    names = [c.tag.replace(w, "") for c in element if c.tag.startswith(w)]
                    positions = [order.index(n) for n in names if n in order]
                    assert positions == sorted(positions), f"{name}: {tag} {names}"
                    checked += 1
    assert checked > 20

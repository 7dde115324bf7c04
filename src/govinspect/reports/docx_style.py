"""Word documents in the official format of GB/T 9704-2012 (党政机关公文格式).

A4, margins 37/35/28/26 mm, a document grid of 22 lines × 28 characters, the title in 方正小标宋简体
二号, the body in 仿宋_GB2312 三号, 一、 headings in 黑体 and （一） headings in 楷体_GB2312, page
numbers "— 1 —" in 宋体 四号 on the outside edge (odd pages right, even pages left). Every font is
named for East Asian text too (w:eastAsia), and listed in the font table with a fallback name, so
Word and WPS pick the right faces even where the machine writing the file has none of them. All
sizes come from data/reports/format.yaml.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from lxml import etree

from govinspect.reports.config import DocumentFormat, FontSpec, document_format
from govinspect.reports.errors import ReportError

_TWIPS_PER_PT = 20
_PT_PER_MM = 72 / 25.4
_GB2312_CHARSET = "86"
_LINK_COLOR = RGBColor(0x05, 0x63, 0xC1)

# paragraph style ids of the reports (visible in Word's style list)
TITLE, BODY, HEADING1, HEADING2, TABLE_TEXT, TABLE_HEADER, FIGURE, PAGE_NUMBER = (
    "GovTitle", "GovBody", "GovHeading1", "GovHeading2", "GovTable", "GovTableHeader", "GovFigure", "GovPageNumber",
)


@dataclass(frozen=True)
class Link:
    """A piece of text that is a hyperlink."""

    text: str
    url: str


@dataclass(frozen=True)
class Mark:
    """A piece of text that people must complete (highlighted), such as 【待填写】."""

    text: str


Inline = str | Link | Mark


@dataclass(frozen=True)
class Grid:
    """What gives N lines × M characters in the type area: a fixed line pitch, and a character
    spacing (condensed) that makes M body characters fit on one line but not M + 1."""

    line_pitch_twips: int
    char_spacing_twips: int  # w:spacing of the body text, in twentieths of a point (negative: condensed)

    @property
    def line_pitch_pt(self) -> float:
        return self.line_pitch_twips / _TWIPS_PER_PT

    @property
    def char_spacing_pt(self) -> float:
        return self.char_spacing_twips / _TWIPS_PER_PT


def document_grid(fmt: DocumentFormat) -> Grid:
    """Line pitch and character spacing, rounded down so that the full count fits.

    A Word character grid (docGrid linesAndChars) would do the same in Word, but LibreOffice puts
    a full-width character wider than the grid's cell into two cells (half as many characters per
    line), so the characters are condensed explicitly and the grid only fixes the lines.
    """
    page = fmt.page
    height_twips = page.text_height_mm * _PT_PER_MM * _TWIPS_PER_PT
    pitch = math.floor(height_twips / page.lines_per_page)
    char_pitch_pt = page.text_width_mm * _PT_PER_MM / page.chars_per_line
    spacing = math.floor((char_pitch_pt - fmt.fonts.body.size_pt) * _TWIPS_PER_PT)
    return Grid(line_pitch_twips=pitch, char_spacing_twips=min(spacing, 0))


def set_run_fonts(r_pr: Any, spec: FontSpec) -> None:
    """Name the fonts for every script (no theme fonts, which would win over the names)."""
    fonts = _child(r_pr, "w:rFonts")
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), spec.latin)
    fonts.set(qn("w:hAnsi"), spec.latin)
    fonts.set(qn("w:eastAsia"), spec.east_asia)
    fonts.set(qn("w:cs"), spec.latin)
    half_points = str(round(spec.size_pt * 2))
    for tag in ("w:sz", "w:szCs"):
        _child(r_pr, tag).set(qn("w:val"), half_points)


# The schema's order of the children of w:rPr and w:pPr (ECMA-376 §17.3.2.28 and §17.3.1.26):
# Word refuses a file whose properties are out of order, so new children go in their place.
_R_PR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath",
)
_P_PR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)
_ORDERS = {qn("w:rPr"): _R_PR_ORDER, qn("w:pPr"): _P_PR_ORDER}


def _child(parent: Any, tag: str) -> Any:
    """The child ``tag`` of ``parent``, added in its schema place when missing."""
    element = parent.find(qn(tag))
    if element is not None:
        return element
    element = OxmlElement(tag)
    order = _ORDERS.get(parent.tag)
    local = tag.split(":", 1)[1]
    if order is not None and local in order:
        later = {qn(f"w:{name}") for name in order[order.index(local) + 1 :]}
        for index, existing in enumerate(parent):
            if existing.tag in later:
                parent.insert(index, element)
                return element
    parent.append(element)
    return element


def _field_run(paragraph: Any, kind: str, text: str = "") -> Any:
    run = paragraph.add_run()
    if kind == "instr":
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = text
        run._r.append(instr)
    else:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)
    return run


class OfficialDocument:
    """A report being written: paragraphs, headings, tables and pictures in the official format."""

    def __init__(self, fmt: DocumentFormat | None = None, *, title: str = "") -> None:
        self.fmt = fmt or document_format()
        self.grid = document_grid(self.fmt)
        self.doc: Any = Document()
        self.text_width_mm = self.fmt.page.text_width_mm
        self.figures = 0
        self._link_ids: dict[str, str] = {}  # URL → relationship id of the document part
        self._setup_defaults()
        self._setup_styles()
        self._setup_section()
        self._setup_font_table()
        self._setup_page_numbers()
        # the template's one empty paragraph would be a blank first line
        body = self.doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):
            body.remove(p)
        core = self.doc.core_properties
        core.title = title
        core.author = "govinspect"
        core.language = "zh-CN"

    # --- set-up -------------------------------------------------------------------------------

    def _setup_defaults(self) -> None:
        styles = self.doc.styles.element
        r_pr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        set_run_fonts(r_pr, self.fmt.fonts.body)
        lang = _child(r_pr, "w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        p_pr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = _child(p_pr, "w:spacing")
        for attr in list(spacing.attrib):
            del spacing.attrib[attr]
        spacing.set(qn("w:before"), "0")
        spacing.set(qn("w:after"), "0")

    def _paragraph_style(
        self, style_id: str, font: FontSpec, *, align: Any, indent_chars: float = 0.0, exact: bool = True,
        outline: int | None = None, keep_next: bool = False, condensed: bool = False, snap: bool = True,
    ) -> Any:
        style = self.doc.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.doc.styles["Normal"]
        style.quick_style = True
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = keep_next
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(self.grid.line_pitch_pt)
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _child(style.element.get_or_add_pPr(), "w:snapToGrid").set(qn("w:val"), "0")
        p_pr = style.element.get_or_add_pPr()
        if not snap:
            # a 22 pt line is taller than the grid's pitch: snapped, it would take two grid lines
            _child(p_pr, "w:snapToGrid").set(qn("w:val"), "0")
        if indent_chars:
            ind = _child(p_pr, "w:ind")
            ind.set(qn("w:firstLineChars"), str(round(indent_chars * 100)))
            ind.set(qn("w:firstLine"), str(round(indent_chars * font.size_pt * _TWIPS_PER_PT)))
        if outline is not None:
            _child(p_pr, "w:outlineLvl").set(qn("w:val"), str(outline))
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        r_pr = style.element.get_or_add_rPr()
        set_run_fonts(r_pr, font)
        if condensed and self.grid.char_spacing_twips:
            _child(r_pr, "w:spacing").set(qn("w:val"), str(self.grid.char_spacing_twips))
        return style

    def _setup_styles(self) -> None:
        fonts = self.fmt.fonts
        normal = self.doc.styles["Normal"]
        set_run_fonts(normal.element.get_or_add_rPr(), fonts.body)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(self.grid.line_pitch_pt)
        # no widow/orphan control: it would leave pages short of their 22 lines
        normal.paragraph_format.widow_control = False
        justify, centre, left = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
        indent = self.fmt.body_indent_chars
        self._paragraph_style(TITLE, fonts.title, align=centre, keep_next=True, snap=False)
        self._paragraph_style(BODY, fonts.body, align=justify, indent_chars=indent, condensed=True)
        self._paragraph_style(
            HEADING1, fonts.heading1, align=justify, indent_chars=indent, outline=0, keep_next=True, condensed=True
        )
        self._paragraph_style(
            HEADING2, fonts.heading2, align=justify, indent_chars=indent, outline=1, keep_next=True, condensed=True
        )
        self._paragraph_style(TABLE_TEXT, fonts.table, align=left, exact=False)
        self._paragraph_style(TABLE_HEADER, fonts.table_header, align=centre, exact=False)
        self._paragraph_style(FIGURE, fonts.body, align=centre, exact=False, keep_next=True)
        self._paragraph_style(PAGE_NUMBER, fonts.page_number, align=left, exact=False)

    def _setup_section(self) -> None:
        page = self.fmt.page
        section = self.doc.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width = Mm(page.width_mm)
        section.page_height = Mm(page.height_mm)
        section.top_margin = Mm(page.margin_top_mm)
        section.bottom_margin = Mm(page.margin_bottom_mm)
        section.left_margin = Mm(page.margin_left_mm)
        section.right_margin = Mm(page.margin_right_mm)
        section.footer_distance = self._footer_distance(page.margin_bottom_mm)
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        for attr in list(grid.attrib):
            del grid.attrib[attr]
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(self.grid.line_pitch_twips))

    def _footer_distance(self, bottom_mm: float) -> Any:
        """The page number's line begins below_text_mm under the type area."""
        number_height_mm = self.fmt.fonts.page_number.size_pt / _PT_PER_MM
        return Mm(max(bottom_mm - self.fmt.page_number.below_text_mm - number_height_mm, 0.0))

    def _setup_font_table(self) -> None:
        """List every font with its fallback name, GB2312 charset and family (for substitution)."""
        part = next((p for p in self.doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml"), None)
        if part is None:
            return
        root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
        present = {f.get(qn("w:name")) for f in root.iterchildren(qn("w:font"))}
        specs = {s.east_asia: s for s in self.fmt.fonts.__dict__.values() if isinstance(s, FontSpec)}
        for name, spec in specs.items():
            if name in present:
                continue
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            if spec.fallback:
                _child(font, "w:altName").set(qn("w:val"), spec.fallback)
            _child(font, "w:charset").set(qn("w:val"), _GB2312_CHARSET)
            _child(font, "w:family").set(qn("w:val"), "modern" if "黑" in name else "roman")
            _child(font, "w:pitch").set(qn("w:val"), "variable")
            root.append(font)
        if not hasattr(part, "element"):
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_page_numbers(self) -> None:
        """"— 1 —" with a PAGE field: odd pages right-aligned, even pages left, one character in."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        spec = self.fmt.fonts.page_number
        inset = Pt(spec.size_pt * self.fmt.page_number.indent_chars)
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            paragraph.style = self.doc.styles[PAGE_NUMBER]
            paragraph.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = inset
            else:
                paragraph.paragraph_format.left_indent = inset
            before, after = self.fmt.page_number.template.split("{n}", 1)
            runs = [paragraph.add_run(before)]
            runs.append(_field_run(paragraph, "begin"))
            runs.append(_field_run(paragraph, "instr", " PAGE "))
            runs.append(_field_run(paragraph, "separate"))
            runs.append(paragraph.add_run("1"))
            runs.append(_field_run(paragraph, "end"))
            runs.append(paragraph.add_run(after))
            for run in runs:
                set_run_fonts(run._r.get_or_add_rPr(), spec)

    # --- content ------------------------------------------------------------------------------

    def _new_paragraph(self, style_id: str) -> Any:
        """A paragraph at the end of the body; the style set by id (python-docx's lookup by style
        object scans every style each time, which a long table turns quadratic)."""
        paragraph = self.doc.add_paragraph()
        paragraph._p.style = style_id
        return paragraph

    def _add(self, style_id: str, parts: Iterable[Inline], spec: FontSpec) -> Any:
        paragraph = self._new_paragraph(style_id)
        for part in parts:
            self._inline(paragraph, part, spec)
        return paragraph

    def _inline(self, paragraph: Any, part: Inline, spec: FontSpec) -> None:
        if isinstance(part, Link):
            self._hyperlink(paragraph, part, spec)
            return
        run = paragraph.add_run(part.text if isinstance(part, Mark) else part)
        set_run_fonts(run._r.get_or_add_rPr(), spec)
        if isinstance(part, Mark):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def _hyperlink(self, paragraph: Any, link: Link, spec: FontSpec) -> None:
        r_id = self._link_ids.get(link.url)
        if r_id is None:
            # our own ids: python-docx's relate_to searches every relationship each time (quadratic)
            r_id = f"rIdGovLink{len(self._link_ids) + 1}"
            paragraph.part.rels.add_relationship(RT.HYPERLINK, link.url, r_id, is_external=True)
            self._link_ids[link.url] = r_id
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        r_pr = OxmlElement("w:rPr")
        run.append(r_pr)
        set_run_fonts(r_pr, spec)
        _child(r_pr, "w:color").set(qn("w:val"), str(_LINK_COLOR))
        _child(r_pr, "w:u").set(qn("w:val"), "single")
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = link.text
        run.append(text)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    def title(self, text: str) -> Any:
        paragraph = self._add(TITLE, [text], self.fmt.fonts.title)
        self.blank()
        return paragraph

    def blank(self) -> Any:
        return self._new_paragraph(BODY)

    def recipient(self, text: str) -> Any:
        """The addressee line (主送机关): flush left, ending in a full-width colon."""
        paragraph = self._add(BODY, [text if text.endswith("：") else text + "："], self.fmt.fonts.body)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        return paragraph

    def paragraph(self, *parts: Inline) -> Any:
        paragraph = self._add(BODY, parts, self.fmt.fonts.body)
        if any(isinstance(part, Link) for part in parts):
            # a long URL cannot break: justified, the line before it would be spread letter by letter
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        return paragraph

    def heading1(self, text: str) -> Any:
        return self._add(HEADING1, [text], self.fmt.fonts.heading1)

    def heading2(self, text: str) -> Any:
        return self._add(HEADING2, [text], self.fmt.fonts.heading2)

    def placeholder(self, text: str) -> Any:
        return self._add(BODY, [Mark(text)], self.fmt.fonts.body)

    def signature(self, org: str, date_text: str) -> None:
        """The issuing office and the date, right-aligned, below two blank lines."""
        self.blank()
        self.blank()
        for text in (org, date_text):
            paragraph = self._add(BODY, [Mark(text) if text.startswith("【") else text], self.fmt.fonts.body)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.right_indent = Pt(self.fmt.fonts.body.size_pt * self.fmt.body_indent_chars)

    def page_break(self) -> None:
        paragraph = self._new_paragraph(BODY)
        paragraph.add_run().add_break(WD_BREAK.PAGE)

    def appendix_heading(self, label: str, title: str) -> None:
        """附件 N on its own line (黑体, flush left), then the appendix title centred."""
        paragraph = self._add(HEADING1, [label], self.fmt.fonts.heading1)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        self._add(TITLE, [title], self.fmt.fonts.title)
        self.blank()

    def picture(self, png: bytes, caption: str) -> None:
        """A chart, centred, with its caption numbered 图1, 图2 … in order."""
        self.figures += 1
        paragraph = self._new_paragraph(FIGURE)
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(min(self.fmt.image_width_mm, self.text_width_mm)))
        self._add(FIGURE, [f"图{self.figures}  {caption}"], self.fmt.fonts.table_header)

    def landscape_section(self) -> None:
        """Continue on landscape pages (wide tables), with the same type area turned on its side."""
        page = self.fmt.page
        section = self.doc.add_section(WD_SECTION_START.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width = Mm(page.height_mm)
        section.page_height = Mm(page.width_mm)
        # the portrait page turned a quarter: its binding edge (left) is now at the top
        section.top_margin = Mm(page.margin_left_mm)
        section.bottom_margin = Mm(page.margin_right_mm)
        section.left_margin = Mm(page.margin_top_mm)
        section.right_margin = Mm(page.margin_bottom_mm)
        section.footer_distance = self._footer_distance(page.margin_right_mm)
        self.text_width_mm = page.height_mm - page.margin_top_mm - page.margin_bottom_mm

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Inline]], widths_mm: Sequence[float] | None = None,
    ) -> Any:
        """A ruled table; the header row repeats on every page; widths fill the type area."""
        if widths_mm is not None and len(widths_mm) != len(headers):
            raise ReportError("表格列宽与列数不一致")
        text_width = self.text_width_mm
        weights = list(widths_mm) if widths_mm is not None else [1.0] * len(headers)
        widths = [Mm(text_width * w / sum(weights)) for w in weights]
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # w:gridCol: LibreOffice lays the table out from these
        header = table.rows[0]
        _child(header._tr.get_or_add_trPr(), "w:tblHeader").set(qn("w:val"), "1")
        for cell, text, width in zip(header.cells, headers, widths, strict=True):
            self._fill(cell, [text], TABLE_HEADER, self.fmt.fonts.table_header, width)
        for values in rows:
            # rows built on the XML: python-docx's Row.cells walks the whole table (quadratic)
            tr = table._tbl.add_tr()
            _child(tr.get_or_add_trPr(), "w:cantSplit").set(qn("w:val"), "1")  # a row never breaks across pages
            for value, width in zip(values, widths, strict=True):
                tc = tr.add_tc()
                self._fill(_Cell(tc, table), [value], TABLE_TEXT, self.fmt.fonts.table, width)
        # a table needs a paragraph after it (and keeps the next one off its border)
        self._new_paragraph(TABLE_TEXT)
        return table

    def _fill(self, cell: Any, parts: list[Inline], style_id: str, spec: FontSpec, width: Any) -> None:
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph._p.style = style_id
        for part in parts:
            self._inline(paragraph, part, spec)

    def save(self, path: Path) -> None:
        if path.suffix.lower() != ".docx":
            raise ReportError(f"输出文件应以 .docx 结尾：{path}")
        if not path.parent.is_dir():
            raise ReportError(f"输出目录不存在：{path.parent}")
        self.doc.save(str(path))


def xml_of(element: Any) -> str:
    """An element's XML (for tests and debugging)."""
    return str(etree.tostring(element, encoding="unicode"))


__all__ = ["Grid", "Inline", "Link", "Mark", "OfficialDocument", "document_grid", "set_run_fonts", "xml_of"]

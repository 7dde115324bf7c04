"""The quarterly report opens in LibreOffice: converted headless to PDF, with A4 pages, the title,
the sections and the "— N —" page numbers in the text layer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from govinspect.reports.errors import ReportError
from govinspect.reports.pdf import convert_to_pdf
from govinspect.reports.quarterly import write_quarterly_report
from tests.reports.builders import QUARTER, ReportWorld
from tests.reports.test_quarterly import SIGNED

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def pdf(world: ReportWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    docx = folder / "季度报告.docx"
    write_quarterly_report(world.db, QUARTER, docx, now=SIGNED)
    return convert_to_pdf(docx)


def test_report_converts_to_a4_pages(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 5
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)  # A4 in points
    landscape = reader.pages[-1].mediabox  # the appendices are turned sideways
    assert round(float(landscape.width)) == 842


def test_pdf_text_has_title_sections_and_page_numbers(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    texts = ["".join((page.extract_text() or "").split()) for page in reader.pages]
    assert "自查整改情况的报告" in texts[0]
    joined = "".join(texts)
    for heading in ("一、总体情况", "二、存在的问题", "三、整改情况", "四、政务新媒体情况", "五、下一步工作计划"):
        assert heading in joined
    for number, text in enumerate(texts[:3], start=1):
        assert f"—{number}—" in text


def test_first_page_renders_with_ink(pdf: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm 未安装（Debian: poppler-utils）")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    from PIL import Image

    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 1000  # text was drawn, not blank boxes-only or an empty page
    assert image.width < image.height  # portrait


def test_converting_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="文件不存在"):
        convert_to_pdf(tmp_path / "none.docx")

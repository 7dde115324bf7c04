"""Text out of attachments made in the test; bad files refused with ExtractError."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from govinspect.text.extract import ExtractError, extract_path, extract_text


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text (ASCII only), written by hand with correct offsets."""
    ops = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_docx_paragraphs_and_tables() -> None:
    data = make_docx(["关于布署防汛工作的通知", "各单位："], [["姓名", "电话"], ["王某", "13812345678"]])
    text = extract_text(data, "通知.docx")
    assert "关于布署防汛工作的通知" in text
    assert "王某\t13812345678" in text


def test_xlsx_cells() -> None:
    data = make_xlsx([["序号", "姓名", "手机"], [1, "张三", "13912345678"], [None, None, None]])
    text = extract_text(data, "名单.XLSX")
    assert text.splitlines() == ["序号\t姓名\t手机", "1\t张三\t13912345678"]


def test_pdf_text() -> None:
    text = extract_text(make_pdf(["Contact 13812345678", "Room 101"]), "a.pdf")
    assert "13812345678" in text
    assert "Room 101" in text


def test_txt_in_gbk_and_utf16() -> None:
    assert extract_text("关于布署工作的通知".encode("gbk"), "a.txt") == "关于布署工作的通知"
    assert extract_text("关于布署工作的通知".encode("utf-16"), "a.txt") == "关于布署工作的通知"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.docx", "文件为空"),
        (b"   \n\n ", "a.txt", "没有可检查的文字"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00junk" * 50, "a.txt", "不是文本文件"),
        (b"this is not a zip at all", "a.docx", "不是有效的"),
        (b"PK\x03\x04 broken zip", "a.docx", "已损坏"),
        (b"PK\x03\x04 broken zip", "a.xlsx", "已损坏"),
        (b"not a pdf", "a.pdf", "不是有效的 PDF"),
        (b"%PDF-1.4\n garbage garbage", "a.pdf", "PDF"),
        (b"MZ\x90\x00", "setup.exe", "不支持的文件类型"),
        (b"abc", "noextension", "不支持的文件类型"),
    ],
)
def test_bad_input_raises_extract_error(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ExtractError) as info:
        extract_text(data, name)
    assert message in str(info.value)


def test_zip_without_word_parts() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    with pytest.raises(ExtractError, match="已损坏"):
        extract_text(buffer.getvalue(), "a.docx")


def test_truncated_docx() -> None:
    data = make_docx(["关于布署防汛工作的通知"])
    with pytest.raises(ExtractError):
        extract_text(data[: len(data) // 2], "a.docx")


def test_size_cap_in_memory() -> None:
    with pytest.raises(ExtractError, match="文件过大"):
        extract_text(b"a" * 2048, "a.txt", max_bytes=1024)


def test_huge_pdf_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:  # a sparse 200 MB file: takes no disk and must never be read
        f.truncate(200 * 1024 * 1024)
    with pytest.raises(ExtractError, match="文件过大"):
        extract_path(path)


def test_extract_path_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="文件不存在"):
        extract_path(tmp_path / "missing.txt")


def test_max_chars_cap() -> None:
    assert len(extract_text(("布署" * 5000).encode(), "a.txt", max_chars=100)) == 100

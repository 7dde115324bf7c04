"""Real, small binary files for the demo: images, a video stub and attachments (PDF, DOCX, XLSX, TXT).

Everything is made byte-for-byte reproducible: office files are zip archives whose entry times and
document dates would otherwise change on every build.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from datetime import datetime
from functools import cache

# the fixed date stamped into generated office documents (their content, not their publication date)
_DOC_STAMP = datetime(2020, 1, 1, 8, 0, 0)
_ZIP_STAMP = (1980, 1, 1, 0, 0, 0)


def png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A vertical two-colour gradient PNG (truecolour, no external imaging library needed)."""
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        colour = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows.append(b"\x00" + colour * width)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def mp4_stub() -> bytes:
    """The opening boxes of an MP4 file (ftyp + free + empty mdat): served as a real video resource."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + box(b"free", b"govinspect demo video") + box(b"mdat", b"")


def pdf(title: str) -> bytes:
    """A valid one-page PDF (hand-written objects and cross-reference table).

    The page text is ASCII (the standard 14 fonts carry no Chinese glyphs); the Chinese title is
    stored in the document information dictionary as UTF-16.
    """
    stream = (
        b"BT /F1 14 Tf 72 760 Td (Ningchuan County People's Government) Tj 0 -24 Td (demo attachment) Tj ET"
    )
    title_hex = ("feff" + title.encode("utf-16-be").hex()).upper().encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title <" + title_hex + b"> /Producer (govinspect demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite an office zip with fixed entry times and fixed document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>2020-01-01T00:00:00Z\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, content)
    return out.getvalue()


@cache
def docx(title: str, paragraphs: tuple[str, ...]) -> bytes:
    from docx import Document  # imported here: only built when an attachment is requested

    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "宁川县人民政府"
    document.core_properties.created = _DOC_STAMP
    document.core_properties.modified = _DOC_STAMP
    document.core_properties.last_printed = _DOC_STAMP
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible_zip(buffer.getvalue())


@cache
def xlsx(title: str, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> bytes:
    from openpyxl import Workbook  # imported here: only built when an attachment is requested

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.properties.creator = "宁川县人民政府"
    book.properties.created = _DOC_STAMP
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def txt_gb18030(title: str, lines: tuple[str, ...]) -> bytes:
    """A plain-text attachment in GB18030 with CRLF line ends, as Windows editors save it."""
    return "\r\n".join((title, *lines)).encode("gb18030") + b"\r\n"


# what each attachment kind is served as (text/plain deliberately without charset)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "png": "image/png",
    "mp4": "video/mp4",
}


def attachment(kind: str, title: str) -> bytes:
    """The body of an attachment of ``kind`` whose document title is ``title``."""
    lines = ("本文件为演示站点附件。", "宁川县人民政府")
    if kind == "pdf":
        return _pdf_cached(title)
    if kind == "docx":
        return docx(title, lines)
    if kind == "xlsx":
        return xlsx(
            title, ("序号", "事项", "责任单位", "完成时限"), (("1", "组织实施", "县有关部门", "年底前"),)
        )
    if kind == "txt":
        return txt_gb18030(title, lines)
    raise ValueError(f"未知的附件类型：{kind}")


@cache
def _pdf_cached(title: str) -> bytes:
    return pdf(title)

"""Plain text out of attachments (.docx, .xlsx, .pdf, .txt), with size caps and clear refusals.

Everything that cannot be read — empty, corrupt, encrypted, binary junk, too big, unsupported —
raises ``ExtractError`` with a one-line Chinese message; nothing else escapes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from govinspect.parse.encoding import decode_html

MAX_FILE_BYTES = 50 * 1024 * 1024  # larger attachments are refused, not read
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # .docx/.xlsx are zip files: guard against zip bombs
MAX_CHARS = 2_000_000  # text beyond this is not extracted (the engine would not check it anyway)
MAX_PDF_PAGES = 2_000
MAX_JUNK_SHARE = 0.02  # control characters / undecodable bytes tolerated in a .txt
SUPPORTED = {
    "docx": "docx",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "pdf": "pdf",
    "txt": "txt",
    "text": "txt",
    "csv": "txt",
    "md": "txt",
}


class ExtractError(ValueError):
    """The file cannot be turned into text; the message (Chinese) says why."""


def kind_of(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = SUPPORTED.get(suffix)
    if kind is None:
        shown = f".{suffix}" if suffix else "（无扩展名）"
        raise ExtractError(f"不支持的文件类型 {shown}：只能检查 .docx、.xlsx、.pdf、.txt 文件")
    return kind


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def extract_path(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Like extract_text, but refuses a file over the cap before reading any of it."""
    path = Path(path)
    kind_of(path.name)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ExtractError(f"文件不存在：{path}") from exc
    except OSError as exc:
        raise ExtractError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    if not path.is_file():
        raise ExtractError(f"不是普通文件：{path}")
    if size > max_bytes:
        raise ExtractError(f"文件过大（{_mb(size)}），超过 {_mb(max_bytes)} 的上限，未检查：{path.name}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    return extract_text(data, path.name, max_bytes=max_bytes)


def extract_text(data: bytes, name: str, *, max_bytes: int = MAX_FILE_BYTES, max_chars: int = MAX_CHARS) -> str:
    """The text of a document named ``name`` (its suffix decides the format)."""
    kind = kind_of(name)
    if not data:
        raise ExtractError(f"文件为空：{name}")
    if len(data) > max_bytes:
        raise ExtractError(f"文件过大（{_mb(len(data))}），超过 {_mb(max_bytes)} 的上限，未检查：{name}")
    if kind == "txt":
        text = _txt(data, name)
    elif kind == "docx":
        text = _docx(data, name, max_chars)
    elif kind == "xlsx":
        text = _xlsx(data, name, max_chars)
    else:
        text = _pdf(data, name, max_chars)
    text = text[:max_chars]
    if not text.strip():
        raise ExtractError(f"文件中没有可检查的文字：{name}" + ("（可能是扫描件）" if kind == "pdf" else ""))
    return text


def _txt(data: bytes, name: str) -> str:
    text = _decode_plain(data)
    if not text:
        return text
    junk = sum(1 for c in text if (c < " " and c not in "\t\n\r\f") or c == "\ufffd")
    if "\x00" in text or junk / len(text) > MAX_JUNK_SHARE:
        raise ExtractError(f"不是文本文件（含二进制内容或无法识别的编码）：{name}")
    return text


def _decode_plain(data: bytes) -> str:
    """UTF-8, else GB18030 (what Chinese offices save), else the page decoder's guess.

    A short GBK text fools a statistical detector; GB18030 tried strictly before it does not.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_html(data)[0]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return decode_html(data)[0]


def _open_zip(data: bytes, name: str, label: str) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise ExtractError(f"不是有效的 {label} 文件（文件头不对，可能已损坏或扩展名有误）：{name}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractError(f"{label} 文件已损坏，无法打开：{name}") from exc
    if total > MAX_UNZIPPED_BYTES:
        raise ExtractError(f"{label} 文件解压后过大（{_mb(total)}），未检查：{name}")
    return archive


def _docx(data: bytes, name: str, max_chars: int) -> str:
    import docx  # python-docx; imported here so the engine loads without it

    _open_zip(data, name, "Word(.docx)").close()
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (KeyError, ValueError, XML errors)
        raise ExtractError(f"Word(.docx) 文件已损坏，无法读取：{name}（{type(exc).__name__}）") from exc
    parts: list[str] = []
    size = 0
    for text in _docx_texts(document):
        parts.append(text)
        size += len(text) + 1
        if size >= max_chars:
            break
    return "\n".join(parts)


def _docx_texts(document: object) -> Iterator[str]:
    for paragraph in getattr(document, "paragraphs", []):
        if paragraph.text.strip():
            yield paragraph.text
    for table in getattr(document, "tables", []):
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                value = cell.text.strip()
                if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                    cells.append(value)
            if cells:
                yield "\t".join(cells)


def _xlsx(data: bytes, name: str, max_chars: int) -> str:
    import openpyxl

    _open_zip(data, name, "Excel(.xlsx)").close()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors…
        raise ExtractError(f"Excel(.xlsx) 文件已损坏，无法读取：{name}（{type(exc).__name__}）") from exc
    parts: list[str] = []
    size = 0
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
                if cells:
                    line = "\t".join(cells)
                    parts.append(line)
                    size += len(line) + 1
                    if size >= max_chars:
                        return "\n".join(parts)
    except Exception as exc:
        raise ExtractError(f"Excel(.xlsx) 文件内容损坏：{name}（{type(exc).__name__}）") from exc
    finally:
        workbook.close()
    return "\n".join(parts)


def _pdf(data: bytes, name: str, max_chars: int) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%PDF" not in data[:1024]:
        raise ExtractError(f"不是有效的 PDF 文件（文件头不对，可能已损坏或扩展名有误）：{name}")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns loudly about small flaws
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError(f"PDF 文件已加密，无法读取：{name}")
        pages = reader.pages
        count = len(pages)
    except ExtractError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise ExtractError(f"PDF 文件已损坏，无法读取：{name}（{type(exc).__name__}）") from exc
    parts: list[str] = []
    size = 0
    for index in range(min(count, MAX_PDF_PAGES)):
        try:
            text = pages[index].extract_text() or ""
        except Exception:  # one unreadable page must not lose the rest
            continue
        parts.append(text)
        size += len(text)
        if size >= max_chars:
            break
    return "\n".join(parts)

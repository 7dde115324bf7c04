"""One decoding function for the mix of UTF-8, GBK, GB2312 and GB18030 on government sites."""

from __future__ import annotations

import codecs
import re

import cchardet

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""",
    re.IGNORECASE,
)
# GB2312 and GBK are subsets of GB18030: decoding as GB18030 never loses a character they have
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb_2312-80"}


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if canonical in _GB_FAMILY else canonical


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM → header charset → <meta charset> → strict UTF-8 → detector → GB18030.

    Returns the text and the encoding used. Never raises: the last resort replaces bad bytes.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc
    declared: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        header_enc = _canonical(m.group(1)) if m else None
        if header_enc:
            declared.append(header_enc)
    m2 = _META_CHARSET.search(data[:4096])
    meta_enc = _canonical(m2.group(1).decode("ascii", "ignore")) if m2 else None
    if meta_enc:
        declared.append(meta_enc)
    for enc in declared:
        text = _try(data, enc)
        if text is not None:
            return text, enc
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    guess = _canonical(cchardet.detect(data[:65536]).get("encoding"))
    if guess and guess not in ("ascii", "utf-8"):
        text = _try(data, guess)
        if text is not None:
            return text, guess
    text = _try(data, "gb18030")
    if text is not None:
        return text, "gb18030"
    enc = declared[0] if declared else "gb18030"
    return data.decode(enc, errors="replace"), enc

from __future__ import annotations

import codecs

from govinspect.parse.encoding import decode_html

TEXT = "<html><head><title>县人民政府</title></head><body><p>关于做好防汛抗旱工作的通知，各乡镇人民政府、县直各单位：为切实做好今年防汛工作，现将有关事项通知如下。</p></body></html>"


def test_bom_wins() -> None:
    text, enc = decode_html(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "text/html; charset=gbk")
    assert enc == "utf-8" and "县人民政府" in text


def test_header_charset_gb2312_decodes_as_gb18030() -> None:
    text, enc = decode_html(TEXT.encode("gbk"), "text/html; charset=GB2312")
    assert enc == "gb18030" and "防汛抗旱" in text


def test_meta_charset_without_header() -> None:
    html = TEXT.replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    text, enc = decode_html(html.encode("gbk"), "text/html")
    assert enc == "gb18030" and "各乡镇人民政府" in text


def test_undeclared_gbk_is_detected() -> None:
    text, enc = decode_html(TEXT.encode("gbk"), None)
    assert "各乡镇人民政府" in text
    assert enc in ("gb18030", "gbk")


def test_wrong_header_falls_through_to_utf8() -> None:
    text, enc = decode_html(TEXT.encode("utf-8"), "text/html; charset=nonsense-enc")
    assert enc == "utf-8" and "县人民政府" in text


def test_undecodable_bytes_never_raise() -> None:
    text, _ = decode_html(b"\xff\xfe\xfa" * 10 + "政府".encode("gb18030"), None)
    assert isinstance(text, str)


def test_gb18030_only_characters() -> None:
    rare = "䶮𠀀"  # outside GBK, inside GB18030
    text, enc = decode_html(("<p>" + rare + "</p>").encode("gb18030"), "text/html; charset=gbk")
    assert rare in text and enc == "gb18030"

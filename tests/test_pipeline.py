from __future__ import annotations

from govinspect.pipeline import looks_binary


def test_binary_detection() -> None:
    assert looks_binary(b"<html>\x00\x01\x02")  # a NUL byte
    assert looks_binary(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20 + b"<p>")  # control bytes, no NUL
    assert not looks_binary("<html><body>\t政府网站\r\n</body></html>".encode())  # tabs and newlines are text
    assert not looks_binary(b"")

"""Reading a log file, plain or gzip, as batches of text lines with a running content hash.

Files are read in 1 MiB chunks and decoded a chunk at a time (never a line at a time: that is
what keeps the reader fast); memory stays constant whatever the file size. The identity of a
file is the SHA-256 of its *decompressed* content, so the same log imported once plain and once
gzipped (after rotation) is recognised as the same. A gzip file that ends early (a copy taken
while it was being written) raises a StatsError naming the file and the line reached.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from govinspect.stats.errors import StatsError

CHUNK_BYTES = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class LogFile:
    path: Path
    compressed: bool

    @property
    def name(self) -> str:
        return self.path.name


def open_log(path: Path) -> LogFile:
    """Check that the file exists and can be read; tell gzip from plain by its magic bytes."""
    if not path.exists():
        raise StatsError(f"文件不存在：{path}")
    if not path.is_file():
        raise StatsError(f"不是文件：{path}")
    try:
        with path.open("rb") as handle:
            magic = handle.read(2)
    except OSError as exc:
        raise StatsError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    return LogFile(path=path, compressed=magic == _GZIP_MAGIC)


def _open(log: LogFile) -> BinaryIO:
    if log.compressed:
        return gzip.open(log.path, "rb")  # type: ignore[return-value]
    return log.path.open("rb")


class ChunkReader:
    """Decompressed chunks of one file; counts bytes and, via the caller, lines reached."""

    def __init__(self, log: LogFile) -> None:
        self.log = log
        self.bytes_read = 0
        self.lines_reached = 0  # kept up to date by LineReader, so that errors can name the line

    def chunks(self) -> Iterator[bytes]:
        try:
            with _open(self.log) as handle:
                while True:
                    chunk = handle.read(CHUNK_BYTES)
                    if not chunk:
                        return
                    self.bytes_read += len(chunk)
                    yield chunk
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise StatsError(
                f"文件 {self.log.path} 不完整或已损坏（gzip 数据在第 {self.lines_reached + 1} 行附近中断：{exc}）；"
                "该文件未导入任何数据，请取得完整的文件后重新导入"
            ) from exc
        except OSError as exc:
            raise StatsError(f"读取文件 {self.log.path} 出错：{exc.strerror or exc}") from exc


@dataclass
class ContentIdentity:
    sha256: str
    size: int
    lines: int
    first_line_sha256: str


class LineReader:
    """Batches of decoded lines with the number of each batch's first line.

    After the iteration, ``identity`` holds the file's content hash, size and line count.
    Bytes that are not UTF-8 (binary junk some scanners send) are replaced, never fatal.
    """

    def __init__(self, log: LogFile) -> None:
        self.reader = ChunkReader(log)
        self.identity: ContentIdentity | None = None

    def batches(self) -> Iterator[tuple[int, list[str]]]:
        hasher = hashlib.sha256()
        first_line: bytes | None = None
        carry = b""
        number = 1
        for chunk in self.reader.chunks():
            hasher.update(chunk)
            data = carry + chunk if carry else chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1 :]
            if first_line is None:
                first_line = data[: data.find(b"\n")]
            text = data[:cut].decode("utf-8", "replace")
            if "\r" in text:  # CRLF (IIS, Windows copies); the batch's last CR precedes the cut
                text = text.replace("\r\n", "\n").removesuffix("\r")
            lines = text.split("\n")
            yield number, lines
            number += len(lines)
            self.reader.lines_reached = number - 1
        if carry:
            if first_line is None:
                first_line = carry
            yield number, [carry.decode("utf-8", "replace").rstrip("\r")]
            number += 1
        self.identity = ContentIdentity(
            sha256=hasher.hexdigest(),
            size=self.reader.bytes_read,
            lines=number - 1,
            first_line_sha256=hashlib.sha256((first_line or b"").rstrip(b"\r")).hexdigest(),
        )


def first_line_sha256(log: LogFile) -> str | None:
    """The hash of the first line, or None for an empty file (read without touching the rest)."""
    for chunk in ChunkReader(log).chunks():
        cut = chunk.find(b"\n")
        return hashlib.sha256((chunk if cut < 0 else chunk[:cut]).rstrip(b"\r")).hexdigest()
    return None


def prefix_hashes(log: LogFile, offsets: set[int]) -> tuple[str, int, dict[int, str]]:
    """The full content hash, the size and the hash of the first ``n`` bytes for each n in offsets.

    Used only when an earlier import of the site began with the same line: it tells an
    already-imported file (same hash) and a log that has grown since (an earlier import is a prefix).
    """
    hasher = hashlib.sha256()
    found: dict[int, str] = {}
    position = 0
    wanted = sorted(o for o in offsets if o > 0)
    for chunk in ChunkReader(log).chunks():
        end = position + len(chunk)
        while wanted and wanted[0] <= end:
            offset = wanted.pop(0)
            partial = hasher.copy()
            partial.update(chunk[: offset - position])
            found[offset] = partial.hexdigest()
        hasher.update(chunk)
        position = end
    return hasher.hexdigest(), position, found

"""RSS/Atom connector: fetch a feed (as a self-hosted RSSHub serves it) and read its items.

The response is read in chunks into an incremental XML parser, so that a feed which is cut off,
breaks its XML half-way or never ends still yields every item completed before the break. Size
and time are capped (data/newmedia/checks.yaml: feeds). Entity declarations are refused (no
entity-expansion tricks), and nothing but the feed's own URL is ever fetched.
"""

from __future__ import annotations

import asyncio
import codecs
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import aiohttp
from selectolax.lexbor import LexborHTMLParser

from govinspect.newmedia.ingest import PostIn
from govinspect.newmedia.rules import media_rules
from govinspect.newmedia.times import parse_time
from govinspect.settings import DEFAULT_USER_AGENT

_ITEM_TAGS = {"item", "entry"}
_ROOT_TAGS = {"rss", "feed", "RDF"}
_TEXT_TAGS = ("encoded", "content", "description", "summary")  # fullest first
_TIME_TAGS = ("pubDate", "published", "date", "updated", "issued", "modified")
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}  # what sites label GB2312 is often GBK


@dataclass
class FeedRead:
    kind: str | None = None  # rss | atom
    title: str = ""
    items: list[PostIn] = field(default_factory=list)
    error: str | None = None
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    truncated_items: bool = False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|figure))\b[^>]*>", re.I)


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment (a feed's description): one line per block, inline tags
    (<b>, <a>, <span>) joined into their sentence."""
    if "<" not in value:
        return value.strip()
    tree = LexborHTMLParser(_BLOCK_TAG.sub("\n", value))
    for node in tree.css("script, style"):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    lines = [" ".join(line.split()) for line in root.text(separator="").splitlines()]
    return "\n".join(line for line in lines if line)


def _child_text(item: ET.Element, names: tuple[str, ...]) -> str:
    by_name: dict[str, str] = {}
    for child in item:
        name = _local(child.tag)
        if name in names and name not in by_name:
            by_name[name] = "".join(child.itertext())
    for name in names:
        if by_name.get(name, "").strip():
            return by_name[name]
    return ""


def _link(item: ET.Element) -> str | None:
    fallback: str | None = None
    for child in item:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href:  # Atom: the alternate link is the post itself
            if child.get("rel", "alternate") == "alternate":
                return href.strip()
            fallback = fallback or href.strip()
        elif (child.text or "").strip():
            return (child.text or "").strip()
    for child in item:
        if _local(child.tag) in ("guid", "id") and child.get("isPermaLink", "true") != "false":
            value = (child.text or "").strip()
            if value.startswith(("http://", "https://")):
                return value
    return fallback


def item_to_post(item: ET.Element, where: str) -> PostIn:
    raw_time = _child_text(item, _TIME_TAGS)
    text = html_to_text(_child_text(item, _TEXT_TAGS))
    title = html_to_text(_child_text(item, ("title",)))
    return PostIn(where=where, published_at=parse_time(raw_time), title=title, text=text, url=_link(item))


class FeedParser:
    """Feed bytes in, completed items out; remembers the first error and keeps what came before."""

    def __init__(self, max_items: int) -> None:
        self._parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        self.read = FeedRead()
        self.max_items = max_items
        self._depth = 0
        self._root_seen = False
        self._head = b""  # the first bytes, until the XML declaration is seen
        self._decoder: codecs.IncrementalDecoder | None = None
        self._started = False
        self.done = False

    def _start(self) -> bool:
        """Pick how to feed the parser from the head: bytes (encodings expat knows) or decoded text."""
        self._started = True
        if b"<!ENTITY" in self._head:
            self._stop("订阅源声明了 XML 实体（<!ENTITY>），出于安全考虑不予解析")
            return False
        match = _DECLARED_ENCODING.search(self._head[:300])
        declared = match.group(1).decode("ascii").lower() if match else "utf-8"
        if self._head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or declared in _EXPAT_ENCODINGS:
            return True
        try:  # e.g. GBK: expat cannot read multi-byte encodings itself, so decode here
            self._decoder = codecs.getincrementaldecoder(_WIDER.get(declared, declared))(errors="replace")
        except LookupError:
            self._stop(f"订阅源声明的编码 {declared} 无法识别")
            return False
        return True

    def _push(self, chunk: bytes, final: bool = False) -> None:
        data: bytes | str = self._decoder.decode(chunk, final) if self._decoder else chunk
        try:
            self._parser.feed(data)
            self._drain()
        except ET.ParseError as exc:
            self._stop(_parse_error(exc))
        except ValueError as exc:
            self._stop(f"订阅源无法解析：{exc}")

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        if not self._started:
            self._head += chunk
            if len(self._head) < 4096 and b"?>" not in self._head:
                return
            chunk, self._head = self._head, self._head[:4096]
            if not self._start():
                return
        self._push(chunk)

    def close(self) -> None:
        if self.done:
            return
        if not self._started:
            if not self._head.strip():
                self._stop("订阅源为空")
                return
            if not self._start():
                return
            self._push(self._head)
        if self._decoder is not None and not self.done:
            self._push(b"", final=True)
        if self.done:
            return
        try:
            self._parser.close()
            self._drain()
        except ET.ParseError as exc:
            self._stop(_parse_error(exc))
            return
        if not self._root_seen:
            self._stop("订阅源为空")
        self.done = True

    def _stop(self, message: str) -> None:
        if self.read.error is None:
            self.read.error = message
        self.done = True

    def _drain(self) -> None:
        for pair in self._parser.read_events():
            event, element = pair  # type: ignore[misc]  # typeshed: (str, Element) for start/end events
            assert isinstance(element, ET.Element)
            name = _local(element.tag)
            if event == "start":
                if not self._root_seen:
                    self._root_seen = True
                    if name not in _ROOT_TAGS:
                        self._stop(f"不是 RSS/Atom 订阅源（根元素为 <{name}>）")
                        return
                    self.read.kind = "atom" if name == "feed" else "rss"
                self._depth += 1
                continue
            self._depth -= 1
            if name in _ITEM_TAGS:
                index = len(self.read.items) + 1
                self.read.items.append(item_to_post(element, f"第 {index} 条"))
                element.clear()
                if len(self.read.items) >= self.max_items:
                    self.read.truncated_items = True
                    self._stop(f"订阅源条目超过 {self.max_items} 条，只读取了前 {self.max_items} 条")
                    return
            elif name == "title" and self._depth in (1, 2) and not self.read.title:
                self.read.title = "".join(element.itertext()).strip()


def _parse_error(exc: ET.ParseError) -> str:
    position: tuple[int, int] = getattr(exc, "position", (0, 0))
    line, column = position
    return f"订阅源不是有效的 XML（第 {line} 行第 {column} 列附近出错）"


def parse_feed_bytes(data: bytes, max_items: int | None = None) -> FeedRead:
    parser = FeedParser(max_items or media_rules().feed_max_items)
    parser.feed(data)
    parser.close()
    return parser.read


async def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    max_items: int | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> FeedRead:
    """GET a feed and parse it as it arrives; never raises for network or content trouble."""
    rules = media_rules()
    limit_bytes = max_bytes or rules.feed_max_bytes
    limit_seconds = timeout or rules.feed_timeout
    parser = FeedParser(max_items or rules.feed_max_items)
    headers = {"User-Agent": user_agent, "Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    client_timeout = aiohttp.ClientTimeout(total=None, connect=limit_seconds, sock_read=limit_seconds)
    received = 0
    try:
        async with (
            asyncio.timeout(limit_seconds),
            aiohttp.ClientSession(timeout=client_timeout, cookie_jar=aiohttp.DummyCookieJar()) as session,
            session.get(url, headers=headers, allow_redirects=True, max_redirects=5) as resp,
        ):
            parser.read.status = resp.status
            if resp.status == 304:
                parser.read.not_modified = True
                return parser.read
            if resp.status >= 400:
                parser.read.error = f"订阅源返回 HTTP {resp.status}"
                return parser.read
            parser.read.etag = resp.headers.get("ETag")
            parser.read.last_modified = resp.headers.get("Last-Modified")
            async for chunk in resp.content.iter_chunked(65536):
                received += len(chunk)
                if received > limit_bytes:
                    parser.feed(chunk[: len(chunk) - (received - limit_bytes)])
                    parser.read.error = parser.read.error or (
                        f"订阅源超过 {limit_bytes / 1048576:.1f} MB 上限，已停止读取"
                    )
                    return parser.read
                parser.feed(chunk)
                if parser.done:
                    return parser.read
    except TimeoutError:
        waited = time.monotonic() - started
        parser.read.error = parser.read.error or (
            f"订阅源在 {waited:.0f} 秒内未传输完毕（上限 {limit_seconds:g} 秒），已停止读取"
        )
        return parser.read
    except aiohttp.InvalidURL:
        parser.read.error = f"订阅源地址无效：{url}"
        return parser.read
    except (aiohttp.ClientError, OSError) as exc:
        parser.read.error = f"无法读取订阅源：{type(exc).__name__}: {exc}"[:300]
        return parser.read
    parser.close()
    return parser.read

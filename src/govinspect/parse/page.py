"""A fetched HTML page parsed once with Lexbor (selectolax): title, meta, links, resources, text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from govinspect.crawl.urls import BadURL, normalize
from govinspect.parse.pagination import script_pagination

ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps ofd txt rtf zip rar 7z gz tar csv xml ceb caj".split()
)

# (selector, attribute, kind) for everything a page loads or links to
_RESOURCE_SELECTORS: tuple[tuple[str, str, str], ...] = (
    ("img[src]", "src", "image"),
    ("input[type=image][src]", "src", "image"),
    ("video[src]", "src", "video"),
    ("video[poster]", "poster", "image"),
    ("audio[src]", "src", "audio"),
    ("source[src]", "src", "media"),
    ("track[src]", "src", "media"),
    ("script[src]", "src", "script"),
    ("iframe[src]", "src", "iframe"),
    ("frame[src]", "src", "iframe"),
    ("embed[src]", "src", "embed"),
    ("object[data]", "data", "object"),
)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#", "vbscript:", "sms:")
_WS = re.compile(r"\s+")


@dataclass(slots=True)
class Link:
    """One outgoing reference of a page.

    ``category`` is ``link`` for a navigable hyperlink (broken → broken_link), ``resource`` for
    what the page loads or offers as a file (broken → broken_resource), and ``discover`` for a URL
    that only leads the crawler (a pager repeated on every page of a list; see parse/pagination.py).
    """

    url: str
    kind: str  # a, image, video, audio, media, script, stylesheet, iframe, embed, object, attachment, pagination
    text: str = ""
    category: str = "link"
    raw: str = ""


def extension_of(url: str) -> str:
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def is_attachment_url(url: str) -> bool:
    return extension_of(url) in ATTACHMENT_EXTENSIONS


def clean_text(value: str | None) -> str:
    return _WS.sub(" ", value or "").strip()


@dataclass
class ParsedPage:
    url: str
    html: str
    status: int = 200
    content_type: str = "text/html"
    encoding: str = "utf-8"
    tree: LexborHTMLParser = field(init=False, repr=False)
    title: str = field(init=False, default="")
    meta: dict[str, str] = field(init=False, default_factory=dict)
    links: list[Link] = field(init=False, default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tree = LexborHTMLParser(self.html)
        title_node = self.tree.css_first("title")
        self.title = clean_text(title_node.text()) if title_node is not None else ""
        self.meta = self._read_meta()
        self.links = self._read_links()

    @property
    def base_url(self) -> str:
        base = self.tree.css_first("base[href]")
        if base is not None:
            href = base.attributes.get("href") or ""
            try:
                return normalize(href, self.url)
            except BadURL:
                pass
        return self.url

    def _read_meta(self) -> dict[str, str]:
        meta: dict[str, str] = {}
        for node in self.tree.css("meta"):
            attrs = node.attributes
            key = attrs.get("name") or attrs.get("http-equiv") or attrs.get("property")
            if key and key.lower() not in meta:
                meta[key.lower()] = clean_text(attrs.get("content"))
        return meta

    def _resolve(self, raw: str | None, base: str) -> str | None:
        if not raw:
            return None
        raw = raw.strip()
        if not raw or raw.lower().startswith(_SKIP_SCHEMES):
            return None
        try:
            return normalize(raw, base)
        except BadURL:
            return None

    def _read_links(self) -> list[Link]:
        base = self.base_url
        out: list[Link] = []
        for node in self.tree.css("a[href], area[href]"):
            raw = node.attributes.get("href") or ""
            url = self._resolve(raw, base)
            if url is None:
                continue
            text = clean_text(node.text()) or clean_text(node.attributes.get("title") or node.attributes.get("alt"))
            if is_attachment_url(url):
                out.append(Link(url, "attachment", text, "resource", raw))
            else:
                out.append(Link(url, "a", text, "link", raw))
        if "createPage" in self.html:
            for raw, first in script_pagination(self.html, base):
                url = self._resolve(raw, base)
                if url:
                    out.append(Link(url, "pagination", "", "link" if first else "discover", raw))
        for node in self.tree.css("link[href]"):
            rel = (node.attributes.get("rel") or "").lower()
            if "stylesheet" in rel or "icon" in rel:
                url = self._resolve(node.attributes.get("href"), base)
                if url:
                    out.append(Link(url, "stylesheet" if "stylesheet" in rel else "image", "", "resource"))
        for selector, attr, kind in _RESOURCE_SELECTORS:
            for node in self.tree.css(selector):
                raw = node.attributes.get(attr) or ""
                url = self._resolve(raw, base)
                if url:
                    text = clean_text(node.attributes.get("alt") or node.attributes.get("title"))
                    out.append(Link(url, kind, text, "resource", raw))
        return out

    @cached_property
    def text_blocks(self) -> list[str]:
        """Visible text, one block per line, without scripts, styles and comments."""
        tree = LexborHTMLParser(self.html)
        tree.strip_tags(["script", "style", "noscript", "template", "head"])
        root = tree.body or tree.root
        if root is None:
            return []
        raw = root.text(deep=True, separator="\n", strip=True)
        return [line for line in (clean_text(x) for x in raw.split("\n")) if line]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.text_blocks)


def parse_html(
    html: str,
    url: str,
    *,
    status: int = 200,
    content_type: str = "text/html",
    encoding: str = "utf-8",
) -> ParsedPage:
    return ParsedPage(url=url, html=html, status=status, content_type=content_type, encoding=encoding)

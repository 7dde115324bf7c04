"""The demo site as data: its hosts, its resources (lazily rendered) and the manifest of planted problems."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from govinspect.crawl.urls import normalize

# the loopback addresses of the demo's four hosts (main is configurable, the others are fixed)
GOOD_IP = "127.0.0.2"
DEAD_IP = "127.0.0.3"
SPAM_IP = "127.0.0.4"


@dataclass(frozen=True, slots=True)
class DemoHosts:
    """Base URLs (no trailing slash) of the demo's hosts, all on one port.

    ``dead`` is never bound, so connecting to it is refused: a planted broken link.
    """

    main: str
    good: str
    dead: str
    spam: str

    @classmethod
    def for_port(cls, port: int, main_ip: str = "127.0.0.1") -> DemoHosts:
        return cls(
            main=f"http://{main_ip}:{port}",
            good=f"http://{GOOD_IP}:{port}",
            dead=f"http://{DEAD_IP}:{port}",
            spam=f"http://{SPAM_IP}:{port}",
        )

    @property
    def port(self) -> int:
        port = urlsplit(self.main).port
        return 80 if port is None else port

    def all(self) -> dict[str, str]:
        return {"main": self.main, "good": self.good, "dead": self.dead, "spam": self.spam}


@dataclass(slots=True)
class Resource:
    """One response of the demo server. The body is rendered on demand so big sites stay small in memory."""

    content_type: str  # sent exactly as written: some deliberately lack a charset
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None
    render: Callable[[], bytes] | None = None
    encoding: str | None = None  # how a text body is encoded (None: binary)

    @property
    def body(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.render is not None:
            return self.render()
        return b""

    @property
    def is_html(self) -> bool:
        return self.content_type.split(";")[0].strip() == "text/html" and self.status == 200

    def text(self) -> str:
        """The body decoded with the encoding it was written in."""
        return self.body.decode(self.encoding or "utf-8")


@dataclass(frozen=True, slots=True)
class ExpectedFinding:
    """One planted problem: the finding a correct scan must report."""

    code: str
    page: str
    target: str | None = None
    evidence: str | None = None
    suggestion: str | None = None
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class NotAFinding:
    """Something that looks like a problem but is not one: a scan that reports it is wrong."""

    code: str
    page: str
    evidence: str | None
    reason: str
    target: str | None = None


@dataclass
class DemoSite:
    hosts: DemoHosts
    now: datetime
    seed: int
    resources: dict[str, Resource]  # keyed by absolute, normalised URL
    expected: list[ExpectedFinding] = field(default_factory=list)
    must_not_flag: list[NotAFinding] = field(default_factory=list)
    # main-host paths answered by the server itself, not from ``resources``
    calendar_path: str = "/calendar/"
    slow_path: str = "/slow.html"
    # the per-site settings a scan of the demo should use (CheckContext.site_config): the sub-site
    # prefix and the site's own place names, as an office registers them for its site
    site_config: dict[str, Any] = field(default_factory=dict)
    # the generator's page context (a govinspect.demo.build.Build): the server draws dynamic pages with it
    context: Any = field(default=None, repr=False, compare=False)

    @property
    def home_url(self) -> str:
        return self.hosts.main + "/"

    def url(self, path: str, host: str = "main") -> str:
        return normalize(self.hosts.all()[host] + path)

    def get(self, url: str) -> Resource | None:
        return self.resources.get(normalize(url))

    def html_pages(self, host: str | None = None) -> Iterator[tuple[str, Resource]]:
        prefix = self.hosts.all()[host] + "/" if host else ""
        for url, res in self.resources.items():
            if res.is_html and url.startswith(prefix):
                yield url, res

    def is_dynamic(self, url: str) -> bool:
        """A main-host URL the server makes up on request (the endless calendar, the slow page)."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.hosts.main:
            return False
        return parts.path.startswith(self.calendar_path) or parts.path == self.slow_path

"""What a site-level check sees of a finished crawl: pages and links with their outcomes.

The store implements ``SiteData`` over the database (streaming, so memory stays flat); tests
implement it over lists. Checks never import the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class PageRecord:
    url: str
    status: int | None
    ok: bool
    title: str = ""
    content_type: str = ""
    depth: int = 0
    error: str | None = None
    facts: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    content_hash: str | None = None  # SHA-256 of the body: tells an unchanged page on the next scan


@dataclass(frozen=True, slots=True)
class LinkRecord:
    page_url: str
    target_url: str
    kind: str
    category: str  # link | resource
    text: str
    target_ok: bool | None  # None: the target was never checked (out of budget)
    target_status: int | None = None
    target_error: str | None = None


class SiteData(Protocol):
    start_url: str

    def pages(self) -> Iterator[PageRecord]: ...

    def links(self, *, broken_only: bool = False) -> Iterator[LinkRecord]:
        """All links in crawl order; ``broken_only``: those whose target was checked and failed."""
        ...


@dataclass
class ListSiteData:
    """SiteData held in memory: for tests and for check-html."""

    start_url: str
    page_list: list[PageRecord] = field(default_factory=list)
    link_list: list[LinkRecord] = field(default_factory=list)

    def pages(self) -> Iterator[PageRecord]:
        return iter(self.page_list)

    def links(self, *, broken_only: bool = False) -> Iterator[LinkRecord]:
        return (link for link in self.link_list if not broken_only or link.target_ok is False)

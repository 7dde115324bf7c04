"""Which registered site a page belongs to, when registered sites nest.

A portal's scan crawls its whole host, so it also fetches the pages of the 子站 and department
sites registered under it (http://gov.cn/bm/jyj/ under http://gov.cn/). Each of those is scored on
its own; their pages must neither count against the portal nor be lost.

A site's *area* is what it answers for:

- its home directory: the site URL's path up to its last "/" (``…/bm/jyj/index.html`` →
  ``…/bm/jyj/``); a last segment without a dot is a directory too (``…/bm/jyj`` → ``…/bm/jyj/``,
  plus the page ``…/bm/jyj`` itself);
- its registered scope: URL prefixes (matched as prefixes, as the crawler's ``--include`` does) and
  host names (the whole host).

http and https count alike (a site often answers on both, or redirects between them).

Site N is *nested in* site S when N's URL lies in S's area and S's URL does not lie in N's: N is
strictly more specific. Two sites that hold each other's URL (one home registered twice) are not
nested either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from govinspect.crawl.urls import BadURL, normalize
from govinspect.registry.model import Site

_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class SiteArea:
    """The URLs a site answers for: anything starting with one of ``prefixes``, and ``exact`` pages.

    Every entry is given in both schemes, so the same strings serve an SQL ``LIKE 'prefix%'``.
    """

    prefixes: tuple[str, ...]
    exact: frozenset[str]

    def match(self, url: str) -> int:
        """How specifically the area holds ``url``: the length of the longest matching entry; 0: not held."""
        best = len(url) if url in self.exact else 0
        for prefix in self.prefixes:
            if len(prefix) > best and url.startswith(prefix):
                best = len(prefix)
        return best

    def contains(self, url: str) -> bool:
        return self.match(url) > 0


def _both_schemes(url: str) -> list[str]:
    """``url`` in http and https (an URL of another scheme is returned as it is)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in _SCHEMES:
        return [url]
    return [f"{s}://{rest}" for s in _SCHEMES]


def home_directory(url: str) -> tuple[str, str | None]:
    """The directory a site's home URL stands for, and the page that names it without the final "/".

    ``http://a/b/index.html`` → (``http://a/b/``, None); ``http://a/b`` → (``http://a/b/``, ``http://a/b``);
    ``http://a/b/`` → (``http://a/b/``, None). Query and fragment are dropped.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    bare: str | None = None
    if last and "." not in last:  # …/bm/jyj: a directory named without its "/"
        bare = f"{parts.scheme}://{parts.netloc}{path}"
        path += "/"
    else:
        path = path[: path.rfind("/") + 1]
    return f"{parts.scheme}://{parts.netloc}{path}", bare


def site_area(site: Site) -> SiteArea:
    """The URLs ``site`` answers for: its home directory plus its registered scope (see the module)."""
    return _area(site.url, tuple(site.scope))


@lru_cache(maxsize=4096)  # every pair of sites is compared: an area is worked out once per (url, scope)
def _area(url: str, scope: tuple[str, ...]) -> SiteArea:
    directory, bare = home_directory(url)
    prefixes: list[str] = _both_schemes(directory)
    exact: set[str] = set(_both_schemes(bare)) if bare else set()
    for entry in scope:
        text = entry.strip()
        if not text:
            continue
        if "://" in text:
            try:
                text = normalize(text)
            except BadURL:
                continue  # the crawler skips it too
            prefixes.extend(_both_schemes(text))
        else:  # a host: all of it, as the crawler takes it
            host = text.lower().rstrip("/")
            prefixes.extend(f"{s}://{host}/" for s in _SCHEMES)
    return SiteArea(prefixes=tuple(dict.fromkeys(prefixes)), exact=frozenset(exact))


def in_site(url: str, site: Site) -> bool:
    """Whether the page ``url`` lies in ``site``'s area."""
    return site_area(site).contains(url)


def nested_in(inner: Site, outer: Site) -> bool:
    """Whether ``inner`` is a site inside ``outer``: its URL lies in ``outer``'s area and not the reverse."""
    if inner.id == outer.id:
        return False
    return in_site(inner.url, outer) and not in_site(outer.url, inner)


def nested_sites(site: Site, sites: Iterable[Site]) -> list[Site]:
    """The registered sites inside ``site`` (at any depth), in the order given: their pages are theirs."""
    return [other for other in sites if nested_in(other, site)]


def covering_sites(site: Site, sites: Iterable[Site]) -> list[Site]:
    """The registered sites ``site`` is nested in, in the order given: their scans crawl its pages."""
    return [other for other in sites if nested_in(site, other)]


def areas_of(sites: Iterable[Site]) -> list[tuple[Site, SiteArea]]:
    """Each site with its area, worked out once (to test many pages against the same sites)."""
    return [(site, site_area(site)) for site in sites]


def owner_of(url: str, areas: Iterable[tuple[Site, SiteArea]]) -> Site | None:
    """The most specific site whose area holds ``url`` (longest matching entry; first on a tie)."""
    best: Site | None = None
    best_match = 0
    for site, area in areas:
        match = area.match(url)
        if match > best_match:
            best, best_match = site, match
    return best

"""Home pages: the site's own and those of sub-sites in scope (a department's site under /bm/jyj/).

Rule (documented in docs/structure.md): a page other than the home page is a sub-site home when
its URL is a directory index (…/ or …/index.html), it is not a list or an article, and its own
navigation mostly leads under its own directory while sharing little with the main home page's
navigation. A site's settings may also name sub-sites (``subsites = ["http://…/bm/jyj/"]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from govinspect.structure.rules import listing_rules
from govinspect.structure.sitemap import SiteMap


@dataclass(frozen=True, slots=True)
class Home:
    url: str
    prefix: str  # URLs under this prefix belong to this home's site
    subsite: bool
    reason: str  # why it is a home: 首页 / 设置 / 独立导航


def directory_of(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path
    directory = path[: path.rfind("/") + 1] or "/"
    return urlunsplit((parts.scheme, parts.netloc, directory, "", ""))


def _nav_urls(info: dict[str, Any]) -> list[str]:
    nav: list[Any] = info.get("nav") or []
    return [str(entry["url"]) for entry in nav if isinstance(entry, dict) and entry.get("url")]


def main_home_url(sitemap: SiteMap) -> str:
    """The crawled page of the site's home: the start URL, or the index page of its directory."""
    if sitemap.start_url in sitemap.home_like:
        return sitemap.start_url
    start_dir = directory_of(sitemap.start_url)
    for url in sorted(sitemap.home_like):
        if directory_of(url) == start_dir:
            return url
    return sitemap.start_url


def find_homes(sitemap: SiteMap, declared: tuple[str, ...] = ()) -> list[Home]:
    """The main home first, then sub-site homes ordered by URL."""
    rules = listing_rules()
    main_url = main_home_url(sitemap)
    main_prefix = directory_of(main_url)
    homes = [Home(main_url, main_prefix, False, "首页")]
    main_nav = set(_nav_urls(sitemap.home_like.get(main_url, {})))
    taken = {main_prefix}
    for prefix in declared:
        prefix = prefix if prefix.endswith("/") else prefix + "/"
        candidates = sorted(u for u in sitemap.home_like if directory_of(u) == prefix)
        homes.append(Home(candidates[0] if candidates else prefix, prefix, True, "设置"))
        taken.add(prefix)
    for url in sorted(sitemap.home_like):
        prefix = directory_of(url)
        if url == main_url or prefix in taken or not prefix.startswith(main_prefix.rstrip("/")):
            continue
        nav = _nav_urls(sitemap.home_like[url])
        if len(nav) < rules.subsite_min_nav:
            continue
        own = sum(1 for n in nav if n.startswith(prefix) and n != url) / len(nav)
        shared = len(set(nav) & main_nav) / len(nav)
        if own >= rules.subsite_own_share and shared < rules.subsite_max_shared_share:
            homes.append(Home(url, prefix, True, "独立导航"))
            taken.add(prefix)
    return homes


def home_of(url: str, homes: list[Home]) -> Home:
    """The home whose site holds ``url``: the longest matching prefix."""
    best = homes[0]
    for home in homes[1:]:
        if url.startswith(home.prefix) and len(home.prefix) > len(best.prefix):
            best = home
    return best

"""List pagination that CMSs write by script instead of links.

TRS WCM writes ``createPageHTML(7, 0, "index", "html")`` (7 pages, this is page 0): the pages are
index.html, index_1.html … index_6.html. Newer TRS templates put a container id first:
``createPageHTML('page_div', 7, 1, 'index', 'html', 120)``. Without following these a crawler
misses most of a site's history.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_CREATE_PAGE = re.compile(
    r"""createPage(?:HTML|Html)\s*\(\s*(?:['"][\w-]*['"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w.-]+)['"]\s*,\s*['"](\w+)['"]""",
)
# a generous bound: a list of 2,000 pages is real on big portals; beyond that it is a trap
MAX_SCRIPT_PAGES = 2000


def script_pagination(html: str, base_url: str) -> list[tuple[str, bool]]:
    """The list's pages as (URL, written on the list's first page?).

    Every page of a list writes the whole pager; only the first page's pager is kept as links, the
    others only lead the crawler — otherwise a list of n pages would store n² identical links.
    """
    urls: list[tuple[str, bool]] = []
    for match in _CREATE_PAGE.finditer(html):
        count = min(int(match.group(1)), MAX_SCRIPT_PAGES)
        first = int(match.group(2)) == 0
        prefix, suffix = match.group(3), match.group(4)
        for page in range(count):
            name = f"{prefix}.{suffix}" if page == 0 else f"{prefix}_{page}.{suffix}"
            urls.append((urljoin(base_url, name), first))
    return urls


def script_pagination_urls(html: str, base_url: str) -> list[str]:
    return [url for url, _ in script_pagination(html, base_url)]

"""The benchmark site from the project's own demo generator (govinspect.demo), served as static files.

The main host is written by the project's ``export_static`` (files plus an nginx snippet with its
content types, charsets, redirect loop and 404 page); the demo's other hosts (the "good" external
site, the spam site) are written here. The "dead" host stays unbound (connection refused), as in
the live demo. The demo's planted problems (its ``expected`` findings) give the broken targets
each tool should report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .nginx import VirtualHost
from .sites import BenchSite, Planted, kind_of

_BROKEN_CODES = ("broken_link", "broken_resource")
# TRS-style pagination written by script: createPageHTML(page count, current index, "index", "html")
_SCRIPT_PAGINATION = re.compile(rb'createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["\']([\w-]+)["\']\s*,\s*["\'](\w+)["\']\s*\)')


def plain_pagination_links(html: bytes) -> bytes | None:
    """Plain <a> links to every list page that ``createPageHTML(...)`` writes by script, or None.

    ASCII only, so they can be added to a GBK page as well as a UTF-8 one.
    """
    match = _SCRIPT_PAGINATION.search(html)
    if not match:
        return None
    count, prefix, ext = int(match[1]), match[3].decode(), match[4].decode()
    names = [f"{prefix}.{ext}", *(f"{prefix}_{i}.{ext}" for i in range(1, count))]
    links = "".join(f'<a href="{name}">{i + 1}</a> ' for i, name in enumerate(names))
    return f'<div class="bench-plain-pages">{links}</div>'.encode("ascii")


def add_plain_pagination(root: Path) -> int:
    """Give every script-paginated list page under ``root`` plain links to its pages; how many were changed.

    The benchmark's "plain" variant of the demo: the same pages, reachable by every crawler, so
    that speed is compared on equal coverage.
    """
    changed = 0
    for path in root.rglob("*.html"):
        html = path.read_bytes()
        links = plain_pagination_links(html)
        if links is None:
            continue
        end = html.rfind(b"</body>")
        path.write_bytes(html[:end] + links + html[end:] if end >= 0 else html + links)
        changed += 1
    return changed


def _static_path(url: str) -> str | None:
    """The file path under a host's root for ``url``, or None when a static server cannot answer it."""
    parts = urlsplit(url)
    if parts.query:
        return None
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index.html"
    return path.lstrip("/")


def write_other_host(site: Any, base: str, root: Path) -> int:
    """Write the 200 resources of one non-main demo host under ``root``; how many were written."""
    written = 0
    for url, resource in site.resources.items():
        if not url.startswith(base + "/") or resource.status != 200:
            continue
        rel = _static_path(url)
        if rel is None:
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(resource.body)
        written += 1
    return written


def main_page_urls(site: Any) -> list[str]:
    """The main host's HTML pages that a static server can serve (the dynamic traps are left out)."""
    return sorted(
        url for url, _ in site.html_pages("main") if not site.is_dynamic(url) and not urlsplit(url).query
    )


def planted_of(site: Any) -> list[Planted]:
    """The distinct broken targets the demo planted, each with its kind."""
    main_netloc = urlsplit(site.hosts.main).netloc
    seen: dict[str, Planted] = {}
    for item in site.expected:
        if item.code in _BROKEN_CODES and item.target and item.target not in seen:
            resource = site.resources.get(item.target)
            # a page answered with 200 that is planted as broken can only be broken by its content
            served_ok = resource is not None and resource.is_html and not site.is_dynamic(item.target)
            kind = kind_of(item.code, item.target, main_netloc, item.detail or {}, served_ok)
            seen[item.target] = Planted(item.target, kind)
    return list(seen.values())


def build_demo_site(folder: Path, pages: int, port: int, plain: bool = False) -> BenchSite:
    from govinspect.demo.export import CONFIG_NAME, export_static
    from govinspect.demo.model import DemoHosts
    from govinspect.demo.sitegen import build_site

    hosts = DemoHosts.for_port(port)
    site = build_site(pages=pages, hosts=hosts)
    main_root = folder / "main"
    export_static(site, main_root)
    if plain:
        add_plain_pagination(main_root)
    served = [VirtualHost(_ip(hosts.main), main_root, include=main_root / CONFIG_NAME)]
    for name, base in (("good", hosts.good), ("spam", hosts.spam)):
        root = folder / name
        root.mkdir(parents=True, exist_ok=True)
        write_other_host(site, base, root)
        # the live demo answers every path of the spam host with its one page
        served.append(VirtualHost(_ip(base), root, catch_all=name == "spam"))
    page_urls = main_page_urls(site)
    return BenchSite(
        home_url=site.home_url,
        html_pages=len(page_urls),
        hosts=served,
        planted=planted_of(site),
        generator="govinspect.demo（export_static 静态导出" + ("，分页另加普通链接）" if plain else "）"),
        pages=page_urls,
    )


def _ip(base: str) -> str:
    return urlsplit(base).hostname or ""

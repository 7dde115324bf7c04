"""Shared fixtures of the demo-site tests: one site built once, at a fixed time point, on a fake port."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urljoin

import pytest

from govinspect.crawl.urls import normalize
from govinspect.demo.model import DemoHosts, DemoSite, Resource
from govinspect.demo.sitegen import build_site
from govinspect.demo.util import CHINA_TZ
from govinspect.parse.page import Link, parse_html

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=CHINA_TZ)
PORT = 18765  # only used in URLs: these tests start no server

_PAGER = re.compile(r'createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"(\w+)"\s*,\s*"(\w+)"\s*\)')


@pytest.fixture(scope="session")
def site() -> DemoSite:
    return build_site(pages=300, now=NOW, seed=1, hosts=DemoHosts.for_port(PORT))


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def hosts() -> DemoHosts:
    return DemoHosts.for_port(PORT)


@pytest.fixture(scope="session")
def links_of() -> Callable[[str, Resource], list[Link]]:
    return outgoing


@pytest.fixture(scope="session")
def text_of() -> Callable[[Resource], str]:
    return page_text


def page_text(res: Resource) -> str:
    """The page as a reader sees its characters (entities resolved)."""
    return html.unescape(res.text())


def outgoing(url: str, res: Resource) -> list[Link]:
    """Every link and resource of a page, plus the pages its TRS pager script writes."""
    page = parse_html(res.text(), url)
    links = list(page.links)
    for match in _PAGER.finditer(res.text()):
        count, _, name, ext = int(match[1]), int(match[2]), match[3], match[4]
        for i in range(count):
            target = normalize(urljoin(url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"))
            links.append(Link(target, "pagination", "", "link", target))
    return links

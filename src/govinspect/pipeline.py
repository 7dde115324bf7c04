"""Per-page processing between fetch and store: decode → parse → facts → page checks.

A pure function of its inputs (no I/O), so it can run in the event loop, a thread or another
process, and be tested without a network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govinspect.checks.registry import Check, CheckContext, run_page_checks
from govinspect.findings import Finding
from govinspect.parse.encoding import decode_html
from govinspect.parse.facts import extract_facts
from govinspect.parse.page import Link, ParsedPage, parse_html
from govinspect.parse.soft404 import is_soft_404
from govinspect.structure.messages import use_site_config

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


@dataclass
class PageOutcome:
    parsed: bool
    title: str = ""
    links: list[Link] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    soft_404: bool = False
    problem: str | None = None  # why the body was not parsed (binary, not HTML)
    page: ParsedPage | None = None


def is_html(content_type: str, body: bytes) -> bool:
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype:
        return ctype in _HTML_TYPES
    return body.lstrip()[:1] == b"<"


def looks_binary(body: bytes) -> bool:
    """Binary served as text/html: NUL bytes or many control characters at the start."""
    head = body[:2048]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    return controls / len(head) > 0.05


def process_page(
    url: str,
    body: bytes,
    content_type: str,
    ctx: CheckContext,
    *,
    status: int = 200,
    checks: list[Check] | None = None,
    keep_page: bool = False,
) -> PageOutcome:
    if not is_html(content_type, body):
        return PageOutcome(parsed=False, problem="not_html")
    if looks_binary(body):
        return PageOutcome(parsed=False, problem="binary_as_html")
    text, encoding = decode_html(body, content_type)
    page = parse_html(text, url, status=status, content_type=content_type, encoding=encoding)
    if is_soft_404(page):
        return PageOutcome(parsed=True, title=page.title, soft_404=True, page=page if keep_page else None)
    with use_site_config(ctx.site_config):  # extractors that honour per-site selectors read it from here
        facts = extract_facts(page)
    findings = run_page_checks(page, ctx, checks)
    return PageOutcome(
        parsed=True,
        title=page.title,
        links=page.links,
        facts=facts,
        findings=findings,
        page=page if keep_page else None,
    )

"""Parse stage: bytes → text → a ParsedPage (title, text blocks, links, resources, meta, facts)."""

from govinspect.parse.page import Link, ParsedPage, parse_html

__all__ = ["Link", "ParsedPage", "parse_html"]

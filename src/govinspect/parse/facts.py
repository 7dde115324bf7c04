"""Page facts: what site-level checks need to know about each page, computed once while parsing.

A fact extractor is a function from a ParsedPage to a JSON-able value (or None when the page
has nothing to say). Extractors register here by name; the scan stores the facts with the page,
and site checks (columns, templates, messages…) read them back without re-parsing anything.
Modules under ``govinspect.parse.extractors`` are imported once to fill the table.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from typing import Any

from govinspect.parse.page import ParsedPage

log = logging.getLogger(__name__)

FactFn = Callable[[ParsedPage], Any]
FACT_EXTRACTORS: dict[str, FactFn] = {}


def fact(name: str) -> Callable[[FactFn], FactFn]:
    def decorate(fn: FactFn) -> FactFn:
        if name in FACT_EXTRACTORS and FACT_EXTRACTORS[name] is not fn:
            raise ValueError(f"fact {name!r} registered twice")
        FACT_EXTRACTORS[name] = fn
        return fn

    return decorate


_loaded = False


def all_extractors() -> dict[str, FactFn]:
    global _loaded
    if not _loaded:
        import govinspect.parse.extractors as package

        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"govinspect.parse.extractors.{info.name}")
        _loaded = True
    return FACT_EXTRACTORS


def extract_facts(page: ParsedPage) -> dict[str, Any]:
    """Run every extractor; a failing one is logged and skipped, never fatal."""
    facts: dict[str, Any] = {}
    for name, fn in all_extractors().items():
        try:
            value = fn(page)
        except Exception as exc:
            log.warning("提取 %s 在 %s 出错：%s: %s", name, page.url, type(exc).__name__, exc)
            continue
        if value is not None:
            facts[name] = value
    page.facts.update(facts)
    return facts

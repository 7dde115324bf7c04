"""Per-page memo: several extractors and checks share one analysis of a page instead of redoing it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from govinspect.parse.page import ParsedPage

T = TypeVar("T")
_ATTRIBUTE = "_govinspect_structure_memo"


def memo(page: ParsedPage, key: str, compute: Callable[[ParsedPage], T]) -> T:
    """``compute(page)`` once per page; later calls with the same key return the kept value."""
    store: dict[str, Any] | None = page.__dict__.get(_ATTRIBUTE)
    if store is None:
        store = {}
        page.__dict__[_ATTRIBUTE] = store
    if key not in store:
        store[key] = compute(page)
    value: T = store[key]
    return value

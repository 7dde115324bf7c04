"""What every request handler shares: the database, settings, limits, the clock, the templates, the
background scan runner and a short-lived cache of overview aggregates."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from govinspect.findings import code_name
from govinspect.settings import Settings
from govinspect.store.db import Database
from govinspect.web import display
from govinspect.web.config import ConsoleConfig
from govinspect.web.jobs import ScanRunner

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
_CACHE_ENTRIES = 1000  # cached aggregates and counts kept at most (memory stays small)


class TTLCache:
    """Values kept for a few seconds; ``clear`` after any change made through the console.

    One thread computes a missing value while the others wait for it (no stampede of twenty
    identical computations); an expired value is recomputed by one thread while the others are
    still given the old one for those moments.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}

    def _key_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._computing.setdefault(key, threading.Lock())

    def _store(self, key: str, make: Callable[[], Any]) -> Any:
        value = make()
        with self._lock:
            if len(self._items) >= _CACHE_ENTRIES:  # many distinct filters: forget the oldest half
                for old in sorted(self._items, key=lambda k: self._items[k][0])[: _CACHE_ENTRIES // 2]:
                    del self._items[old]
                    self._computing.pop(old, None)
            self._items[key] = (time.monotonic(), value)
        return value

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.seconds:
            return hit[1]
        computing = self._key_lock(key)
        if hit is not None:  # stale: one thread refreshes it, the others keep the old value meanwhile
            if not computing.acquire(blocking=False):
                return hit[1]
            try:
                return self._store(key, make)
            finally:
                computing.release()
        with computing:  # missing: compute once, the others wait for that result
            with self._lock:
                hit = self._items.get(key)
            if hit is not None:
                return hit[1]
            return self._store(key, make)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def template_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,  # everything from scanned pages is untrusted: never turn this off
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat() per page

    )
    env.filters.update(
        when=display.when,
        percent=display.percent,
        number=display.number,
        state_label=display.state_label,
        severity_label=display.severity_label,
        kind_label=display.kind_label,
        role_label=display.role_label,
        action_label=display.action_label,
        code_name=code_name,
        safe_href=display.safe_href,
    )
    env.globals.update(highlighted=display.highlighted, detail_rows=display.detail_rows)
    return env


@dataclass
class Console:
    db: Database
    settings: Settings
    config: ConsoleConfig
    clock: Callable[[], datetime]
    runner: ScanRunner
    env: Environment = field(default_factory=template_environment)
    secure_cookies: bool = False
    overview_cache: TTLCache = field(default_factory=lambda: TTLCache(0))

    @property
    def has_echarts(self) -> bool:
        return (VENDOR_DIR / "echarts.min.js").is_file()

    @property
    def has_htmx(self) -> bool:
        return (VENDOR_DIR / "htmx.min.js").is_file()

    def changed(self, _site_id: int | None = None) -> None:
        """Something was written: forget the cached aggregates."""
        self.overview_cache.clear()


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console

"""Shared helpers for the registry, scoring and workflow tests: databases, sites, scans with findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from govinspect.findings import Finding
from govinspect.store import Database, open_database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def database_for(request: pytest.FixtureRequest) -> Iterator[Database]:
    backend = getattr(request, "param", "sqlite")
    url = request.getfixturevalue("postgres_url" if backend == "postgres" else "sqlite_url")
    db = open_database(url)
    yield db
    db.close()


def store_scan(
    db: Database,
    site_url: str,
    findings: Iterable[Finding],
    *,
    at: datetime = T0,
    pages: Iterable[str] | None = None,
    status: str = "finished",
    error: str | None = None,
    settings: dict[str, Any] | None = None,
) -> int:
    """A finished scan holding these findings; ``pages`` are the crawled pages (default: every page named)."""
    items = list(findings)
    site_id = db.site_id_for(site_url)
    scan_id = db.create_scan(site_id, site_url, settings or {}, at)
    crawled = list(dict.fromkeys([site_url, *(pages if pages is not None else [f.page for f in items])]))
    rows: list[dict[str, Any]] = [
        {"seq": i, "url": url, "role": "page", "depth": 0, "state": "done", "status": 200, "ok": True}
        for i, url in enumerate(crawled, 1)
    ]
    db.write_batch(scan_id, [{k: r[k] for k in ("seq", "url", "role", "depth", "state")} for r in rows], rows, [], items)
    db.finish_scan(scan_id, len(crawled), status=status, error=error)
    return scan_id

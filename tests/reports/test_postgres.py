"""The same report from PostgreSQL: every printed figure as on SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from govinspect.reports.quarterly import write_quarterly_report
from tests.reports.builders import QUARTER, ReportWorld, build_world
from tests.reports.test_quarterly import SIGNED

pytestmark = pytest.mark.postgres


def test_postgres_report_matches_sqlite(world: ReportWorld, postgres_url: str, tmp_path: Path) -> None:
    other = asyncio.run(build_world(tmp_path, postgres_url))
    try:
        on_pg = write_quarterly_report(other.db, QUARTER, tmp_path / "pg.docx", now=SIGNED)
    finally:
        other.db.close()
    on_sqlite = write_quarterly_report(world.db, QUARTER, tmp_path / "sqlite.docx", now=SIGNED)
    assert {f.name: f.value for f in on_pg.figures} == {f.name: f.value for f in on_sqlite.figures}
    assert [(r.code, r.rate.counted, r.rate.closed) for r in on_pg.by_kind] == [
        (r.code, r.rate.counted, r.rate.closed) for r in on_sqlite.by_kind
    ]

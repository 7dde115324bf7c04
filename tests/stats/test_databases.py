"""The same imports give the same figures on SQLite and PostgreSQL; the migrations form one chain."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from govinspect.stats.logimport import import_log_file
from govinspect.stats.messages import import_messages
from govinspect.stats.msgstats import message_summary
from govinspect.stats.period import month, quarter
from govinspect.stats.summary import traffic_summary
from govinspect.store.db import open_database
from govinspect.store.stats_repo import resolve_site
from tests.stats.exports import write_merged_xlsx
from tests.stats.logs import COMBINED, IIS

STATS_TABLES = {"stats_log_imports", "stats_traffic_days", "stats_column_days", "stats_message_imports", "stats_messages"}


def test_migrations_have_a_single_head():
    config = Config()
    config.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def _figures(url: str, tmp_path: Path) -> tuple[object, ...]:
    db = open_database(url)
    try:
        assert set(inspect(db.engine).get_table_names()) >= STATS_TABLES
        site = resolve_site(db, "http://127.0.0.1:8080/")
        log = tmp_path / "access.log"
        log.write_text(COMBINED, encoding="utf-8")
        iis = tmp_path / "iis.log"
        iis.write_text(IIS, encoding="utf-8", newline="")
        import_log_file(db, site.id, log)
        import_log_file(db, site.id, iis)
        assert import_log_file(db, site.id, log).status == "duplicate"
        import_messages(db, site.id, write_merged_xlsx(tmp_path / "letters.xlsx"))
        t = traffic_summary(db, site.id, month("2026-04"))
        m = message_summary(db, site.id, quarter("2026Q2"))
        return (t.pv, t.visits, t.bounces, t.visitors, t.visitor_days, t.hits, t.top_columns,
                m.received, m.answered, m.average_days, [o.number for o in m.overdue])
    finally:
        db.close()


def test_sqlite_figures(sqlite_url, tmp_path):
    figures = _figures(sqlite_url, tmp_path)
    # the combined log (10 PV, 7 visits, 5 bounces) plus the IIS log (5 PV, 3 visits, 1 bounce)
    assert figures[:4] == (15, 10, 6, 7)


@pytest.mark.postgres
def test_postgres_gives_the_same_figures_as_sqlite(sqlite_url, postgres_url, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert _figures(postgres_url, tmp_path / "a") == _figures(sqlite_url, tmp_path / "b")

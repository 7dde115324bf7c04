"""Migration 0002 upgrades a database that already holds scans, and downgrades cleanly."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from govinspect.findings import Finding
from govinspect.store import open_database
from govinspect.store import registry_repo as rrepo
from govinspect.workflow.sync import sync_pending
from tests.workflow.helpers import BACKENDS

NEW_TABLES = {"units", "assignment_rules", "problems", "problem_events", "problem_syncs", "ignore_rules",
              "judgements", "probes", "alerts"}


def _alembic(url: str, action: str, revision: str) -> None:
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.upgrade if action == "up" else command.downgrade)(config, revision)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("postgres_url" if request.param == "postgres" else "sqlite_url")


def test_upgrade_a_database_holding_scans_then_downgrade(url):
    _alembic(url, "up", "0001")
    old = open_database(url, migrate=False)
    site_id = old.site_id_for("http://127.0.0.1:8080/", "旧站点")
    scan_id = old.create_scan(site_id, "http://127.0.0.1:8080/", {}, datetime(2026, 1, 5, tzinfo=UTC))
    old.insert_findings(scan_id, [Finding("typo", page="http://127.0.0.1:8080/a.html", evidence="工做")])
    old.finish_scan(scan_id, 1)
    old.close()

    db = open_database(url)  # runs 0002
    assert set(inspect(db.engine).get_table_names()) >= NEW_TABLES
    site = rrepo.require_site(db, "旧站点")
    assert (site.id, site.kind, site.owner_unit_id, site.settings, site.scope) == (site_id, None, None, {}, ())
    assert [f.evidence for f in db.findings_of(scan_id)] == ["工做"]
    reports = sync_pending(db)  # the old scan becomes problems
    assert [r.opened for r in reports] == [1]
    db.close()

    _alembic(url, "down", "0001")
    engine = create_engine(url)
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    assert {c["name"] for c in inspect(engine).get_columns("sites")} == {"id", "url", "name", "created_at"}
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from findings")).scalar_one() == 1
    engine.dispose()
    again = open_database(url)  # and up again
    assert rrepo.require_site(again, str(site_id)).name == "旧站点"
    again.close()

"""The same scan on SQLite and PostgreSQL stores identical findings; migrations run on both."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from govinspect.findings import Finding
from govinspect.scan import ScanJob
from govinspect.store import StoreError, open_database
from tests.conftest import fast_settings, page

ROUTES = {
    "/": (200, "text/html", page('<a href="/a.html">甲</a><a href="/x.html">坏</a><img src="/y.png">')),
    "/a.html": (200, "text/html", page('<a href="/">首页</a><a href="/x.html">坏</a>')),
}


def _key(findings: list[Finding], base: str) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.page.replace(base, ""), (f.target or "").replace(base, "")) for f in findings)


@pytest.mark.postgres
async def test_sqlite_and_postgres_give_identical_findings(mini_site, sqlite_url, postgres_url):
    site = await mini_site(ROUTES)
    results = []
    for url in (sqlite_url, postgres_url):
        settings = fast_settings(url, check_external=False)
        settings = settings.model_copy(update={"checks": "links"})
        db = open_database(url)
        results.append(await ScanJob(settings, db, site.base + "/").run())
        db.close()
    assert _key(results[0].findings, site.base) == _key(results[1].findings, site.base)
    assert len(results[0].findings) == 3


@pytest.mark.postgres
def test_migrations_create_tables_on_postgres(postgres_url):
    db = open_database(postgres_url)
    tables = set(inspect(db.engine).get_table_names())
    assert {"sites", "scans", "urls", "links", "findings", "alembic_version"} <= tables
    open_database(postgres_url)  # a second open is a no-op upgrade
    db.close()


def test_duplicate_findings_are_stored_once(sqlite_url):
    db = open_database(sqlite_url)
    site_id = db.site_id_for("http://127.0.0.1/")
    from datetime import UTC, datetime

    scan_id = db.create_scan(site_id, "http://127.0.0.1/", {}, datetime.now(UTC))
    f = Finding("broken_link", page="http://127.0.0.1/", target="http://127.0.0.1/x", evidence="坏")
    db.insert_findings(scan_id, [f, f])
    db.insert_findings(scan_id, [f])
    assert len(db.findings_of(scan_id)) == 1


def test_bad_database_url_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="数据库"):
        open_database("nosuchdb://whatever")
    with pytest.raises(StoreError):
        open_database(f"sqlite:///{tmp_path}/missing-dir/x.db")


@pytest.mark.postgres
async def test_incremental_scan_copies_links_on_postgres_as_on_sqlite(mini_site, sqlite_url, postgres_url):
    from tests.crawl.test_incremental import _links_of

    site = await mini_site(ROUTES)
    copied = []
    for url in (sqlite_url, postgres_url):
        settings = fast_settings(url, check_external=False).model_copy(update={"checks": "links"})
        db = open_database(url)
        first = await ScanJob(settings, db, site.base + "/").run()
        job = ScanJob(settings, db, site.base + "/", incremental=True)
        second = await job.run()
        assert job.stats.pages_reused == 2
        assert _links_of(db, second.scan_id) == _links_of(db, first.scan_id)
        assert _key(second.findings, site.base) == _key(first.findings, site.base)
        copied.append(_links_of(db, second.scan_id))
        db.close()
    assert copied[0] == copied[1] and len(copied[0]) == 5


def test_migration_0006_adds_check_memos_to_a_database_holding_scans(tmp_path):
    from importlib import resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
    engine = create_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        conn.execute(text("INSERT INTO sites (id, url, name, created_at) VALUES (1, 'http://127.0.0.1/', '', '2026-01-01')"))
        conn.execute(text("INSERT INTO scans (id, site_id, start_url, status, started_at, monitoring_point, settings,"
                          " pages_fetched) VALUES (7, 1, 'http://127.0.0.1/', 'finished', '2026-01-01', '2026-01-01',"
                          " '{}', 3)"))
    assert "check_memos" not in inspect(engine).get_table_names()
    engine.dispose()
    db = open_database(url)  # upgrades to the head
    assert db.scan(7) is not None
    db.save_check_memos(7, {"mobile_render": {"screen_width": 375, "pages": {}}})
    assert db.check_memos(7) == {"mobile_render": {"screen_width": 375, "pages": {}}}
    db.close()

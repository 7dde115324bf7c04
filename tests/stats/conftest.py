"""Fixtures of the statistics tests: a migrated database and a registered site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govinspect.stats.model import SiteRef
from govinspect.store.db import Database, open_database
from govinspect.store.stats_repo import resolve_site

SITE_URL = "http://127.0.0.1:8080/"


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = open_database(sqlite_url)
    yield database
    database.close()


@pytest.fixture
def site(db: Database) -> SiteRef:
    return resolve_site(db, SITE_URL, create=True)

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govinspect.store import Database
from tests.workflow.helpers import BACKENDS, database_for


@pytest.fixture
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """SQLite: most tests."""
    yield from database_for(request)


@pytest.fixture(params=BACKENDS)
def any_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """SQLite and PostgreSQL: the tests that must hold on both."""
    yield from database_for(request)

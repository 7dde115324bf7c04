"""Fixtures of the console tests: a seeded database per test and TestClients over it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govinspect.store import Database, open_database
from govinspect.web.app import create_app
from tests.web import seed
from tests.web.seed import NOW, PASSWORD, Seeded


class Clock:
    """The console's present, moved by the tests (throttling windows, deadlines)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """Argon2 at its lightest for the tests (the real parameters cost ~0.3 s per login here)."""
    from argon2 import PasswordHasher

    from govinspect.store import users_repo

    real = users_repo._hasher
    users_repo._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users_repo._hasher = real


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, quick_password_hashing: None) -> Seeded:
    return seed.build(tmp_path_factory.mktemp("web-seed") / "console.db")


@pytest.fixture
def seeded(seeded_template: Seeded, tmp_path: Path) -> Seeded:
    return seed.copy_to(seeded_template, tmp_path / "console.db")


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def db(seeded: Seeded) -> Iterator[Database]:
    database = open_database(seeded.url)
    yield database
    database.close()


@pytest.fixture
def app(db: Database, clock: Clock):  # type: ignore[no-untyped-def]
    return create_app(db, clock=clock, warm_scores=False)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture
def api(client: TestClient, seeded: Seeded) -> Callable[[str], dict[str, str]]:
    """Headers of a role's API token."""

    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {seeded.tokens[role]}"}

    return headers


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (read from a page)."""
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": form_token(page.text), "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return form_token(client.get("/account").text)


@pytest.fixture
def browser_client(app) -> Callable[[str], tuple[TestClient, str]]:  # type: ignore[no-untyped-def]
    """A fresh client signed in as a role: (client, its CSRF token)."""
    made: list[TestClient] = []

    def make(username: str) -> tuple[TestClient, str]:
        c = TestClient(app)
        c.__enter__()
        made.append(c)
        return c, login(c, username)

    yield make
    for c in made:
        c.__exit__(None, None, None)


@pytest.fixture(scope="session")
def shared_client(seeded_template: Seeded) -> Iterator[TestClient]:
    """One client over the session's database, for tests that only read (much quicker)."""
    database = open_database(seeded_template.url)
    with TestClient(create_app(database, clock=Clock(NOW), warm_scores=False)) as c:
        yield c
    database.close()


@pytest.fixture(scope="session")
def shared_api(seeded_template: Seeded) -> Callable[[str], dict[str, str]]:
    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {seeded_template.tokens[role]}"}

    return headers

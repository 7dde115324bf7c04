from __future__ import annotations

import datetime as dt

import pytest

from govinspect.text import TextEngine

PAGE = "http://127.0.0.1:8080/col/tzgg/t1.html"
TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="session")
def engine() -> TextEngine:
    return TextEngine.load()

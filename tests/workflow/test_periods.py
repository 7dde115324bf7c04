"""Monitoring points and report periods typed by users, read in China time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govinspect.registry.model import RegistryError
from govinspect.workflow.periods import parse_point, period_bounds, quarter_bounds


def test_a_date_means_the_end_of_that_day_in_china():
    assert parse_point("2026-03-31") == datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC)
    assert parse_point("2026-03-31T08:00") == datetime(2026, 3, 31, 0, 0, tzinfo=UTC)
    with pytest.raises(RegistryError, match="无法识别"):
        parse_point("31/03/2026")


@pytest.mark.parametrize("text", ["2026Q1", "2026-Q1", "2026年第1季度", "2026 q1"])
def test_quarters(text):
    start, end = quarter_bounds(text)
    assert (start, end) == (datetime(2025, 12, 31, 16, tzinfo=UTC), datetime(2026, 3, 31, 16, tzinfo=UTC))


def test_periods():
    now = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)  # already 30 Nov in China: Q4
    assert period_bounds(None, None, None, now) == quarter_bounds("2026Q4")
    start, end = period_bounds("2026-01-01", "2026-01-31", None, now)
    assert (start, end) == (datetime(2025, 12, 31, 16, tzinfo=UTC), datetime(2026, 1, 31, 16, tzinfo=UTC))
    with pytest.raises(RegistryError, match="早于"):
        period_bounds("2026-02-01", "2026-01-01", None, now)
    with pytest.raises(RegistryError, match="不能与"):
        period_bounds("2026-02-01", None, "2026Q1", now)
    assert quarter_bounds("2026Q4")[1] == datetime(2026, 12, 31, 16, tzinfo=UTC)

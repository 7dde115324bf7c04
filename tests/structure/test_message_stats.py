"""Messages: merging list rows with detail pages, overdue judgement, statistics."""

from __future__ import annotations

from datetime import date

from govinspect.structure.config import Limit
from govinspect.structure.messages import Message, merge_messages, message_stats, overdue_messages

TODAY = date(2025, 6, 15)
LIST = "http://127.0.0.1/hdjl/index.html"


def detail(n: int) -> str:
    return f"http://127.0.0.1/hdjl/{n}.html"


def test_detail_page_wins_over_list_row() -> None:
    row = Message(detail(1), "反映道路问题", date(2025, 1, 10), None, "unanswered")
    own = Message(detail(1), "反映道路问题", date(2025, 1, 10), date(2025, 1, 20), "answered")
    merged = merge_messages([(LIST, row), (detail(1), own)])
    assert len(merged) == 1
    page, message = merged[0]
    assert page == detail(1) and message.answered == date(2025, 1, 20)


def test_overdue_unanswered_late_and_outside_window() -> None:
    found = [
        (LIST, Message(detail(1), "五个月未回复", date(2025, 1, 16), None, "unanswered")),
        (LIST, Message(detail(2), "两个月未回复", date(2025, 4, 10), None, "unanswered")),
        (LIST, Message(detail(3), "四个月后才回复", date(2024, 10, 1), date(2025, 2, 5), "answered")),
        (LIST, Message(detail(4), "两年前未回复", date(2023, 5, 1), None, "unanswered")),
        (LIST, Message(detail(5), "状态不明", date(2024, 12, 1), None, None)),
    ]
    overdue = overdue_messages(found, TODAY, Limit(months=3), Limit(months=12))
    assert [(o.message.title, o.reason) for o in overdue] == [
        ("五个月未回复", "unanswered"),
        ("四个月后才回复", "late"),
    ]
    assert overdue[0].days == (TODAY - date(2025, 1, 16)).days


def test_statistics() -> None:
    found = [
        (LIST, Message(detail(1), "甲", date(2025, 1, 1), date(2025, 1, 5), "answered")),
        (LIST, Message(detail(2), "乙", date(2025, 2, 1), date(2025, 2, 11), "answered")),
        (LIST, Message(detail(3), "丙", date(2025, 3, 1), None, "unanswered")),
        (LIST, Message(detail(4), "丁", date(2025, 4, 1), None, "answered")),
        (LIST, Message(detail(5), "太早", date(2023, 1, 1), None, "unanswered")),
    ]
    stats = message_stats(found, TODAY, Limit(months=12))
    assert stats == {"received": 4, "answered": 3, "answer_rate": 0.75, "average_days_to_answer": 7.0}

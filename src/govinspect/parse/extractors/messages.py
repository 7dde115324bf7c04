"""Fact ``messages``: the citizen messages a message-board page shows (list rows or one detail),
``[{"url", "title", "asked", "answered", "status", "status_text"}]`` — kept for the overdue check and
for the statistics reports need (received, answered, answer rate, days to answer)."""

from __future__ import annotations

from typing import Any

from govinspect.parse.facts import fact
from govinspect.parse.page import ParsedPage
from govinspect.structure.messages import MESSAGE_SELECTORS, extract_messages
from govinspect.structure.rules import message_rules


@fact("messages")
def messages_fact(page: ParsedPage) -> list[dict[str, Any]] | None:
    found = extract_messages(page, MESSAGE_SELECTORS.get())
    if not found:
        return None
    return [m.to_fact() for m in found[: message_rules().max_messages_kept]]

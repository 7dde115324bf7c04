"""The problem lifecycle: 待整改 → 整改中 → 待复核 → 已销号, plus 误报 and 不予整改 (with a reason).

Scans move problems on their own (sync.py): a finding no longer found sends 待整改/整改中 to 待复核,
a later scan that still lacks it closes it (已销号), a closed problem that comes back reopens.
People move them by hand along ``MANUAL``.
"""

from __future__ import annotations

from govinspect.registry.model import RegistryError

OPEN, IN_PROGRESS, REVIEW, CLOSED, FALSE_ALARM, WONTFIX = (
    "open", "in_progress", "review", "closed", "false_alarm", "wontfix",
)
STATE_LABELS: dict[str, str] = {
    OPEN: "待整改",
    IN_PROGRESS: "整改中",
    REVIEW: "待复核",
    CLOSED: "已销号",
    FALSE_ALARM: "误报",
    WONTFIX: "不予整改",
}
ACTIVE = frozenset({OPEN, IN_PROGRESS})  # being worked on: deadlines and overdue flags apply
NEEDS_REASON = frozenset({FALSE_ALARM, WONTFIX})

# the changes a person may make (from → allowed targets)
MANUAL: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, REVIEW, FALSE_ALARM, WONTFIX}),
    IN_PROGRESS: frozenset({OPEN, REVIEW, FALSE_ALARM, WONTFIX}),
    REVIEW: frozenset({IN_PROGRESS, CLOSED, FALSE_ALARM, WONTFIX}),
    CLOSED: frozenset({OPEN}),
    FALSE_ALARM: frozenset({OPEN}),
    WONTFIX: frozenset({OPEN}),
}


def parse_state(value: str) -> str:
    """A state given by id (review) or label (待复核)."""
    text = value.strip()
    if text in STATE_LABELS:
        return text
    for state, label in STATE_LABELS.items():
        if text == label:
            return state
    raise RegistryError(f"状态 {value!r} 无法识别（可用：{'、'.join(STATE_LABELS.values())}）")


def label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def check_manual(from_state: str, to_state: str, reason: str | None) -> None:
    if from_state == to_state:
        raise RegistryError(f"问题已是“{label(to_state)}”状态")
    if to_state not in MANUAL.get(from_state, frozenset()):
        allowed = "、".join(label(s) for s in sorted(MANUAL.get(from_state, frozenset())))
        raise RegistryError(f"不能从“{label(from_state)}”改为“{label(to_state)}”（可改为：{allowed or '无'}）")
    if to_state in NEEDS_REASON and not (reason and reason.strip()):
        raise RegistryError(f"改为“{label(to_state)}”必须用 --reason 说明理由")

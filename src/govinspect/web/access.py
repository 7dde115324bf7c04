"""Who may see and do what. One place decides, for pages and API alike.

- 管理员 (admin): everything, including settings and accounts.
- 监管人员 (supervisor): reads everything, acts on problems (every state change, assignment,
  误报/不予整改, ignore rules) and starts scans.
- 单位用户 (unit): sees only its unit's objects — the sites its unit (or a unit under it) owns, and
  the problems assigned to those units (an unassigned problem belongs to the site's owner) — and
  may only say 整改中 or 已整改 (asks for 复核). Anything else answers 404, as if it did not exist.
- 只读 (readonly): reads everything, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from govinspect.store.db import Database
from govinspect.store.schema import scans, sites
from govinspect.store.schema_workflow import problems, units
from govinspect.store.users_repo import ADMIN, READONLY, SUPERVISOR, UNIT, User
from govinspect.workflow.states import IN_PROGRESS, MANUAL, REVIEW

_UNIT_TARGETS = frozenset({IN_PROGRESS, REVIEW})


@dataclass(frozen=True)
class Access:
    user: User
    unit_ids: frozenset[int] | None  # None: every object; otherwise only these units' objects

    @property
    def sees_all(self) -> bool:
        return self.unit_ids is None

    @property
    def is_admin(self) -> bool:
        return self.user.role == ADMIN

    @property
    def can_act(self) -> bool:
        """May change problems at all."""
        return self.user.role in (ADMIN, SUPERVISOR, UNIT)

    @property
    def can_supervise(self) -> bool:
        """Assign, 误报/不予整改, reopen, ignore rules, scans."""
        return self.user.role in (ADMIN, SUPERVISOR)

    def allowed_targets(self, state: str) -> list[str]:
        """The states this user may move a problem in ``state`` to, in lifecycle order."""
        if not self.can_act:
            return []
        allowed = MANUAL.get(state, frozenset())
        if not self.can_supervise:
            allowed = allowed & _UNIT_TARGETS
        order = ["open", "in_progress", "review", "closed", "false_alarm", "wontfix"]
        return [s for s in order if s in allowed]

    # --- SQL conditions (None: no restriction) --------------------------------------------------

    def site_condition(self) -> Any:
        if self.unit_ids is None:
            return None
        return sites.c.owner_unit_id.in_(sorted(self.unit_ids))

    def problem_condition(self) -> Any:
        if self.unit_ids is None:
            return None
        ids = sorted(self.unit_ids)
        owned_sites = select(sites.c.id).where(sites.c.owner_unit_id.in_(ids))
        return or_(
            problems.c.unit_id.in_(ids),
            and_(problems.c.unit_id.is_(None), problems.c.site_id.in_(owned_sites)),
        )

    def scan_condition(self) -> Any:
        if self.unit_ids is None:
            return None
        return scans.c.site_id.in_(select(sites.c.id).where(sites.c.owner_unit_id.in_(sorted(self.unit_ids))))

    def unit_condition(self) -> Any:
        if self.unit_ids is None:
            return None
        return units.c.id.in_(sorted(self.unit_ids))

    def cache_key(self) -> str:
        return "all" if self.unit_ids is None else ",".join(str(i) for i in sorted(self.unit_ids))


def unit_and_descendants(db: Database, unit_id: int) -> frozenset[int]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(units.c.id, units.c.parent_id)).all()
    children: dict[int, list[int]] = {}
    for uid, parent in rows:
        if parent is not None:
            children.setdefault(int(parent), []).append(int(uid))
    found = {unit_id}
    stack = [unit_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)


def access_for(db: Database, user: User) -> Access:
    if user.role in (ADMIN, SUPERVISOR, READONLY):
        return Access(user=user, unit_ids=None)
    if user.role == UNIT and user.unit_id is not None:
        return Access(user=user, unit_ids=unit_and_descendants(db, user.unit_id))
    return Access(user=user, unit_ids=frozenset())  # a unit account without a unit sees nothing

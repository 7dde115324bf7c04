"""The account registry: add, change, find accounts; state changes with dates; duplicates.

An ACCOUNT reference is an id (12), a name (“某某发布”, when unique across platforms) or
platform:name (微博:某某发布).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from govinspect.newmedia.model import Account, AccountSpec, MediaError
from govinspect.newmedia.rules import platforms, running_state, states
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database
from govinspect.workflow.clock import CHINA, utcnow

SYSTEM = "系统"
EARLIEST = date(1900, 1, 1)  # the date of a registered state whose start nobody recorded
_SETTING_KEYS = {"stale_days": int, "repost": bool}


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _find(conn: Connection, ref: str | int) -> Account | None:
    text = str(ref).strip()
    if text.isdigit():
        found = repo.account_by_id(conn, int(text))
        if found is not None:
            return found
    for sep in (":", "："):
        if sep in text:
            head, name = text.split(sep, 1)
            try:
                platform = platforms().parse(head)
            except ValueError:
                break
            matches = repo.accounts_named(conn, name.strip(), platform)
            return matches[0] if matches else None
    matches = repo.accounts_named(conn, text)
    if len(matches) > 1:
        options = "、".join(f"{a.platform_label}:{a.name}" for a in matches)
        raise MediaError(f"有多个账号名为“{text}”，请写明平台，如 {options}")
    return matches[0] if matches else None


def find_account(db: Database, ref: str | int) -> Account | None:
    with db.engine.connect() as conn:
        return _find(conn, ref)


def require_account_in(conn: Connection, ref: str | int) -> Account:
    found = _find(conn, ref)
    if found is None:
        raise MediaError(f"没有找到新媒体账号：{ref}（可用编号、名称或“平台:名称”；用 media account list 查看）")
    return found


def require_account(db: Database, ref: str | int) -> Account:
    with db.engine.connect() as conn:
        return require_account_in(conn, ref)


def _unit_id(conn: Connection, unit: str | None, create_units: bool, at: datetime) -> int | None:
    name = _clean(unit)
    if name is None:
        return None
    known = repo.unit_ids_by_name(conn)
    if name in known:
        return known[name]
    if name.isdigit() and int(name) in known.values():
        return int(name)
    if not create_units:
        raise MediaError(f"单位“{name}”未登记（先用 unit add 登记，或导入时加 --create-units 自动登记）")
    return repo.insert_unit(conn, name, at)


def validate_settings(raw: Any) -> dict[str, Any]:
    """An account's own settings: stale_days (int ≥ 1), repost (true/false)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MediaError("账号设置应为“键: 值”的表")
    for key, value in raw.items():
        kind = _SETTING_KEYS.get(key)
        if kind is None:
            raise MediaError(f"账号设置 {key} 不认识（可用：{'、'.join(_SETTING_KEYS)}）")
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise MediaError(f"账号设置 {key} 应为不小于 1 的整数（天）")
        if kind is bool and not isinstance(value, bool):
            raise MediaError(f"账号设置 {key} 应为 true 或 false")
    return dict(raw)


def _spec_values(spec: AccountSpec) -> dict[str, Any]:
    return {
        "account_key": _clean(spec.account_key),
        "filing_no": _clean(spec.filing_no),
        "filed_on": spec.filed_on,
        "operator": _clean(spec.operator),
        "contact": _clean(spec.contact),
        "url": _clean(spec.url),
        "feed_url": _clean(spec.feed_url),
        "note": _clean(spec.note),
    }


def _today(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def save_account_in(
    conn: Connection, spec: AccountSpec, *, create_units: bool, at: datetime, actor: str, update_existing: bool
) -> tuple[Account, bool]:
    """Insert (or, with ``update_existing``, update) one account; (account, was it new)."""
    platform = platforms().parse(spec.platform)
    name = (spec.name or "").strip()
    if not name:
        raise MediaError("账号名称不能为空")
    state = states().parse(spec.state) if spec.state else running_state()
    key = _clean(spec.account_key)
    existing = repo.account_with_key(conn, platform, key) if key else None
    if existing is None:
        same = repo.accounts_named(conn, name, platform)
        existing = same[0] if same else None
    unit_id = _unit_id(conn, spec.unit, create_units, at)
    values = {k: v for k, v in _spec_values(spec).items() if v is not None}
    if existing is not None:
        if not update_existing:
            raise MediaError(f"账号 {existing.label} 已登记（编号 {existing.id}），请用 media account set 修改")
        values.update({"name": name, "updated_at": at})
        if unit_id is not None:
            values["unit_id"] = unit_id
        if spec.opened_on is not None:
            values["opened_on"] = spec.opened_on
        repo.update_account(conn, existing.id, values)
        if spec.state and state != existing.state:
            _change_state(conn, existing, state, spec.state_date or _today(at), None, actor, at)
        account = repo.account_by_id(conn, existing.id)
        assert account is not None
        return account, False
    opened = spec.opened_on
    # with no date given, the state is taken to hold since before records began (EARLIEST)
    since = spec.state_date or (opened if state == running_state() else None) or EARLIEST
    account_id = repo.insert_account(
        conn,
        {
            **values,
            "platform": platform,
            "name": name,
            "unit_id": unit_id,
            "state": state,
            "opened_on": opened,
            "state_since": None if since == EARLIEST else since,
            "settings": {},
            "created_at": at,
            "updated_at": at,
        },
    )
    repo.insert_state_change(conn, account_id, since, None, state, "登记", actor, at)
    account = repo.account_by_id(conn, account_id)
    assert account is not None
    return account, True


def add_account(
    db: Database, spec: AccountSpec, *, create_units: bool = False, now: datetime | None = None, actor: str = SYSTEM
) -> Account:
    at = now or utcnow()
    with db.engine.begin() as conn:
        account, _ = save_account_in(conn, spec, create_units=create_units, at=at, actor=actor, update_existing=False)
    return account


def update_account(
    db: Database,
    ref: str | int,
    *,
    name: str | None = None,
    unit: str | None = None,
    fields: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    unset: list[str] | None = None,
    now: datetime | None = None,
) -> Account:
    """Change an account's registry data (not its state: see ``set_state``)."""
    at = now or utcnow()
    allowed = {"account_key", "filing_no", "filed_on", "operator", "contact", "url", "feed_url", "note", "opened_on"}
    with db.engine.begin() as conn:
        account = require_account_in(conn, ref)
        values: dict[str, Any] = {"updated_at": at}
        if name and name.strip() != account.name:
            clash = repo.accounts_named(conn, name.strip(), account.platform)
            if clash:
                raise MediaError(f"{clash[0].label} 已存在")
            values["name"] = name.strip()
        if unit is not None:
            values["unit_id"] = _unit_id(conn, unit, False, at)
        for key, value in (fields or {}).items():
            if key not in allowed:
                raise MediaError(f"账号字段 {key} 不能这样修改")
            values[key] = value.strip() if isinstance(value, str) else value
        merged = dict(account.settings)
        merged.update(settings or {})
        for key in unset or []:
            merged.pop(key, None)
        values["settings"] = validate_settings(merged)
        repo.update_account(conn, account.id, values)
        changed = repo.account_by_id(conn, account.id)
        assert changed is not None
        return changed


def _change_state(
    conn: Connection, account: Account, state: str, on_date: date, note: str | None, actor: str, at: datetime
) -> None:
    repo.update_account(conn, account.id, {"state": state, "state_since": on_date, "updated_at": at})
    repo.insert_state_change(conn, account.id, on_date, account.state, state, note, actor, at)


def set_state(
    db: Database,
    ref: str | int,
    state: str,
    *,
    on_date: date | None = None,
    note: str | None = None,
    actor: str = SYSTEM,
    now: datetime | None = None,
) -> Account:
    """Move an account to 运行/拟注销/已注销/已关停 as of ``on_date`` (default: today, China time)."""
    at = now or utcnow()
    code = states().parse(state)
    with db.engine.begin() as conn:
        account = require_account_in(conn, ref)
        if account.state == code:
            raise MediaError(f"{account.label} 已经是“{account.state_label}”状态")
        day = on_date or _today(at)
        if account.state_since and day < account.state_since:
            raise MediaError(f"状态日期 {day} 早于当前状态的起始日期 {account.state_since}")
        _change_state(conn, account, code, day, note, actor, at)
        changed = repo.account_by_id(conn, account.id)
        assert changed is not None
        return changed


@dataclass(frozen=True)
class Duplicate:
    """One unit with more than one running account on one platform (国办发〔2018〕123号)."""

    unit_id: int
    unit_name: str
    platform: str
    accounts: tuple[Account, ...]

    @property
    def describe(self) -> str:
        names = "、".join(f"“{a.name}”" for a in self.accounts)
        return (
            f"{self.unit_name}在{platforms().label(self.platform)}平台有 {len(self.accounts)} 个运行中的账号"
            f"（{names}），不符合“一个单位原则上在同一平台只开设一个账号”"
        )


def duplicates(accounts: list[Account]) -> list[Duplicate]:
    """Units with two or more running accounts on one platform ('其他' is not a platform of its own)."""
    groups: dict[tuple[int, str], list[Account]] = defaultdict(list)
    names: dict[int, str] = {}
    for account in accounts:
        if account.running and account.unit_id is not None and account.platform != "other":
            groups[(account.unit_id, account.platform)].append(account)
            names[account.unit_id] = account.unit_name or str(account.unit_id)
    return [
        Duplicate(unit_id, names[unit_id], platform, tuple(found))
        for (unit_id, platform), found in sorted(groups.items())
        if len(found) > 1
    ]

"""Console accounts: users with roles, API tokens, browser sessions and login attempts.

Passwords are kept as Argon2 hashes; sessions and tokens as SHA-256 digests of the random value
the client holds, so a copy of the database gives no way in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from govinspect.store.db import Database
from govinspect.store.schema_web import web_api_tokens, web_login_attempts, web_sessions, web_users
from govinspect.store.schema_workflow import units
from govinspect.workflow.clock import as_utc, maybe_utc

ADMIN, SUPERVISOR, UNIT, READONLY = "admin", "supervisor", "unit", "readonly"
ROLE_LABELS: dict[str, str] = {
    ADMIN: "管理员",
    SUPERVISOR: "监管人员",
    UNIT: "单位用户",
    READONLY: "只读",
}
TOKEN_PREFIX = "gi_"
_USERNAME_MAX = 64
_TOUCH_EVERY = timedelta(minutes=1)  # sessions and tokens note their use at most this often
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account request that cannot be carried out; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit_name: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class SessionInfo:
    id: str
    user: User
    csrf_token: str
    expires_at: datetime


def parse_role(value: str) -> str:
    """A role given by id (supervisor) or label (监管人员)."""
    text = (value or "").strip()
    if text in ROLE_LABELS:
        return text
    for role, label in ROLE_LABELS.items():
        if text == label:
            return role
    raise AccountError(f"角色 {value!r} 无法识别（可用：{'、'.join(f'{k}（{v}）' for k, v in ROLE_LABELS.items())}）")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, min_length: int) -> None:
    if len(password) < min_length:
        raise AccountError(f"密码至少需要 {min_length} 个字符")
    if password.strip() != password or not password.strip():
        raise AccountError("密码不能以空白开头或结尾")


def _check_username(username: str) -> str:
    name = username.strip()
    if not name:
        raise AccountError("账号名不能为空")
    if len(name) > _USERNAME_MAX:
        raise AccountError(f"账号名最长 {_USERNAME_MAX} 个字符")
    if any(ch.isspace() for ch in name):
        raise AccountError("账号名不能包含空白字符")
    return name


# --- users -------------------------------------------------------------------------------------


def _user_query() -> Any:
    return select(web_users, units.c.name.label("unit_name")).select_from(
        web_users.outerjoin(units, units.c.id == web_users.c.unit_id)
    )


def _user(row: Any) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"] or "",
        role=row["role"],
        unit_id=row["unit_id"],
        unit_name=row["unit_name"],
        active=bool(row["active"]),
        created_at=as_utc(row["created_at"]),
        last_login_at=maybe_utc(row["last_login_at"]),
    )


def _unit_id(conn: Connection, unit: str | int | None) -> int | None:
    if unit is None or str(unit).strip() == "":
        return None
    text = str(unit).strip()
    query = select(units.c.id).where(units.c.id == int(text)) if text.isdigit() else select(units.c.id).where(
        units.c.name == text
    )
    found = conn.execute(query).scalar()
    if found is None:
        raise AccountError(f"没有找到单位：{unit}")
    return int(found)


def _check_role_unit(role: str, unit_id: int | None) -> int | None:
    if role == UNIT and unit_id is None:
        raise AccountError("单位用户必须指定所属单位")
    return unit_id if role == UNIT else None


def add_user(
    db: Database,
    username: str,
    password: str,
    role: str,
    *,
    unit: str | int | None = None,
    display_name: str = "",
    min_password_length: int,
    now: datetime,
) -> User:
    name = _check_username(username)
    role_id = parse_role(role)
    check_password_rules(password, min_password_length)
    password_hash = hash_password(password)
    try:
        with db.engine.begin() as conn:
            unit_id = _check_role_unit(role_id, _unit_id(conn, unit))
            if conn.execute(select(web_users.c.id).where(web_users.c.username == name)).first() is not None:
                raise AccountError(f"账号“{name}”已存在")
            result = conn.execute(
                insert(web_users).values(
                    username=name,
                    display_name=display_name.strip(),
                    password_hash=password_hash,
                    role=role_id,
                    unit_id=unit_id,
                    active=True,
                    created_at=as_utc(now),
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return _user(conn.execute(_user_query().where(web_users.c.id == int(key[0]))).mappings().one())
    except IntegrityError as exc:  # a concurrent add of the same name
        raise AccountError(f"账号“{name}”已存在") from exc


def list_users(db: Database) -> list[User]:
    with db.engine.connect() as conn:
        return [_user(r) for r in conn.execute(_user_query().order_by(web_users.c.id)).mappings()]


def find_user(db: Database, ref: str) -> User | None:
    """A user by account name, or by number."""
    text = ref.strip()
    with db.engine.connect() as conn:
        row = conn.execute(_user_query().where(web_users.c.username == text)).mappings().first()
        if row is None and text.isdigit():
            row = conn.execute(_user_query().where(web_users.c.id == int(text))).mappings().first()
    return _user(row) if row else None


def require_user(db: Database, ref: str) -> User:
    user = find_user(db, ref)
    if user is None:
        raise AccountError(f"没有找到账号：{ref}")
    return user


def count_users(db: Database, role: str | None = None) -> int:
    query = select(func.count()).select_from(web_users)
    if role is not None:
        query = query.where(web_users.c.role == role, web_users.c.active.is_(True))
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def update_user(
    db: Database,
    user_id: int,
    *,
    role: str | None = None,
    unit: str | int | None = None,
    active: bool | None = None,
    display_name: str | None = None,
) -> User:
    with db.engine.begin() as conn:
        row = conn.execute(_user_query().where(web_users.c.id == user_id)).mappings().first()
        if row is None:
            raise AccountError(f"没有编号为 {user_id} 的账号")
        current = _user(row)
        new_role = parse_role(role) if role else current.role
        new_unit = _unit_id(conn, unit) if unit is not None else current.unit_id
        values: dict[str, Any] = {"role": new_role, "unit_id": _check_role_unit(new_role, new_unit)}
        if active is not None:
            values["active"] = active
        if display_name is not None:
            values["display_name"] = display_name.strip()
        losing_admin = current.role == ADMIN and current.active and (new_role != ADMIN or active is False)
        if losing_admin:
            admins = conn.execute(
                select(func.count()).where(web_users.c.role == ADMIN, web_users.c.active.is_(True))
            ).scalar_one()
            if int(admins) <= 1:
                raise AccountError("这是唯一可用的管理员账号，不能停用或降级")
        conn.execute(update(web_users).where(web_users.c.id == user_id).values(**values))
        if values.get("active") is False:  # a stopped account is logged out everywhere
            conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
        return _user(conn.execute(_user_query().where(web_users.c.id == user_id)).mappings().one())


def set_password(db: Database, user_id: int, password: str, *, min_password_length: int) -> None:
    check_password_rules(password, min_password_length)
    password_hash = hash_password(password)
    with db.engine.begin() as conn:
        result = conn.execute(update(web_users).where(web_users.c.id == user_id).values(password_hash=password_hash))
        if not result.rowcount:
            raise AccountError(f"没有编号为 {user_id} 的账号")
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def authenticate(db: Database, username: str, password: str, *, now: datetime) -> User | None:
    """The active user with this name and password, else None (the same answer for every failure)."""
    with db.engine.connect() as conn:
        row = conn.execute(_user_query().where(web_users.c.username == username.strip())).mappings().first()
    if row is None:
        _hasher.hash(password)  # the same work as a real check, so timing does not tell names apart
        return None
    try:
        _hasher.verify(row["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    user = _user(row)
    if not user.active:
        return None
    values: dict[str, Any] = {"last_login_at": as_utc(now)}
    if _hasher.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = hash_password(password)
    with db.engine.begin() as conn:
        conn.execute(update(web_users).where(web_users.c.id == user.id).values(**values))
    return user


# --- login attempts ----------------------------------------------------------------------------


def record_attempt(db: Database, username: str, client: str, ok: bool, *, now: datetime) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            insert(web_login_attempts).values(
                username=username.strip()[:_USERNAME_MAX], client=client[:64], at=as_utc(now), ok=ok
            )
        )


def recent_failures(db: Database, username: str, client: str, *, since: datetime) -> tuple[int, int]:
    """Failed logins since ``since``: (for this account name, from this client address)."""
    moment = as_utc(since)
    failed = (web_login_attempts.c.ok.is_(False), web_login_attempts.c.at > moment)
    with db.engine.connect() as conn:
        by_name = conn.execute(
            select(func.count()).where(web_login_attempts.c.username == username.strip()[:_USERNAME_MAX], *failed)
        ).scalar_one()
        by_client = conn.execute(select(func.count()).where(web_login_attempts.c.client == client[:64], *failed)).scalar_one()
    return int(by_name), int(by_client)


# --- sessions ----------------------------------------------------------------------------------


def create_session(db: Database, user_id: int, *, now: datetime, lifetime: timedelta) -> tuple[str, str]:
    """A new session: (the cookie's secret value, the session's CSRF token)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    moment = as_utc(now)
    with db.engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < moment))  # tidy up as we go
        conn.execute(
            insert(web_sessions).values(
                id=digest(secret), user_id=user_id, csrf_token=csrf, created_at=moment,
                expires_at=moment + lifetime, last_seen_at=moment,
            )
        )
    return secret, csrf


def session_for(db: Database, secret: str, *, now: datetime, idle: timedelta) -> SessionInfo | None:
    """The live session of this cookie value with its active user, else None."""
    moment = as_utc(now)
    key = digest(secret)
    query = (
        select(web_sessions.c.csrf_token, web_sessions.c.expires_at, web_sessions.c.last_seen_at, web_sessions.c.user_id)
        .where(web_sessions.c.id == key)
    )
    with db.engine.connect() as conn:
        row = conn.execute(query).first()
        if row is None:
            return None
        csrf, expires, seen, user_id = row
        if as_utc(expires) <= moment or as_utc(seen) + idle <= moment:
            return None
        user_row = conn.execute(_user_query().where(web_users.c.id == user_id)).mappings().first()
    if user_row is None:
        return None
    user = _user(user_row)
    if not user.active:
        return None
    if moment - as_utc(seen) >= _TOUCH_EVERY:
        with db.engine.begin() as conn:
            conn.execute(update(web_sessions).where(web_sessions.c.id == key).values(last_seen_at=moment))
    return SessionInfo(id=key, user=user, csrf_token=csrf, expires_at=as_utc(expires))


def end_session(db: Database, secret: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.id == digest(secret)))


# --- API tokens --------------------------------------------------------------------------------


def _token(row: Any) -> TokenInfo:
    return TokenInfo(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        prefix=row["prefix"],
        created_at=as_utc(row["created_at"]),
        last_used_at=maybe_utc(row["last_used_at"]),
        revoked_at=maybe_utc(row["revoked_at"]),
    )


def create_token(db: Database, user_id: int, name: str, *, now: datetime) -> tuple[str, TokenInfo]:
    """A new API token: (its value, shown once; what is kept of it)."""
    label = name.strip() or "API"
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.engine.begin() as conn:
        if conn.execute(select(web_users.c.id).where(web_users.c.id == user_id)).first() is None:
            raise AccountError(f"没有编号为 {user_id} 的账号")
        result = conn.execute(
            insert(web_api_tokens).values(
                user_id=user_id, name=label, token_hash=digest(value), prefix=value[:10], created_at=as_utc(now)
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        row = conn.execute(select(web_api_tokens).where(web_api_tokens.c.id == int(key[0]))).mappings().one()
    return value, _token(row)


def list_tokens(db: Database, user_id: int | None = None) -> list[TokenInfo]:
    query = select(web_api_tokens).order_by(web_api_tokens.c.id)
    if user_id is not None:
        query = query.where(web_api_tokens.c.user_id == user_id)
    with db.engine.connect() as conn:
        return [_token(r) for r in conn.execute(query).mappings()]


def revoke_token(db: Database, token_id: int, *, now: datetime, user_id: int | None = None) -> bool:
    condition = [web_api_tokens.c.id == token_id, web_api_tokens.c.revoked_at.is_(None)]
    if user_id is not None:
        condition.append(web_api_tokens.c.user_id == user_id)
    with db.engine.begin() as conn:
        result = conn.execute(update(web_api_tokens).where(*condition).values(revoked_at=as_utc(now)))
    return bool(result.rowcount)


def user_for_token(db: Database, value: str, *, now: datetime) -> User | None:
    """The active user an unrevoked token belongs to, else None."""
    if not value.startswith(TOKEN_PREFIX):
        return None
    query = select(web_api_tokens.c.id, web_api_tokens.c.user_id, web_api_tokens.c.last_used_at).where(
        web_api_tokens.c.token_hash == digest(value), web_api_tokens.c.revoked_at.is_(None)
    )
    with db.engine.connect() as conn:
        row = conn.execute(query).first()
        if row is None:
            return None
        token_id, user_id, last_used = row
        user_row = conn.execute(_user_query().where(web_users.c.id == user_id)).mappings().first()
    if user_row is None:
        return None
    user = _user(user_row)
    if not user.active:
        return None
    moment = as_utc(now)
    if last_used is None or moment - as_utc(last_used) >= _TOUCH_EVERY:
        with db.engine.begin() as conn:
            conn.execute(update(web_api_tokens).where(web_api_tokens.c.id == token_id).values(last_used_at=moment))
    return user

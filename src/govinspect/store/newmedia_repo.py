"""Data access of the new-media accounts: accounts and their states, posts, messages, important
items, menu links, push tokens, the import log and each account's pseudo-site.

Functions taking a Connection run inside the caller's transaction; those taking a Database open
their own. Validation and the user's words live in govinspect.newmedia; this module only stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from govinspect.newmedia.model import (
    Account,
    ImportantItem,
    MediaError,
    MenuLink,
    Message,
    Post,
    PushToken,
    StateChange,
)
from govinspect.store.db import Database
from govinspect.store.schema import sites
from govinspect.store.schema_newmedia import (
    media_account_states,
    media_accounts,
    media_important,
    media_imports,
    media_menu_links,
    media_messages,
    media_posts,
    media_push_tokens,
)
from govinspect.store.schema_workflow import units
from govinspect.workflow.clock import as_utc, maybe_utc

_CHUNK = 500  # stay well under the databases' bound-parameter limits

# --- accounts ------------------------------------------------------------------------------


def _account(row: Any) -> Account:
    return Account(
        id=row["id"],
        platform=row["platform"],
        name=row["name"],
        state=row["state"],
        account_key=row["account_key"],
        unit_id=row["unit_id"],
        unit_name=row["unit_name"],
        opened_on=row["opened_on"],
        state_since=row["state_since"],
        filing_no=row["filing_no"],
        filed_on=row["filed_on"],
        operator=row["operator"],
        contact=row["contact"],
        url=row["url"],
        feed_url=row["feed_url"],
        note=row["note"],
        settings=dict(row["settings"] or {}),
        site_id=row["site_id"],
    )


def _account_query() -> Any:
    return select(media_accounts, units.c.name.label("unit_name")).select_from(
        media_accounts.outerjoin(units, units.c.id == media_accounts.c.unit_id)
    )


def accounts_in(conn: Connection, where: Any = None) -> list[Account]:
    query = _account_query()
    if where is not None:
        query = query.where(where)
    return [_account(r) for r in conn.execute(query.order_by(media_accounts.c.id)).mappings()]


def list_accounts(
    db: Database,
    *,
    unit_id: int | None = None,
    platform: str | None = None,
    states: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
) -> list[Account]:
    conditions = []
    if unit_id is not None:
        conditions.append(media_accounts.c.unit_id == unit_id)
    if platform is not None:
        conditions.append(media_accounts.c.platform == platform)
    if states is not None:
        conditions.append(media_accounts.c.state.in_(list(states)))
    if ids is not None:
        conditions.append(media_accounts.c.id.in_(list(ids)))
    with db.engine.connect() as conn:
        return accounts_in(conn, and_(*conditions) if conditions else None)


def account_by_id(conn: Connection, account_id: int) -> Account | None:
    found = accounts_in(conn, media_accounts.c.id == account_id)
    return found[0] if found else None


def accounts_named(conn: Connection, name: str, platform: str | None = None) -> list[Account]:
    where = media_accounts.c.name == name
    if platform is not None:
        where = and_(where, media_accounts.c.platform == platform)
    return accounts_in(conn, where)


def account_with_key(conn: Connection, platform: str, key: str) -> Account | None:
    found = accounts_in(conn, and_(media_accounts.c.platform == platform, media_accounts.c.account_key == key))
    return found[0] if found else None


def insert_account(conn: Connection, values: dict[str, Any]) -> int:
    result = conn.execute(insert(media_accounts).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def update_account(conn: Connection, account_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(media_accounts).where(media_accounts.c.id == account_id).values(**values))


def insert_state_change(
    conn: Connection, account_id: int, on_date: date, from_state: str | None, to_state: str,
    note: str | None, actor: str, at: datetime,
) -> None:
    conn.execute(
        insert(media_account_states).values(
            account_id=account_id, on_date=on_date, from_state=from_state, to_state=to_state, note=note, actor=actor, at=at
        )
    )


def state_changes(db: Database, account_ids: Iterable[int] | None = None) -> list[StateChange]:
    query = select(media_account_states).order_by(media_account_states.c.on_date, media_account_states.c.id)
    if account_ids is not None:
        query = query.where(media_account_states.c.account_id.in_(list(account_ids)))
    with db.engine.connect() as conn:
        return [
            StateChange(
                account_id=r["account_id"], on_date=r["on_date"], from_state=r["from_state"], to_state=r["to_state"],
                note=r["note"], actor=r["actor"],
            )
            for r in conn.execute(query).mappings()
        ]


def unit_ids_by_name(conn: Connection) -> dict[str, int]:
    return {name: uid for uid, name in conn.execute(select(units.c.id, units.c.name))}


def insert_unit(conn: Connection, name: str, at: datetime) -> int:
    result = conn.execute(insert(units).values(name=name, created_at=at))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


# --- the pseudo-site of an account ---------------------------------------------------------


def ensure_site(conn: Connection, account: Account, settings: dict[str, Any], at: datetime) -> int:
    """The account's pseudo-site (created on first use), kept in step with its name and owner."""
    name = f"【政务新媒体】{account.label}"
    values = {"name": name, "owner_unit_id": account.unit_id, "settings": settings}
    if account.site_id is not None:
        exists = conn.execute(select(sites.c.id).where(sites.c.id == account.site_id)).scalar()
        if exists is not None:
            conn.execute(update(sites).where(sites.c.id == account.site_id).values(**values))
            return account.site_id
    site_id = conn.execute(select(sites.c.id).where(sites.c.url == account.pseudo_url)).scalar()
    if site_id is None:
        result = conn.execute(insert(sites).values(url=account.pseudo_url, created_at=at, **values))
        key = result.inserted_primary_key
        assert key is not None
        site_id = int(key[0])
    else:
        conn.execute(update(sites).where(sites.c.id == site_id).values(**values))
    update_account(conn, account.id, {"site_id": int(site_id)})
    return int(site_id)


# --- posts ---------------------------------------------------------------------------------


def _post(row: Any) -> Post:
    return Post(
        id=row["id"],
        account_id=row["account_id"],
        published_at=as_utc(row["published_at"]),
        title=row["title"],
        text=row["text"],
        url=row["url"],
        original=row["original"],
        origin_source=row["origin_source"],
        source=row["source"],
        check_hash=row["check_hash"],
        check_findings=list(row["check_findings"]) if row["check_findings"] is not None else None,
    )


def posts_by_identity(conn: Connection, account_id: int, identities: Sequence[str]) -> dict[str, Post]:
    out: dict[str, Post] = {}
    for start in range(0, len(identities), _CHUNK):
        chunk = list(identities[start : start + _CHUNK])
        query = select(media_posts).where(media_posts.c.account_id == account_id, media_posts.c.identity.in_(chunk))
        out.update({r["identity"]: _post(r) for r in conn.execute(query).mappings()})
    return out


def insert_posts(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        conn.execute(insert(media_posts), list(rows[start : start + _CHUNK]))


def update_post(conn: Connection, post_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(media_posts).where(media_posts.c.id == post_id).values(**values))


def posts_of(
    db: Database,
    account_ids: Iterable[int] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Post]:
    """Posts published in [since, until] (either open), oldest first."""
    query = select(media_posts).order_by(media_posts.c.account_id, media_posts.c.published_at, media_posts.c.id)
    if account_ids is not None:
        query = query.where(media_posts.c.account_id.in_(list(account_ids)))
    if since is not None:
        query = query.where(media_posts.c.published_at >= as_utc(since))
    if until is not None:
        query = query.where(media_posts.c.published_at <= as_utc(until))
    with db.engine.connect() as conn:
        return [_post(r) for r in conn.execute(query).mappings()]


def newest_posts_before(db: Database, account_id: int, until: datetime, limit: int = 1) -> list[Post]:
    query = (
        select(media_posts)
        .where(media_posts.c.account_id == account_id, media_posts.c.published_at <= as_utc(until))
        .order_by(media_posts.c.published_at.desc(), media_posts.c.id.desc())
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [_post(r) for r in conn.execute(query).mappings()]


def count_posts(db: Database, account_id: int | None = None) -> int:
    query = select(func.count()).select_from(media_posts)
    if account_id is not None:
        query = query.where(media_posts.c.account_id == account_id)
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def store_check_cache(conn: Connection, post_id: int, content_hash: str, findings: list[dict[str, Any]]) -> None:
    update_post(conn, post_id, {"check_hash": content_hash, "check_findings": findings})


# --- messages ------------------------------------------------------------------------------


def _message(row: Any) -> Message:
    return Message(
        id=row["id"],
        account_id=row["account_id"],
        received_at=as_utc(row["received_at"]),
        replied_at=maybe_utc(row["replied_at"]),
        content=row["content"],
        number=row["number"],
    )


def messages_by_identity(conn: Connection, account_id: int, identities: Sequence[str]) -> dict[str, Message]:
    out: dict[str, Message] = {}
    for start in range(0, len(identities), _CHUNK):
        chunk = list(identities[start : start + _CHUNK])
        query = select(media_messages).where(
            media_messages.c.account_id == account_id, media_messages.c.identity.in_(chunk)
        )
        out.update({r["identity"]: _message(r) for r in conn.execute(query).mappings()})
    return out


def insert_messages(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        conn.execute(insert(media_messages), list(rows[start : start + _CHUNK]))


def update_message(conn: Connection, message_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(media_messages).where(media_messages.c.id == message_id).values(**values))


def messages_of(
    db: Database, account_ids: Iterable[int] | None = None, *, since: datetime | None = None, until: datetime | None = None
) -> list[Message]:
    query = select(media_messages).order_by(media_messages.c.account_id, media_messages.c.received_at)
    if account_ids is not None:
        query = query.where(media_messages.c.account_id.in_(list(account_ids)))
    if since is not None:
        query = query.where(media_messages.c.received_at >= as_utc(since))
    if until is not None:
        query = query.where(media_messages.c.received_at <= as_utc(until))
    with db.engine.connect() as conn:
        return [_message(r) for r in conn.execute(query).mappings()]


# --- important items -----------------------------------------------------------------------


def _important(row: Any) -> ImportantItem:
    raw = row["platforms"]
    return ImportantItem(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        issued_at=as_utc(row["issued_at"]),
        deadline=as_utc(row["deadline"]),
        platforms=tuple(raw) if raw else None,
        note=row["note"],
    )


def add_important(db: Database, values: dict[str, Any]) -> ImportantItem:
    with db.engine.begin() as conn:
        result = conn.execute(insert(media_important).values(**values))
        key = result.inserted_primary_key
        assert key is not None
        row = conn.execute(select(media_important).where(media_important.c.id == int(key[0]))).mappings().one()
    return _important(row)


def list_important(db: Database, *, deadline_from: datetime | None = None, deadline_to: datetime | None = None) -> list[ImportantItem]:
    query = select(media_important).order_by(media_important.c.deadline, media_important.c.id)
    if deadline_from is not None:
        query = query.where(media_important.c.deadline >= as_utc(deadline_from))
    if deadline_to is not None:
        query = query.where(media_important.c.deadline <= as_utc(deadline_to))
    with db.engine.connect() as conn:
        return [_important(r) for r in conn.execute(query).mappings()]


# --- menu links ----------------------------------------------------------------------------


def _menu(row: Any) -> MenuLink:
    return MenuLink(
        id=row["id"],
        account_id=row["account_id"],
        label=row["label"],
        url=row["url"],
        last_ok=row["last_ok"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        checked_at=maybe_utc(row["checked_at"]),
    )


def add_menu_link(db: Database, account_id: int, label: str, url: str, at: datetime) -> MenuLink:
    with db.engine.begin() as conn:
        found = conn.execute(
            select(media_menu_links).where(media_menu_links.c.account_id == account_id, media_menu_links.c.url == url)
        ).mappings().first()
        if found is not None:
            conn.execute(update(media_menu_links).where(media_menu_links.c.id == found["id"]).values(label=label))
            menu_id = int(found["id"])
        else:
            result = conn.execute(
                insert(media_menu_links).values(account_id=account_id, label=label, url=url, created_at=at)
            )
            key = result.inserted_primary_key
            assert key is not None
            menu_id = int(key[0])
        row = conn.execute(select(media_menu_links).where(media_menu_links.c.id == menu_id)).mappings().one()
    return _menu(row)


def menu_links(db: Database, account_ids: Iterable[int] | None = None) -> list[MenuLink]:
    query = select(media_menu_links).order_by(media_menu_links.c.account_id, media_menu_links.c.id)
    if account_ids is not None:
        query = query.where(media_menu_links.c.account_id.in_(list(account_ids)))
    with db.engine.connect() as conn:
        return [_menu(r) for r in conn.execute(query).mappings()]


def remove_menu_link(db: Database, account_id: int, url: str) -> bool:
    with db.engine.begin() as conn:
        result = conn.execute(
            delete(media_menu_links).where(media_menu_links.c.account_id == account_id, media_menu_links.c.url == url)
        )
        return bool(result.rowcount)


def record_menu_result(
    conn: Connection, menu_id: int, at: datetime, ok: bool, status: int | None, error: str | None
) -> None:
    conn.execute(
        update(media_menu_links)
        .where(media_menu_links.c.id == menu_id)
        .values(checked_at=at, last_ok=ok, last_status=status, last_error=error)
    )


# --- push tokens ---------------------------------------------------------------------------


def _token(row: Any) -> PushToken:
    raw = row["account_ids"]
    return PushToken(
        id=row["id"],
        name=row["name"],
        account_ids=tuple(int(a) for a in raw) if raw is not None else None,
        created_at=as_utc(row["created_at"]),
        revoked_at=maybe_utc(row["revoked_at"]),
        last_used_at=maybe_utc(row["last_used_at"]),
    )


def add_token(db: Database, name: str, token_hash: str, account_ids: list[int] | None, at: datetime) -> PushToken:
    with db.engine.begin() as conn:
        if conn.execute(select(media_push_tokens.c.id).where(media_push_tokens.c.name == name)).first():
            raise MediaError(f"推送令牌“{name}”已存在")
        conn.execute(
            insert(media_push_tokens).values(name=name, token_hash=token_hash, account_ids=account_ids, created_at=at)
        )
        row = conn.execute(select(media_push_tokens).where(media_push_tokens.c.name == name)).mappings().one()
    return _token(row)


def list_tokens(db: Database) -> list[PushToken]:
    with db.engine.connect() as conn:
        return [_token(r) for r in conn.execute(select(media_push_tokens).order_by(media_push_tokens.c.id)).mappings()]


def token_by_hash(conn: Connection, token_hash: str) -> PushToken | None:
    row = conn.execute(select(media_push_tokens).where(media_push_tokens.c.token_hash == token_hash)).mappings().first()
    return _token(row) if row else None


def touch_token(conn: Connection, token_id: int, at: datetime) -> None:
    conn.execute(update(media_push_tokens).where(media_push_tokens.c.id == token_id).values(last_used_at=at))


def revoke_token(db: Database, name: str, at: datetime) -> bool:
    with db.engine.begin() as conn:
        result = conn.execute(
            update(media_push_tokens)
            .where(media_push_tokens.c.name == name, media_push_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return bool(result.rowcount)


# --- the import log ------------------------------------------------------------------------


def record_import(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(media_imports).values(**values))


def last_import(db: Database, source: str) -> dict[str, Any] | None:
    query = select(media_imports).where(media_imports.c.source == source).order_by(media_imports.c.id.desc()).limit(1)
    with db.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None

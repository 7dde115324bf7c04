"""The authenticated JSON push: a platform bridge or an editor's tool sends an account's new posts.

    ingest_push(db, token, {"account": "微博:某某发布", "posts": [{"published_at": "2026-03-02 10:00",
                "title": "…", "text": "…", "url": "https://…", "original": true}]})

Tokens live in media_push_tokens (only their SHA-256); a token may be limited to some accounts.
A payload may also carry "messages" (citizens' messages: received_at, content, replied_at, reply,
number). Items that cannot be used are returned with their reasons; the others are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from govinspect.newmedia.accounts import require_account_in
from govinspect.newmedia.ingest import IngestReport, MessageIn, PostIn, store_messages, store_posts
from govinspect.newmedia.model import Account, MediaError, PushToken
from govinspect.newmedia.rules import media_rules, platforms
from govinspect.newmedia.sheets import parse_original
from govinspect.newmedia.times import parse_time
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database
from govinspect.workflow.clock import utcnow


class PushAuthError(MediaError):
    """The token is missing, unknown, revoked or not allowed for the account (HTTP 401/403)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


class PushInputError(MediaError):
    """The payload cannot be used at all (HTTP 422)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db: Database, name: str, accounts: list[str] | None = None, *, now: datetime | None = None
) -> tuple[PushToken, str]:
    """A new token (shown once: only its hash is stored), optionally limited to some accounts."""
    if not name.strip():
        raise MediaError("令牌名称不能为空")
    ids: list[int] | None = None
    if accounts:
        with db.engine.connect() as conn:
            ids = [require_account_in(conn, ref).id for ref in accounts]
    token = secrets.token_urlsafe(32)
    return repo.add_token(db, name.strip(), hash_token(token), ids, now or utcnow()), token


def authenticate(db: Database, token: str | None, *, now: datetime | None = None) -> PushToken:
    if not token or not token.strip():
        raise PushAuthError("缺少推送令牌（请求头 Authorization: Bearer 令牌）")
    with db.engine.begin() as conn:
        found = repo.token_by_hash(conn, hash_token(token.strip()))
        if found is None:
            raise PushAuthError("推送令牌无效")
        if found.revoked_at is not None:
            raise PushAuthError("推送令牌已停用")
        repo.touch_token(conn, found.id, now or utcnow())
    return found


def _account_ref(raw: Any) -> str:
    if isinstance(raw, Mapping):
        name = str(raw.get("name") or "").strip()
        if raw.get("id") is not None and not name:
            return str(raw["id"])
        if not name:
            raise PushInputError("account 须给出 name（及 platform）或 id")
        platform = raw.get("platform")
        return f"{platforms().label(platforms().parse(platform))}:{name}" if platform else name
    if isinstance(raw, int | str) and str(raw).strip():
        return str(raw).strip()
    raise PushInputError("缺少 account（账号编号、名称或 {platform, name}）")


def _text(item: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if value is not None and str(value).strip():
            return str(value)
    return ""


def _posts(raw: Any) -> list[PostIn]:
    if not isinstance(raw, list):
        raise PushInputError("posts 应为列表")
    out = []
    for index, item in enumerate(raw, 1):
        where = f"第 {index} 条"
        if not isinstance(item, Mapping):
            out.append(PostIn(where=where, published_at=None))
            continue
        original = item.get("original")
        out.append(
            PostIn(
                where=where,
                published_at=parse_time(item.get("published_at") or item.get("time")),
                title=_text(item, "title"),
                text=_text(item, "text", "content"),
                url=_text(item, "url", "link") or None,
                original=original if isinstance(original, bool) else parse_original(original),
                origin_source=_text(item, "origin_source", "source") or None,
            )
        )
    return out


def _messages(raw: Any) -> list[MessageIn]:
    if not isinstance(raw, list):
        raise PushInputError("messages 应为列表")
    out = []
    for index, item in enumerate(raw, 1):
        where = f"留言第 {index} 条"
        if not isinstance(item, Mapping):
            out.append(MessageIn(where=where, received_at=None))
            continue
        out.append(
            MessageIn(
                where=where,
                received_at=parse_time(item.get("received_at") or item.get("time")),
                content=_text(item, "content", "text"),
                replied_at=parse_time(item.get("replied_at")),
                reply=_text(item, "reply") or None,
                number=_text(item, "number", "id") or None,
            )
        )
    return out


def _report_json(report: IngestReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "updated": report.updated,
        "duplicates": report.duplicates,
        "rejected": [{"where": r.where, "reason": r.reason} for r in report.rejected],
    }


def ingest_push(db: Database, token: str | None, payload: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """Authenticate, validate and store one push; returns what was done (JSON-able)."""
    grant = authenticate(db, token, now=now)
    if not isinstance(payload, Mapping):
        raise PushInputError("请求体应为 JSON 对象")
    unknown = set(payload) - {"account", "posts", "messages"}
    if unknown:
        raise PushInputError(f"不认识的字段：{'、'.join(sorted(map(str, unknown)))}（可用 account、posts、messages）")
    ref = _account_ref(payload.get("account"))
    with db.engine.connect() as conn:
        try:
            account: Account = require_account_in(conn, ref)
        except MediaError as exc:
            raise PushInputError(str(exc)) from exc
    if grant.account_ids is not None and account.id not in grant.account_ids:
        raise PushAuthError(f"令牌“{grant.name}”无权向 {account.label} 推送", status=403)
    posts = _posts(payload.get("posts", []))
    messages = _messages(payload.get("messages", []))
    limit = media_rules().push_max_posts
    if len(posts) + len(messages) > limit:
        raise PushInputError(f"一次最多推送 {limit} 条，本次 {len(posts) + len(messages)} 条")
    if not posts and not messages:
        raise PushInputError("posts 和 messages 都为空")
    source = f"push:{grant.name}"
    out: dict[str, Any] = {"account": {"id": account.id, "platform": account.platform_label, "name": account.name}}
    if posts:
        out["posts"] = _report_json(store_posts(db, account.id, posts, kind="push", source=source, now=now))
    if messages:
        out["messages"] = _report_json(store_messages(db, account.id, messages, source=source, now=now))
    return out

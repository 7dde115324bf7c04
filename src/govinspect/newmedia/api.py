"""FastAPI router of the JSON push, for the web console to mount:

    app.include_router(create_router(lambda: database), prefix="/api")

POST /newmedia/push with ``Authorization: Bearer <令牌>`` (or ``X-Push-Token``) and a JSON body as
newmedia/push.py describes. 200 with counts; 401/403 for the token; 413 for an oversized body;
422 for a body that cannot be used — always ``{"detail": "中文说明"}``.
FastAPI is imported only when the router is built, so the rest of the package works without it.
"""

# no "from __future__ import annotations": FastAPI reads the inner handler's annotations at run time

import json
from collections.abc import Callable
from typing import Any

from govinspect.newmedia.push import PushAuthError, PushInputError, ingest_push
from govinspect.store.db import Database

MAX_BODY_BYTES = 5 * 1024 * 1024  # a push of the largest allowed batch is far below this


def _token(authorization: str | None, header_token: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return header_token


def create_router(get_db: Callable[[], Database]) -> Any:
    """An APIRouter with POST /newmedia/push; ``get_db`` hands over the database to write to."""
    from fastapi import APIRouter, Header, HTTPException, Request
    from fastapi.concurrency import run_in_threadpool

    router = APIRouter(tags=["政务新媒体"])

    @router.post("/newmedia/push")
    async def push(
        request: Request,
        authorization: str | None = Header(default=None),
        x_push_token: str | None = Header(default=None),
    ) -> dict[str, Any]:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(status_code=413, detail=f"请求体超过 {MAX_BODY_BYTES // 1048576} MB 上限")
        try:
            payload = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HTTPException(status_code=422, detail=f"请求体不是有效的 JSON：{exc}") from exc
        try:
            return await run_in_threadpool(ingest_push, get_db(), _token(authorization, x_push_token), payload)
        except PushAuthError as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from exc
        except PushInputError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        except ValueError as exc:  # e.g. an unknown platform name in the account
            raise HTTPException(status_code=422, detail=str(exc)) from exc

    return router

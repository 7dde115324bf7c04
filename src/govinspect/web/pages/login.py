"""登录 and 退出."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govinspect.store import users_repo
from govinspect.web.auth import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    client_address,
    csrf_protect,
    current_session,
    prelogin_token,
    safe_next,
    throttled,
)
from govinspect.web.console import console_of
from govinspect.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _login_page(request: Request, *, error: str | None = None, status: int = 200, username: str = "",
                next_url: str = "/") -> HTMLResponse:
    token, fresh = prelogin_token(request)
    response = render(request, None, "login.html", status=status, error=error, username=username,
                      next_url=safe_next(next_url), login_csrf=token)
    if fresh:
        response.set_cookie(PRELOGIN_COOKIE, token, httponly=True, samesite="lax", path="/",
                            secure=console_of(request).secure_cookies, max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    if current_session(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    console = console_of(request)
    client = client_address(request)
    name = username.strip()
    if not name or not password:
        return _login_page(request, error="请输入账号和密码", status=400, username=name, next_url=next)
    refused = throttled(console, name, client)
    if refused:
        return _login_page(request, error=refused, status=429, username=name, next_url=next)
    now = console.clock()
    user = users_repo.authenticate(console.db, name, password, now=now)
    users_repo.record_attempt(console.db, name, client, user is not None, now=now)
    if user is None:
        return _login_page(request, error="账号或密码错误", status=401, username=name, next_url=next)
    lifetime = timedelta(hours=console.config.session.lifetime_hours)
    secret, _csrf = users_repo.create_session(console.db, user.id, now=now, lifetime=lifetime)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", path="/",
                        secure=console.secure_cookies, max_age=int(lifetime.total_seconds()))
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        users_repo.end_session(console_of(request).db, secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

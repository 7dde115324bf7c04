"""Sign-in for pages (session cookie + CSRF token) and for the API (Bearer token), and throttling.

- The session cookie is HttpOnly and SameSite=Lax (Secure when served over HTTPS); the database
  keeps only its digest.
- Every state-changing request of a page carries the session's CSRF token, as the form field
  ``csrf_token`` or the ``X-CSRF-Token`` header (htmx sends the header). The login form, before
  there is a session, is guarded by a double-submit cookie.
- The API takes only ``Authorization: Bearer <token>``: browsers never attach it on their own, so
  the API needs no CSRF token; without a valid token it answers 401.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import HTTPException, Request

from govinspect.store import users_repo
from govinspect.store.users_repo import SessionInfo, User
from govinspect.web.access import Access, access_for
from govinspect.web.console import Console, console_of

SESSION_COOKIE = "gi_session"
PRELOGIN_COOKIE = "gi_prelogin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """A page was asked for without a live session: go to the login page, then come back."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfFailed(Exception):
    """A state-changing request without the right CSRF token."""


class PageNotFound(Exception):
    """An object that does not exist or that this user may not see: both answer 404 alike."""


class NotAllowed(Exception):
    """An action this user's role may not take (the object itself is visible)."""

    def __init__(self, message: str = "您的账号无权执行此操作") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PageAuth:
    session: SessionInfo
    access: Access

    @property
    def user(self) -> User:
        return self.session.user

    @property
    def csrf(self) -> str:
        return self.session.csrf_token


def safe_next(value: str | None) -> str:
    """Only paths of this console: an open redirect would help phishing."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def current_session(request: Request) -> SessionInfo | None:
    if hasattr(request.state, "session_info"):
        found: SessionInfo | None = request.state.session_info
        return found
    console = console_of(request)
    secret = request.cookies.get(SESSION_COOKIE)
    info = None
    if secret:
        idle = timedelta(minutes=console.config.session.idle_minutes)
        info = users_repo.session_for(console.db, secret, now=console.clock(), idle=idle)
    request.state.session_info = info
    return info


def page_auth(request: Request) -> PageAuth:
    """Dependency of every page: the signed-in user and what they may see."""
    info = current_session(request)
    if info is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(safe_next(target) if request.method == "GET" else "/")
    return PageAuth(session=info, access=access_for(console_of(request).db, info.user))


async def csrf_protect(request: Request) -> None:
    """Dependency of every page router: refuse a state-changing request without the token."""
    if request.method in SAFE_METHODS:
        return
    info = current_session(request)
    expected = info.csrf_token if info is not None else request.cookies.get(PRELOGIN_COOKIE)
    provided = request.headers.get(CSRF_HEADER)
    if not provided:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            provided = value if isinstance(value, str) else None
    if not expected or not provided or not hmac.compare_digest(expected.encode(), provided.encode()):
        raise CsrfFailed()


def prelogin_token(request: Request) -> tuple[str, bool]:
    """The login form's double-submit token: (value, whether the cookie must be set)."""
    existing = request.cookies.get(PRELOGIN_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return secrets.token_urlsafe(32), True


def api_access(request: Request) -> Access:
    """Dependency of every API route: the token's user, else 401."""
    console = console_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and value.strip():
        user = users_repo.user_for_token(console.db, value.strip(), now=console.clock())
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="需要有效的 API 令牌（请求头 Authorization: Bearer <令牌>）",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return access_for(console.db, user)


def throttled(console: Console, username: str, client: str) -> str | None:
    """Why a login is refused before its password is even checked, or None when it may go on."""
    rules = console.config.login_throttle
    since = console.clock() - timedelta(minutes=rules.window_minutes)
    by_name, by_client = users_repo.recent_failures(console.db, username, client, since=since)
    if by_name >= rules.max_failures or by_client >= rules.max_failures:
        return f"登录失败次数过多，请 {rules.window_minutes} 分钟后再试"
    return None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"

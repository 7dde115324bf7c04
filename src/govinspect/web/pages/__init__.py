"""Server-rendered pages (Jinja2, autoescaped) and the helpers they share."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from govinspect.web.auth import PageAuth
from govinspect.web.console import console_of

FLASH_COOKIE = "gi_flash"
NAV = [
    ("/", "总览"),
    ("/sites", "站点"),
    ("/problems", "问题"),
    ("/reports", "报告"),
    ("/settings", "设置"),
]


def _section(path: str) -> str:
    for href, _ in reversed(NAV):
        if href != "/" and (path == href or path.startswith(href + "/")):
            return href
    return "/" if path == "/" else ""


def render(request: Request, auth: PageAuth | None, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    console = console_of(request)
    flash = None
    raw = request.cookies.get(FLASH_COOKIE)
    if raw:
        kind, _, text = unquote(raw).partition(":")
        flash = {"kind": "error" if kind == "error" else "ok", "text": text}
    values: dict[str, Any] = {
        "request": request,
        "auth": auth,
        "user": auth.user if auth else None,
        "access": auth.access if auth else None,
        "csrf": auth.csrf if auth else "",
        "nav": NAV,
        "section": _section(request.url.path),
        "has_echarts": console.has_echarts,
        "has_htmx": console.has_htmx,
        "flash": flash,
    }
    values.update(context)
    html = console.env.get_template(name).render(**values)
    response = HTMLResponse(html, status_code=status)
    if raw:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, message: str | None = None, *, error: bool = False) -> RedirectResponse:
    """POST → redirect → GET, with a one-time message for the next page."""
    response = RedirectResponse(url, status_code=303)
    if message:
        value = quote(("error:" if error else "ok:") + message[:600], safe="")
        response.set_cookie(FLASH_COOKIE, value, httponly=True, samesite="lax", path="/", max_age=60)
    return response


def int_or_none(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() else None

"""The FastAPI application: pages, the JSON API, static files, security headers and error pages."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from govinspect.registry.model import RegistryError
from govinspect.settings import Settings
from govinspect.store.db import Database
from govinspect.store.users_repo import AccountError
from govinspect.web import warmup
from govinspect.web.api import routes as api_routes
from govinspect.web.auth import CsrfFailed, LoginRequired, NotAllowed, PageNotFound, current_session
from govinspect.web.config import ConsoleConfig, console_config
from govinspect.web.console import STATIC_DIR, Console, TTLCache
from govinspect.web.jobs import ScanRunner, mark_interrupted
from govinspect.web.pages import login, overview, problems, render, sites
from govinspect.web.pages import reports as report_pages
from govinspect.web.pages import settings as settings_pages
from govinspect.web.reports import ReportError
from govinspect.workflow.clock import utcnow

log = logging.getLogger(__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    from govinspect.web.access import access_for
    from govinspect.web.auth import PageAuth

    info = current_session(request)
    auth = PageAuth(session=info, access=access_for(request.app.state.console.db, info.user)) if info else None
    return render(request, auth, "error.html", status=status, title=title, message=message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error_page(request, 403, "请求已失效", "安全校验（CSRF）未通过：请刷新页面后重新提交。")

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, exc: PageNotFound) -> Response:
        return _error_page(request, 404, "未找到", "没有找到这个对象，或者您的账号无权查看。")

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return _error_page(request, 403, "无权操作", exc.message)

    @app.exception_handler(RegistryError)
    @app.exception_handler(AccountError)
    @app.exception_handler(ReportError)
    async def user_error(request: Request, exc: Exception) -> Response:
        return _error_page(request, 400, "无法完成", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "请求参数无效", "errors": jsonable_errors(exc)}, status_code=422)
        return _error_page(request, 400, "请求参数无效", "请求中的参数不正确，请返回上一页重试。")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code not in (404, 405):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 404:
            return _error_page(request, 404, "未找到", "没有这个页面。")
        return _error_page(request, 405, "不支持的请求", "这个地址不支持该请求方式。")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("控制台处理请求时出错：%s", request.url.path)
        return _error_page(request, 500, "内部错误", "处理请求时出错，已记录日志。请稍后再试或联系管理员。")


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg"))} for e in exc.errors()]


def create_app(
    db: Database,
    settings: Settings | None = None,
    *,
    config: ConsoleConfig | None = None,
    clock: Callable[[], datetime] | None = None,
    secure_cookies: bool = False,
    warm_scores: bool = True,
) -> FastAPI:
    """The console over an open (migrated) database. ``clock`` gives the present (tests fix it)."""
    cfg = config or console_config()
    now = clock or utcnow
    base_settings = settings or Settings(db=db.engine.url.render_as_string(hide_password=False))
    console = Console(
        db=db,
        settings=base_settings,
        config=cfg,
        clock=now,
        runner=ScanRunner(db, base_settings, clock=now, max_running=cfg.scan_jobs.max_running,
                          progress_every=cfg.scan_jobs.progress_every_seconds),
        secure_cookies=secure_cookies,
        overview_cache=TTLCache(cfg.overview.cache_seconds),
    )
    console.runner.on_done = console.changed

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        mark_interrupted(db)
        if warm_scores:
            threading.Thread(target=warmup.warm, args=(db, base_settings, cfg), kwargs={"now": now()},
                             name="console-warm-up", daemon=True).start()
        yield

    app = FastAPI(
        title="govinspect 控制台 API",
        description="政府网站自查整改系统的 JSON 接口。认证：请求头 Authorization: Bearer <令牌>（在“我的账号”页生成）。",
        version="1",
        docs_url=None,  # the bundled Swagger UI loads scripts from a CDN: not here
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.console = console
    from govinspect.web.security import SecurityHeaders

    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (login, overview, sites, problems, report_pages, settings_pages):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api_routes.router)
    # new-media accounts push their posts here with a push token (`govinspect media token add`)
    from govinspect.newmedia.api import create_router as newmedia_push_router

    app.include_router(newmedia_push_router(lambda: console.db), prefix="/api")
    _install_error_handlers(app)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/healthz", include_in_schema=False, response_class=HTMLResponse)
    def healthz() -> Response:
        return Response("ok", media_type="text/plain")

    return app

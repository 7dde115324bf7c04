"""The one table of checks, keyed by name, each naming the finding codes it may raise."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from govinspect.findings import Finding, code_table
from govinspect.parse.page import ParsedPage
from govinspect.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class CheckContext:
    """What a check may know besides its page: settings, the site, the monitoring time point."""

    settings: Settings
    site_url: str
    now: datetime
    site_config: dict[str, Any] = field(default_factory=dict)
    offline: bool = False  # check-html: no network access at all
    cache: dict[str, Any] = field(default_factory=dict)  # lazily built engines, shared by checks
    errors: list[str] = field(default_factory=list)  # checks that failed on some input
    # site checks' memos by check name: what the previous scan left (incremental scans only) and
    # what this scan leaves for the next; a check may reuse costly work for unchanged pages
    previous_memos: dict[str, Any] = field(default_factory=dict)
    memos: dict[str, Any] = field(default_factory=dict)


PageCheckFn = Callable[[ParsedPage, CheckContext], Iterable[Finding]]
SiteCheckFn = Callable[[Any, CheckContext], Iterable[Finding]]  # Any: a govinspect.checks.site.SiteData


@dataclass(frozen=True)
class Check:
    name: str
    codes: tuple[str, ...]
    scope: Literal["page", "site", "attachment"]
    fn: Callable[..., Iterable[Finding]]
    network: bool = False  # a site check that talks to the network itself (https, ipv6, browser)
    # run once before a scan stores anything: builds what the check needs (its word lists) and raises
    # ValueError with the user's mistake, so a broken setting stops the scan instead of every page's check
    prepare: Callable[[CheckContext], None] | None = None


CHECKS: dict[str, Check] = {}


def _register(
    name: str,
    codes: tuple[str, ...],
    scope: Literal["page", "site", "attachment"],
    network: bool,
    prepare: Callable[[CheckContext], None] | None = None,
) -> Callable[
    [Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]
]:
    known = code_table()
    for code in codes:
        if code not in known:
            raise ValueError(f"check {name}: unknown finding code {code!r}")

    def decorate(fn: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if name in CHECKS and CHECKS[name].fn is not fn:
            raise ValueError(f"check {name!r} registered twice")
        CHECKS[name] = Check(name=name, codes=codes, scope=scope, fn=fn, network=network, prepare=prepare)
        return fn

    return decorate


def page_check(
    name: str, *codes: str, prepare: Callable[[CheckContext], None] | None = None
) -> Callable[[PageCheckFn], PageCheckFn]:
    return _register(name, codes, "page", False, prepare)


def site_check(name: str, *codes: str, network: bool = False) -> Callable[[SiteCheckFn], SiteCheckFn]:
    return _register(name, codes, "site", network)


AttachmentCheckFn = Callable[..., Iterable[Finding]]  # (data, name, *, url, page_url, ctx)


def attachment_check(
    name: str, *codes: str, prepare: Callable[[CheckContext], None] | None = None
) -> Callable[[AttachmentCheckFn], AttachmentCheckFn]:
    """A check of a downloaded attachment's bytes (.docx/.xlsx/.pdf/.txt); findings name it as target."""
    return _register(name, codes, "attachment", False, prepare)


_loaded = False
_NOT_CHECK_MODULES = frozenset({"registry", "site"})


def all_checks() -> dict[str, Check]:
    """Import every module of the checks package once, which fills the table."""
    global _loaded
    if not _loaded:
        import govinspect.checks as package

        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_") and info.name not in _NOT_CHECK_MODULES:
                importlib.import_module(f"govinspect.checks.{info.name}")
        _loaded = True
    return CHECKS


def selected(scope: str, enabled: Iterable[str] | None = None) -> list[Check]:
    """The checks of ``scope`` among ``enabled`` (None: all). An unknown name is an error, not a silently
    empty selection: a misspelt GOVINSPECT_CHECKS would otherwise turn every check off."""
    names = set(enabled) if enabled is not None else None
    known = all_checks()
    if names is not None and (unknown := names - set(known)):
        raise ValueError(f"未知的检查：{'、'.join(sorted(unknown))}（可选：{'、'.join(sorted(known))}）")
    return [c for c in known.values() if c.scope == scope and (names is None or c.name in names)]


def prepare_checks(checks: Iterable[Check], ctx: CheckContext) -> None:
    """Each check's ``prepare``, once (a ValueError is the user's mistake, for the caller to show)."""
    for check in checks:
        if check.prepare is not None:
            check.prepare(ctx)


def _run(check: Check, subject: Any, ctx: CheckContext) -> list[Finding]:
    try:
        return list(check.fn(subject, ctx))
    except Exception as exc:  # one faulty check must not lose a whole scan
        where = getattr(subject, "url", None) or getattr(subject, "start_url", "")
        message = f"检查 {check.name} 在 {where} 出错：{type(exc).__name__}: {exc}"
        log.warning(message)
        ctx.errors.append(message)
        return []


def run_page_checks(page: ParsedPage, ctx: CheckContext, checks: list[Check] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for check in checks if checks is not None else selected("page"):
        out.extend(_run(check, page, ctx))
    return out


def run_attachment_checks(
    data: bytes, url: str, page_url: str, ctx: CheckContext, checks: list[Check] | None = None
) -> list[Finding]:
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    out: list[Finding] = []
    for check in checks if checks is not None else selected("attachment"):
        try:
            out.extend(check.fn(data, name, url=url, page_url=page_url, ctx=ctx))
        except Exception as exc:
            message = f"检查 {check.name} 在附件 {url} 出错：{type(exc).__name__}: {exc}"
            log.warning(message)
            ctx.errors.append(message)
    return out


def run_site_checks(site: Any, ctx: CheckContext, checks: list[Check] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for check in checks if checks is not None else selected("site"):
        if ctx.offline and check.network:
            continue
        out.extend(_run(check, site, ctx))
    return out

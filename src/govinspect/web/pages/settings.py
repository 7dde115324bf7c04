"""设置: units, sites, accounts, word lists and allow-lists, the indicator profile; 我的账号.

Units, sites and accounts can be added here (管理员). What is edited in files or on the command
line (site settings, responsibility rules, word lists, profiles) is shown read-only, with the
command or file that changes it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from govinspect.registry.model import SITE_KINDS, RegistryError
from govinspect.scoring.profile import STATUS_LABELS, ProfileError, load_profile
from govinspect.store import registry_repo as rrepo
from govinspect.store import users_repo
from govinspect.store.users_repo import ROLE_LABELS, AccountError
from govinspect.web import services
from govinspect.web.auth import NotAllowed, PageAuth, csrf_protect, page_auth
from govinspect.web.console import Console, console_of
from govinspect.web.pages import int_or_none, redirect, render

router = APIRouter(dependencies=[Depends(csrf_protect)])
Auth = Annotated[PageAuth, Depends(page_auth)]
TABS = [
    ("/settings/units", "单位"),
    ("/settings/sites", "站点"),
    ("/settings/accounts", "账号"),
    ("/settings/lists", "词表与白名单"),
    ("/settings/profile", "指标方案"),
]
_LIST_PREVIEW = 200  # entries of a user list shown on the page


def _require_admin(auth: PageAuth) -> None:
    if not auth.access.is_admin:
        raise NotAllowed("只有管理员可以管理单位、站点和账号")


def _page(request: Request, auth: PageAuth, name: str, tab: str, **context: Any) -> HTMLResponse:
    tabs = [t for t in TABS if t[0] != "/settings/accounts" or auth.access.is_admin]
    return render(request, auth, name, tabs=tabs, tab=tab, **context)


@router.get("/settings")
def settings_index(request: Request, auth: Auth) -> Response:
    return redirect("/settings/units")


# --- units -------------------------------------------------------------------------------------


@router.get("/settings/units", response_class=HTMLResponse)
def units_page(request: Request, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    units = [u for u in rrepo.list_units(console.db) if auth.access.sees_all or u.id in (auth.access.unit_ids or ())]
    return _page(request, auth, "settings_units.html", "/settings/units", units=units)


@router.post("/settings/units")
def units_add(
    request: Request, auth: Auth, name: Annotated[str, Form()] = "", parent: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
) -> Response:
    _require_admin(auth)
    console = console_of(request)
    try:
        unit = rrepo.add_unit(console.db, name, parent or None, contact.strip() or None, now=console.clock())
    except RegistryError as exc:
        return redirect("/settings/units", str(exc), error=True)
    console.changed()
    return redirect("/settings/units", f"已添加单位“{unit.name}”")


# --- sites -------------------------------------------------------------------------------------


@router.get("/settings/sites", response_class=HTMLResponse)
def sites_page(request: Request, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    sites = [s for s in rrepo.list_sites(console.db) if services.site_visible(auth.access, s)]
    units = rrepo.list_units(console.db) if auth.access.is_admin else []
    return _page(request, auth, "settings_sites.html", "/settings/sites", sites=sites, units=units, kinds=SITE_KINDS,
                 as_json=lambda v: json.dumps(v, ensure_ascii=False, indent=1, sort_keys=True))


@router.post("/settings/sites")
def sites_add(
    request: Request, auth: Auth, url: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "", owner: Annotated[str, Form()] = "",
) -> Response:
    _require_admin(auth)
    console = console_of(request)
    try:
        site = rrepo.add_site(console.db, url.strip(), name, kind=kind or None, owner=owner or None, now=console.clock())
    except RegistryError as exc:
        return redirect("/settings/sites", str(exc), error=True)
    console.changed()
    return redirect("/settings/sites", f"已登记站点 #{site.id} {site.url}")


# --- accounts ----------------------------------------------------------------------------------


@router.get("/settings/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, auth: Auth) -> HTMLResponse:
    _require_admin(auth)
    console = console_of(request)
    users = users_repo.list_users(console.db)
    return _page(
        request, auth, "settings_accounts.html", "/settings/accounts", users=users,
        user_names={u.id: u.username for u in users},
        tokens=users_repo.list_tokens(console.db), units=rrepo.list_units(console.db), roles=ROLE_LABELS,
        min_length=console.config.accounts.min_password_length,
    )


@router.post("/settings/accounts")
def accounts_add(
    request: Request, auth: Auth, username: Annotated[str, Form()] = "", display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "", unit_id: Annotated[str, Form()] = "",
) -> Response:
    _require_admin(auth)
    console = console_of(request)
    try:
        user = users_repo.add_user(
            console.db, username, password, role, unit=int_or_none(unit_id), display_name=display_name,
            min_password_length=console.config.accounts.min_password_length, now=console.clock(),
        )
    except (AccountError, RegistryError) as exc:
        return redirect("/settings/accounts", str(exc), error=True)
    return redirect("/settings/accounts", f"已添加账号“{user.username}”（{user.role_label}）")


@router.post("/settings/accounts/{user_id}")
def accounts_update(
    request: Request, user_id: int, auth: Auth, role: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "", active: Annotated[str, Form()] = "",
) -> Response:
    _require_admin(auth)
    console = console_of(request)
    try:
        user = users_repo.update_user(
            console.db, user_id, role=role or None, unit=int_or_none(unit_id), active=active == "1",
        )
    except AccountError as exc:
        return redirect("/settings/accounts", str(exc), error=True)
    state = "启用" if user.active else "停用"
    return redirect("/settings/accounts", f"账号“{user.username}”：{user.role_label}，{state}")


@router.post("/settings/accounts/{user_id}/password")
def accounts_password(request: Request, user_id: int, auth: Auth, password: Annotated[str, Form()] = "") -> Response:
    _require_admin(auth)
    console = console_of(request)
    try:
        users_repo.set_password(console.db, user_id, password,
                                min_password_length=console.config.accounts.min_password_length)
    except AccountError as exc:
        return redirect("/settings/accounts", str(exc), error=True)
    return redirect("/settings/accounts", "密码已重设，该账号需重新登录")


@router.post("/settings/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int, auth: Auth) -> Response:
    console = console_of(request)
    owner = None if auth.access.is_admin else auth.user.id  # others may revoke only their own
    done = users_repo.revoke_token(console.db, token_id, now=console.clock(), user_id=owner)
    back = "/settings/accounts" if auth.access.is_admin and request.query_params.get("from") == "admin" else "/account"
    return redirect(back, "令牌已吊销" if done else "没有可吊销的令牌", error=not done)


# --- my account --------------------------------------------------------------------------------


def _account(request: Request, auth: PageAuth, new_token: str | None = None) -> HTMLResponse:
    console = console_of(request)
    return render(request, auth, "account.html", tokens=users_repo.list_tokens(console.db, auth.user.id),
                  min_length=console.config.accounts.min_password_length, new_token=new_token)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, auth: Auth) -> HTMLResponse:
    return _account(request, auth)


@router.post("/account/password")
def account_password(
    request: Request, auth: Auth, current: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
) -> Response:
    console = console_of(request)
    if users_repo.authenticate(console.db, auth.user.username, current, now=console.clock()) is None:
        return redirect("/account", "当前密码不正确", error=True)
    try:
        users_repo.set_password(console.db, auth.user.id, password,
                                min_password_length=console.config.accounts.min_password_length)
    except AccountError as exc:
        return redirect("/account", str(exc), error=True)
    return redirect("/login", "密码已修改，请用新密码登录")


@router.post("/account/tokens", response_class=HTMLResponse)
def account_token(request: Request, auth: Auth, name: Annotated[str, Form()] = "") -> HTMLResponse:
    console = console_of(request)
    value, _info = users_repo.create_token(console.db, auth.user.id, name, now=console.clock())
    return _account(request, auth, new_token=value)  # shown this once; only its digest is kept


# --- word lists and the indicator profile (read-only) --------------------------------------------


def _builtin_lists() -> list[dict[str, Any]]:
    folder = resources.files("govinspect.data").joinpath("text")
    out = []
    for name, label in (("typos.tsv", "常见错别字对照"), ("serious.yaml", "严重表述错误"),
                        ("sensitive.yaml", "敏感词"), ("roster.yaml", "领导职务名录"),
                        ("fallen_officials.yaml", "落马官员名单")):
        node = folder.joinpath(name)
        try:
            text = node.read_text("utf-8")
        except OSError:
            continue
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        out.append({"file": f"data/text/{name}", "label": label, "lines": len(lines)})
    return out


def _user_lists(console: Console, auth: PageAuth) -> tuple[list[dict[str, Any]], list[str]]:
    from govinspect.text.data import TextDataError
    from govinspect.text.userdata import load_project, load_site

    errors: list[str] = []
    levels: list[tuple[str, Any]] = []
    try:
        levels.append(("项目级（设置 data_dir）", load_project(console.settings.data_dir)))
    except TextDataError as exc:
        errors.append(str(exc))
    for site in rrepo.list_sites(console.db):
        if not services.site_visible(auth.access, site) or "text" not in site.settings:
            continue
        try:
            levels.append((f"站点级：{site.name or site.url}", load_site(site.settings)))
        except TextDataError as exc:
            errors.append(f"{site.name or site.url}：{exc}")
    out = []
    for title, lists in levels:
        out.append({
            "title": title,
            "sources": lists.sources,
            "allow": lists.allow[:_LIST_PREVIEW],
            "allow_total": len(lists.allow),
            "typos": [(r.wrong, r.right) for r in lists.typos[:_LIST_PREVIEW]],
            "typos_total": len(lists.typos),
            "serious_total": len(lists.serious_terms) + len(lists.serious_patterns),
            "sensitive_total": len(lists.sensitive.words),
            "fallen_total": len(lists.fallen),
        })
    return out, errors


@router.get("/settings/lists", response_class=HTMLResponse)
def lists_page(request: Request, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    user_lists, errors = _user_lists(console, auth)
    return _page(request, auth, "settings_lists.html", "/settings/lists", builtin=_builtin_lists(),
                 user_lists=user_lists, errors=errors, data_dir=console.settings.data_dir)


@router.get("/settings/profile", response_class=HTMLResponse)
def profile_page(request: Request, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    try:
        profile = load_profile(None)
        error = None
    except ProfileError as exc:
        profile, error = None, str(exc)
    site_profiles = [(s, s.settings["profile"]) for s in rrepo.list_sites(console.db)
                     if services.site_visible(auth.access, s) and s.settings.get("profile")]
    return _page(request, auth, "settings_profile.html", "/settings/profile", profile=profile, error=error,
                 statuses=STATUS_LABELS, site_profiles=site_profiles)

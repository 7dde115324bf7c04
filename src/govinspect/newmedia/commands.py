"""Command line of the new-media part: ``govinspect media …`` (the Typer sub-app ``media_app``).

Self-contained (error handling shared with every command group through govinspect.commandline; no import of govinspect.cli, which mounts it): every foreseeable user error becomes
one red line and exit code 2; an import where some rows or a feed failed exits with 1 after storing
what was good.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from govinspect.commandline import DbOption, err_console
from govinspect.commandline import guarded as _guarded
from govinspect.settings import Settings, db_url_from
from govinspect.store.db import Database, open_database

media_app = typer.Typer(help="政务新媒体：账号登记、信息导入、检查与统计", no_args_is_help=True, add_completion=False)
account_app = typer.Typer(help="新媒体账号登记（平台、主办单位、状态、备案信息）", no_args_is_help=True)
posts_app = typer.Typer(help="导入新媒体发布的信息（RSS/Atom 订阅源、Excel/CSV 导出表）", no_args_is_help=True)
messages_app = typer.Typer(help="导入群众留言/私信导出表", no_args_is_help=True)
important_app = typer.Typer(help="重要信息转载清单（须在期限内转载的信息）", no_args_is_help=True)
menu_app = typer.Typer(help="账号菜单栏链接（登记后随检查一并检测）", no_args_is_help=True)
token_app = typer.Typer(help="信息推送接口的令牌", no_args_is_help=True)
media_app.add_typer(account_app, name="account")
media_app.add_typer(posts_app, name="posts")
media_app.add_typer(messages_app, name="messages")
media_app.add_typer(important_app, name="important")
media_app.add_typer(menu_app, name="menu")
media_app.add_typer(token_app, name="token")

console = Console(soft_wrap=True)
T = TypeVar("T")

AccountArg = Annotated[str, typer.Argument(help="账号：编号、名称或“平台:名称”")]


def _settings(db: str | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"db": db_url_from(db)}) if db else settings


def _open(db: str | None) -> Database:
    return open_database(db_url_from(_settings(db).db))


def _print(*items: Any) -> None:
    for item in items:
        console.print(item, highlight=False)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from govinspect.newmedia.times import parse_day

    day = parse_day(value)
    if day is None:
        raise ValueError(f"{option} 的日期 {value!r} 无法识别（示例：2026-03-01）")
    return day


def _point(value: str | None) -> datetime:
    from govinspect.workflow.clock import utcnow
    from govinspect.workflow.periods import parse_point

    return parse_point(value) if value else utcnow()


def _show_rejected(rejected: list[Any], limit: int = 10) -> None:
    for item in rejected[:limit]:
        err_console.print(f"  [yellow]未导入[/] {item.describe()}", highlight=False)
    if len(rejected) > limit:
        err_console.print(f"  ……另有 {len(rejected) - limit} 条未导入", highlight=False)


# --- accounts ------------------------------------------------------------------------------


@account_app.command("add")
def account_add(
    platform: Annotated[str, typer.Argument(help="平台：微信公众号、微信视频号、微博、抖音、今日头条、快手、移动客户端、小程序、其他")],
    name: Annotated[str, typer.Argument(help="账号名称")],
    unit: Annotated[str | None, typer.Option("--unit", help="主办单位（名称或编号）")] = None,
    account_key: Annotated[str | None, typer.Option("--id", help="平台上的账号ID（原始ID、UID、微信号）")] = None,
    state: Annotated[str | None, typer.Option("--state", help="状态：运行（默认）、拟注销、已注销、已关停")] = None,
    opened: Annotated[str | None, typer.Option("--opened", help="开设日期，如 2020-05-01")] = None,
    url: Annotated[str | None, typer.Option("--url", help="账号主页地址")] = None,
    feed: Annotated[str | None, typer.Option("--feed", help="RSS/Atom 订阅源地址（如自建 RSSHub 的路由）")] = None,
    filing_no: Annotated[str | None, typer.Option("--filing-no", help="备案编号")] = None,
    filed: Annotated[str | None, typer.Option("--filed", help="备案日期")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="运维单位")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    create_unit: Annotated[bool, typer.Option("--create-unit", help="主办单位未登记时自动登记")] = False,
    db: DbOption = None,
) -> None:
    """登记一个政务新媒体账号。"""

    def body() -> None:
        from govinspect.newmedia.accounts import add_account
        from govinspect.newmedia.model import AccountSpec

        spec = AccountSpec(
            platform=platform, name=name, account_key=account_key, unit=unit, state=state,
            opened_on=_day(opened, "--opened"), filing_no=filing_no, filed_on=_day(filed, "--filed"),
            operator=operator, contact=contact, url=url, feed_url=feed, note=note,
        )
        account = add_account(_open(db), spec, create_units=create_unit)
        _print(f"已登记账号 #{account.id}：{account.label}（{account.state_label}，主办单位：{account.unit_name or '未指定'}）")

    _guarded(body)


@account_app.command("list")
def account_list(
    unit: Annotated[str | None, typer.Option("--unit", help="只列出该单位的账号")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="只列出该平台的账号")] = None,
    state: Annotated[str | None, typer.Option("--state", help="只列出该状态的账号")] = None,
    db: DbOption = None,
) -> None:
    """列出登记的账号；同一单位在同一平台有多个运行中的账号时给出提示。"""

    def body() -> None:
        from govinspect.newmedia.accounts import duplicates
        from govinspect.newmedia.rules import platforms, states
        from govinspect.store import newmedia_repo as repo
        from govinspect.store.registry_repo import require_unit

        database = _open(db)
        every = repo.list_accounts(database)
        shown = every
        if unit:
            unit_id = require_unit(database, unit).id
            shown = [a for a in shown if a.unit_id == unit_id]
        if platform:
            code = platforms().parse(platform)
            shown = [a for a in shown if a.platform == code]
        if state:
            code = states().parse(state)
            shown = [a for a in shown if a.state == code]
        table = Table(title=f"政务新媒体账号（{len(shown)} 个）")
        for heading in ("编号", "平台", "名称", "主办单位", "状态", "状态日期", "订阅源", "备案编号"):
            table.add_column(heading, overflow="fold")
        for a in shown:
            table.add_row(str(a.id), a.platform_label, Text(a.name), Text(a.unit_name or "—"), a.state_label,
                          str(a.state_since or "—"), "有" if a.feed_url else "—", Text(a.filing_no or "—"))
        if not shown:
            table.add_row("—", "尚无账号（media account add 或 media account import）", "", "", "", "", "", "")
        _print(table)
        for dup in duplicates(every):
            _print(f"[yellow]提示：[/]{dup.describe}（国办发〔2018〕123号）")

    _guarded(body)


@account_app.command("show")
def account_show(account: AccountArg, db: DbOption = None) -> None:
    """显示一个账号的登记信息、状态变更、菜单链接和最新信息。"""

    def body() -> None:
        from govinspect.newmedia.accounts import EARLIEST, require_account
        from govinspect.newmedia.rules import states
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import show, utcnow

        database = _open(db)
        found = require_account(database, account)
        info = Table(title=f"账号 #{found.id}", show_header=False)
        info.add_column("项目", overflow="fold")
        info.add_column("内容", overflow="fold")
        rows = [
            ("平台", found.platform_label), ("名称", found.name), ("账号ID", found.account_key),
            ("主办单位", found.unit_name), ("状态", f"{found.state_label}（自 {found.state_since or '—'}）"),
            ("开设日期", found.opened_on), ("备案编号", found.filing_no), ("备案日期", found.filed_on),
            ("运维单位", found.operator), ("联系人", found.contact), ("主页", found.url), ("订阅源", found.feed_url),
            ("设置", yaml.safe_dump(found.settings, allow_unicode=True).strip() if found.settings else None),
            ("备注", found.note), ("信息条数", repo.count_posts(database, found.id)),
        ]
        newest = repo.newest_posts_before(database, found.id, utcnow())
        rows.append(("最新信息", f"{show(newest[0].published_at)} {newest[0].title}" if newest else None))
        for key, value in rows:
            info.add_row(key, Text(str(value) if value not in (None, "") else "—"))
        _print(info)
        changes = repo.state_changes(database, [found.id])
        if changes:
            table = Table(title="状态变更")
            for heading in ("日期", "由", "变为", "说明", "操作人"):
                table.add_column(heading, overflow="fold")
            for c in changes:
                table.add_row(str(c.on_date) if c.on_date != EARLIEST else "（登记前）", states().label(c.from_state) if c.from_state else "—",
                              states().label(c.to_state), Text(c.note or ""), Text(c.actor))
            _print(table)
        menus = repo.menu_links(database, [found.id])
        if menus:
            table = Table(title="菜单链接")
            for heading in ("名称", "网址", "最近检测"):
                table.add_column(heading, overflow="fold")
            for m in menus:
                status = "未检测" if m.last_ok is None else ("可访问" if m.last_ok else f"不可访问（{m.last_error or m.last_status}）")
                table.add_row(Text(m.label), Text(m.url), status)
            _print(table)

    _guarded(body)


@account_app.command("set")
def account_set(
    account: AccountArg,
    name: Annotated[str | None, typer.Option("--name", help="新的账号名称")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="主办单位（名称或编号）")] = None,
    account_key: Annotated[str | None, typer.Option("--id", help="平台上的账号ID")] = None,
    opened: Annotated[str | None, typer.Option("--opened", help="开设日期")] = None,
    url: Annotated[str | None, typer.Option("--url", help="账号主页地址")] = None,
    feed: Annotated[str | None, typer.Option("--feed", help="订阅源地址")] = None,
    filing_no: Annotated[str | None, typer.Option("--filing-no", help="备案编号")] = None,
    filed: Annotated[str | None, typer.Option("--filed", help="备案日期")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="运维单位")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    setting: Annotated[list[str] | None, typer.Option("--setting", help="账号设置 键=值：stale_days=天数、repost=true/false")] = None,
    unset: Annotated[list[str] | None, typer.Option("--unset", help="删除某项设置")] = None,
    db: DbOption = None,
) -> None:
    """修改账号的登记信息或设置（状态用 set-state 修改）。"""

    def body() -> None:
        from govinspect.newmedia.accounts import update_account

        fields: dict[str, Any] = {
            "account_key": account_key, "url": url, "feed_url": feed, "filing_no": filing_no,
            "filed_on": _day(filed, "--filed"), "operator": operator, "contact": contact, "note": note,
            "opened_on": _day(opened, "--opened"),
        }
        settings: dict[str, Any] = {}
        for item in setting or []:
            key, sep, raw = item.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"--setting 应写成 键=值，而不是 {item!r}")
            settings[key.strip()] = yaml.safe_load(raw) if raw.strip() else None
        changed = update_account(
            _open(db), account, name=name, unit=unit, fields={k: v for k, v in fields.items() if v is not None},
            settings=settings, unset=unset,
        )
        _print(f"已修改账号 #{changed.id}：{changed.label}")

    _guarded(body)


@account_app.command("set-state")
def account_set_state(
    account: AccountArg,
    state: Annotated[str, typer.Argument(help="运行、拟注销、已注销、已关停")],
    on: Annotated[str | None, typer.Option("--date", help="状态生效日期（默认今天）")] = None,
    note: Annotated[str | None, typer.Option("--note", help="说明，如注销批复文号")] = None,
    actor: Annotated[str, typer.Option("--actor", help="操作人")] = "系统",
    db: DbOption = None,
) -> None:
    """变更账号状态（记录生效日期，季度报告据此统计开设与注销）。"""

    def body() -> None:
        from govinspect.newmedia.accounts import set_state

        changed = set_state(_open(db), account, state, on_date=_day(on, "--date"), note=note, actor=actor)
        _print(f"{changed.label} 自 {changed.state_since} 起为“{changed.state_label}”")

    _guarded(body)


@account_app.command("import")
def account_import(
    file: Annotated[Path, typer.Argument(help="账号清单（.xlsx 或 .csv），列名自动识别")],
    create_units: Annotated[bool, typer.Option("--create-units", help="主办单位未登记时自动登记")] = False,
    db: DbOption = None,
) -> None:
    """从 Excel/CSV 导入账号清单：已登记的账号（按账号ID，或平台加名称）更新，其余新增。"""

    def body() -> bool:
        from govinspect.newmedia.registry_io import import_accounts

        report = import_accounts(_open(db), file, create_units=create_units)
        _print(f"{file.name}：{report.describe()}")
        if report.ignored_columns:
            _print(f"  未使用的列：{'、'.join(report.ignored_columns)}")
        _show_rejected(report.rejected)
        return bool(report.rejected)

    if _guarded(body):
        raise typer.Exit(1)


@account_app.command("export")
def account_export(
    file: Annotated[Path, typer.Argument(help="导出文件（.xlsx 或 .csv）")],
    db: DbOption = None,
) -> None:
    """把账号清单导出为 Excel/CSV（可修改后再导入）。"""

    def body() -> None:
        from govinspect.newmedia.registry_io import export_accounts

        count = export_accounts(_open(db), file)
        _print(f"已导出 {count} 个账号：{file}")

    _guarded(body)


# --- posts and messages ----------------------------------------------------------------------


def _report_lines(reports: list[Any]) -> bool:
    failed = False
    for report in reports:
        mark = "[red]✗[/]" if report.failed else "[green]✓[/]"
        _print(f"{mark} {report.describe()}")
        if report.error:
            err_console.print(f"  [bold red]{report.error}[/]（此前完整读取的条目已保存）", highlight=False)
            failed = True
        _show_rejected(report.rejected)
        failed = failed or bool(report.rejected)
    return failed


@posts_app.command("import")
def posts_import(
    source: Annotated[str, typer.Argument(help="订阅源网址（RSS/Atom），或导出表文件（.xlsx/.csv）")],
    account: Annotated[str | None, typer.Option("--account", help="信息所属账号（表中有账号列、或网址即账号登记的订阅源时可省略）")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="读取订阅源的时限（秒）")] = None,
    db: DbOption = None,
) -> None:
    """导入信息：同一条信息（同一账号的同一网址，或同一时间同一标题）重复导入不会重复保存。"""

    def body() -> bool:
        from govinspect.newmedia.imports import import_feed, import_post_file
        from govinspect.newmedia.model import MediaError
        from govinspect.store import newmedia_repo as repo

        database = _open(db)
        if source.lower().startswith(("http://", "https://")):
            target: Any = account
            if target is None:
                owners = [a for a in repo.list_accounts(database) if a.feed_url == source]
                if len(owners) != 1:
                    raise MediaError("请用 --account 指明这个订阅源属于哪个账号")
                target = owners[0]
            return _report_lines([import_feed(database, target, source, timeout=timeout)])
        result = import_post_file(database, Path(source), account=account)
        failed = _report_lines(result.reports)
        if result.ignored_columns:
            _print(f"  未使用的列：{'、'.join(result.ignored_columns)}")
        _show_rejected(result.rejected)
        if not result.reports and not result.rejected:
            _print("表中没有数据行")
        return failed or bool(result.rejected)

    if _guarded(body):
        raise typer.Exit(1)


@posts_app.command("fetch")
def posts_fetch(db: DbOption = None) -> None:
    """读取所有运行中账号登记的订阅源（增量：未变化的订阅源不重复读取）。"""

    def body() -> bool:
        from govinspect.newmedia.imports import import_feeds

        reports = import_feeds(_open(db))
        if not reports:
            _print("没有登记了订阅源的运行中账号（media account set 账号 --feed 网址）")
        return _report_lines(reports)

    if _guarded(body):
        raise typer.Exit(1)


@posts_app.command("list")
def posts_list(
    account: AccountArg,
    limit: Annotated[int, typer.Option("--limit", help="最多显示条数")] = 20,
    db: DbOption = None,
) -> None:
    """列出一个账号最近的信息。"""

    def body() -> None:
        from govinspect.newmedia.accounts import require_account
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import show, utcnow

        database = _open(db)
        found = require_account(database, account)
        table = Table(title=f"{found.label} 最近的信息")
        for heading in ("时间", "标题", "原创", "来源", "网址"):
            table.add_column(heading, overflow="fold")
        for post in repo.newest_posts_before(database, found.id, utcnow(), limit=limit):
            kind = "—" if post.original is None else ("原创" if post.original else "转载")
            table.add_row(show(post.published_at), Text(post.title or post.text[:30]), kind, post.source, Text(post.url or "—"))
        _print(table)

    _guarded(body)


@messages_app.command("import")
def messages_import(
    file: Annotated[Path, typer.Argument(help="留言/私信导出表（.xlsx 或 .csv）")],
    account: Annotated[str | None, typer.Option("--account", help="留言所属账号（表中有账号列时可省略）")] = None,
    db: DbOption = None,
) -> None:
    """导入群众留言（留言时间、内容、回复时间）；重复导入只补上新的回复。"""

    def body() -> bool:
        from govinspect.newmedia.imports import import_message_file

        result = import_message_file(_open(db), file, account=account)
        failed = _report_lines(result.reports)
        _show_rejected(result.rejected)
        return failed or bool(result.rejected)

    if _guarded(body):
        raise typer.Exit(1)


# --- important items, menu links, tokens -----------------------------------------------------


@important_app.command("add")
def important_add(
    title: Annotated[str, typer.Argument(help="重要信息标题")],
    deadline: Annotated[str, typer.Option("--deadline", help="转载期限，如 2026-03-05 或 2026-03-05T18:00")],
    issued: Annotated[str | None, typer.Option("--issued", help="发布时间（默认现在）")] = None,
    url: Annotated[str | None, typer.Option("--url", help="原文网址")] = None,
    platform: Annotated[list[str] | None, typer.Option("--platform", help="须转载的平台（可多次给出；默认见 checks.yaml）")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注，如通知文号")] = None,
    db: DbOption = None,
) -> None:
    """登记一条须在期限内转载的重要信息。"""

    def body() -> None:
        from govinspect.newmedia.rules import platforms
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import show, utcnow

        issued_at = _point(issued) if issued else utcnow()
        due = _point(deadline)
        if due < issued_at:
            raise ValueError("转载期限早于发布时间")
        if not title.strip():
            raise ValueError("标题不能为空")
        codes = [platforms().parse(p) for p in platform] if platform else None
        item = repo.add_important(
            _open(db),
            {"title": title.strip(), "url": url, "issued_at": issued_at, "deadline": due, "platforms": codes,
             "note": note, "created_at": utcnow()},
        )
        _print(f"已登记重要信息 #{item.id}：{item.title}（转载期限 {show(item.deadline)}）")

    _guarded(body)


@important_app.command("list")
def important_list(
    at: Annotated[str | None, typer.Option("--at", help="按此时刻判断是否按时转载（默认现在）")] = None,
    db: DbOption = None,
) -> None:
    """列出重要信息及各账号的转载情况（按标题相似度匹配）。"""

    def body() -> None:
        from govinspect.newmedia import checks
        from govinspect.newmedia.rules import media_rules, running_state
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import show

        database = _open(db)
        moment = _point(at)
        rules = media_rules()
        accounts = repo.list_accounts(database, states=[running_state()])
        items = repo.list_important(database)
        table = Table(title="重要信息转载情况")
        for heading in ("编号", "标题", "期限", "应转载", "按时", "不及时", "未转载"):
            table.add_column(heading, overflow="fold")
        details: list[checks.RepostStatus] = []
        for item in items:
            due = [a for a in accounts if checks.must_carry(a, item, rules)]
            posts = repo.posts_of(database, [a.id for a in due], since=item.issued_at - timedelta(days=1))
            by_account: dict[int, list[Any]] = {}
            for post in posts:
                by_account.setdefault(post.account_id, []).append(post)
            statuses = [checks.repost_status(item, a, by_account.get(a.id, []), moment, rules) for a in due]
            details.extend(s for s in statuses if s.status in (checks.LATE, checks.MISSED))
            count = {k: sum(1 for s in statuses if s.status == k) for k in (checks.CARRIED, checks.LATE, checks.MISSED)}
            table.add_row(str(item.id), Text(item.title), show(item.deadline), str(len(due)),
                          str(count[checks.CARRIED]), str(count[checks.LATE]), str(count[checks.MISSED]))
        if not items:
            table.add_row("—", "尚无重要信息（media important add）", "", "", "", "", "")
        _print(table)
        for s in details[:30]:
            _print(f"[yellow]{s.label}[/]：{s.account.label} ——《{s.item.title}》")

    _guarded(body)


@menu_app.command("add")
def menu_add(
    account: AccountArg,
    label: Annotated[str, typer.Argument(help="菜单名称")],
    url: Annotated[str, typer.Argument(help="菜单链接地址")],
    db: DbOption = None,
) -> None:
    """登记账号的一个菜单链接（检查时检测是否可访问）。"""

    def body() -> None:
        from govinspect.crawl.urls import normalize
        from govinspect.newmedia.accounts import require_account
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import utcnow

        database = _open(db)
        found = require_account(database, account)
        link = repo.add_menu_link(database, found.id, label.strip() or url, normalize(url), utcnow())
        _print(f"已登记 {found.label} 的菜单“{link.label}”：{link.url}")

    _guarded(body)


@menu_app.command("list")
def menu_list(db: DbOption = None) -> None:
    """列出所有菜单链接及最近一次检测结果。"""

    def body() -> None:
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import show

        database = _open(db)
        names = {a.id: a.label for a in repo.list_accounts(database)}
        table = Table(title="菜单链接")
        for heading in ("账号", "名称", "网址", "最近检测", "结果"):
            table.add_column(heading, overflow="fold")
        for m in repo.menu_links(database):
            result = "未检测" if m.last_ok is None else ("可访问" if m.last_ok else f"不可访问（{m.last_error or m.last_status}）")
            table.add_row(Text(names.get(m.account_id, "")), Text(m.label), Text(m.url), show(m.checked_at), result)
        _print(table)

    _guarded(body)


@menu_app.command("remove")
def menu_remove(account: AccountArg, url: Annotated[str, typer.Argument(help="菜单链接地址")], db: DbOption = None) -> None:
    """删除一个菜单链接。"""

    def body() -> None:
        from govinspect.crawl.urls import normalize
        from govinspect.newmedia.accounts import require_account
        from govinspect.store import newmedia_repo as repo

        database = _open(db)
        found = require_account(database, account)
        if not repo.remove_menu_link(database, found.id, normalize(url)):
            raise ValueError(f"{found.label} 没有登记菜单链接 {url}")
        _print("已删除")

    _guarded(body)


@token_app.command("add")
def token_add(
    name: Annotated[str, typer.Argument(help="令牌名称（如对接系统名称）")],
    account: Annotated[list[str] | None, typer.Option("--account", help="只允许向这些账号推送（可多次给出；默认不限）")] = None,
    db: DbOption = None,
) -> None:
    """生成推送接口的令牌（只显示这一次，请妥善保存）。"""

    def body() -> None:
        from govinspect.newmedia.push import create_token

        token, secret = create_token(_open(db), name, account)
        _print(f"已生成令牌“{token.name}”：{secret}", "请求头：Authorization: Bearer <令牌>；接口：POST /api/newmedia/push（govinspect serve 所启动的控制台）")

    _guarded(body)


@token_app.command("list")
def token_list(db: DbOption = None) -> None:
    """列出推送令牌（不显示令牌本身）。"""

    def body() -> None:
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import show

        table = Table(title="推送令牌")
        for heading in ("名称", "限定账号", "生成时间", "最近使用", "状态"):
            table.add_column(heading, overflow="fold")
        for t in repo.list_tokens(_open(db)):
            scope = "不限" if t.account_ids is None else "、".join(map(str, t.account_ids))
            table.add_row(Text(t.name), scope, show(t.created_at), show(t.last_used_at), "已停用" if t.revoked_at else "有效")
        _print(table)

    _guarded(body)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="令牌名称")], db: DbOption = None) -> None:
    """停用一个推送令牌。"""

    def body() -> None:
        from govinspect.store import newmedia_repo as repo
        from govinspect.workflow.clock import utcnow

        if not repo.revoke_token(_open(db), name, utcnow()):
            raise ValueError(f"没有有效的令牌“{name}”")
        _print(f"已停用令牌“{name}”")

    _guarded(body)


# --- checks, scores, statistics --------------------------------------------------------------


@media_app.command("check")
def check(
    at: Annotated[str | None, typer.Option("--at", help="监测时间点，如 2026-03-31（默认现在）")] = None,
    account: Annotated[list[str] | None, typer.Option("--account", help="只检查这些账号（可多次给出）")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="不检测菜单链接（不访问网络）")] = False,
    recheck: Annotated[bool, typer.Option("--recheck", help="文字检查不用缓存，全部重查")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示结果，不保存、不生成问题")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="把问题清单写成 JSON 文件")] = None,
    db: DbOption = None,
) -> None:
    """检查运行中的账号：两周未更新、错别字与严重错误等、菜单链接、留言回复、重要信息转载、一单位一平台多号。"""

    def body() -> None:
        from collections import Counter

        from govinspect.findings import code_name
        from govinspect.newmedia.run import run_checks
        from govinspect.workflow.clock import show

        settings = _settings(db)
        database = open_database(db_url_from(settings.db))
        moment = _point(at)
        with console.status("正在检查政务新媒体账号……"):
            run = run_checks(database, settings, moment, accounts=account, network=not offline, recheck=recheck,
                             store=not dry_run)
        table = Table(title=f"政务新媒体检查（监测时间点 {show(moment)}）")
        for heading in ("账号", "主办单位", "最新信息", "检查信息", "问题"):
            table.add_column(heading, overflow="fold")
        for r in run.results:
            counts = Counter(code_name(f.code) for f in r.findings)
            table.add_row(Text(r.account.label), Text(r.account.unit_name or "—"), show(r.newest), str(r.posts_checked),
                          Text("，".join(f"{k} {v}" for k, v in counts.items()) or "无"))
        if not run.results:
            table.add_row("—", "没有运行中的账号", "", "", "")
        _print(table)
        for dup in run.duplicates:
            _print(f"[yellow]一单位一平台多号：[/]{dup.describe}")
        for status in run.repost_problems()[:30]:
            _print(f"[yellow]{status.label}：[/]{status.account.label} ——《{status.item.title}》（期限 {show(status.item.deadline)}）")
        for message in run.errors:
            err_console.print(f"[yellow]注意：[/]{message}", highlight=False)
        synced = [r.sync for r in run.results if r.sync is not None]
        if synced:
            _print(f"问题同步：新问题 {sum(s.opened for s in synced)}，转待复核 {sum(s.to_review for s in synced)}，"
                   f"复核销号 {sum(s.closed for s in synced)}，重新打开 {sum(s.reopened for s in synced)}")
        _print(f"共发现问题 {len(run.findings)} 条" + ("（试运行，未保存）" if dry_run else ""))
        if out:
            out.write_text(json.dumps({"at": moment.isoformat(), "findings": [f.to_json() for f in run.findings]},
                                      ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            _print(f"问题清单 JSON：{out}")

    _guarded(body)


@media_app.command("score")
def score(
    at: Annotated[str | None, typer.Option("--at", help="评分时间点（默认现在）")] = None,
    db: DbOption = None,
) -> None:
    """按政务新媒体检查指标给每个运行中的账号评定合格与否（单项否决：严重问题、两周未更新）。"""

    def body() -> None:
        from govinspect.newmedia.rules import running_state
        from govinspect.newmedia.scoring import score_account
        from govinspect.store import newmedia_repo as repo

        database = _open(db)
        moment = _point(at)
        table = Table(title="政务新媒体评定")
        for heading in ("账号", "结论", "否决项", "待人工确认", "扣分"):
            table.add_column(heading, overflow="fold")
        for a in repo.list_accounts(database, states=[running_state()]):
            if a.site_id is None:
                table.add_row(Text(a.label), "未检查", "", "", "")
                continue
            try:
                result = score_account(database, a, moment).result
            except ValueError as exc:
                table.add_row(Text(a.label), "无法评定", Text(str(exc)), "", "")
                continue
            vetoes = "、".join(v.item.name for v in result.vetoes if v.failed) or "—"
            table.add_row(Text(a.label), result.verdict, vetoes, str(result.pending), f"{result.deduction_points:g}")
        _print(table)

    _guarded(body)


@media_app.command("stats")
def stats(
    quarter: Annotated[str | None, typer.Option("--quarter", help="季度，如 2026Q1（默认本季度）")] = None,
    out: Annotated[Path | None, typer.Option("--json", help="把统计写成 JSON 文件")] = None,
    db: DbOption = None,
) -> None:
    """季度报告“政务新媒体”部分：账号、开设与注销、发布与原创、更新、转载、留言、问题整改。"""

    def body() -> None:
        from govinspect.newmedia.summary import quarter_summary
        from govinspect.workflow.clock import CHINA, utcnow

        today = utcnow().astimezone(CHINA).date()
        summary = quarter_summary(_open(db), quarter or f"{today.year}Q{(today.month - 1) // 3 + 1}")
        title = summary.label + ("" if summary.complete else "（截至目前）")
        table = Table(title=f"{title} 政务新媒体")
        for heading in ("账号", "主办单位", "状态", "信息", "原创比例", "最长未更新（天）", "留言/已回复/超期"):
            table.add_column(heading, overflow="fold")
        for line in summary.accounts:
            share = f"{line.share.share * 100:.0f}%" if line.share.share is not None else "—"
            gap = f"{line.longest_gap_days:.1f}" if line.longest_gap_days is not None else "—"
            table.add_row(Text(line.account.label), Text(line.account.unit_name or "—"), line.account.state_label,
                          str(line.posts), share + (" ⚠" if line.share_low else ""), gap + (" ⚠" if line.stale else ""),
                          f"{line.messages}/{line.answered}/{line.overdue}")
        _print(table)
        for sentence in summary.sentences():
            _print(sentence)
        if out:
            out.write_text(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            _print(f"JSON：{out}")

    _guarded(body)

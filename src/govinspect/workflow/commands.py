"""The registry, scoring and rectification commands (Typer), mounted by cli.py:

    app.add_typer(unit_app, name="unit")
    app.add_typer(site_app, name="site")
    app.add_typer(problems_app, name="problems")
    app.command("score")(score_command)
    app.command("sync")(sync_command)

The shared helpers (``guarded``, ``load_settings``, ``open_db``, the consoles) come from
govinspect.commandline, like every other command group's.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table
from rich.text import Text

from govinspect.commandline import UserError, console, guarded, load_settings, open_db
from govinspect.store.db import Database

DbOption = Annotated[str | None, typer.Option("--db", help="数据库地址（SQLAlchemy URL 或 SQLite 文件路径）", show_default=False)]
ByOption = Annotated[str | None, typer.Option("--by", help="操作人（默认当前系统用户）", show_default=False)]
FormatOption = Annotated[str, typer.Option("--format", help="text 或 json")]

unit_app = typer.Typer(help="责任单位：登记、查看、删除、导入导出。", no_args_is_help=True, add_completion=False)
site_app = typer.Typer(help="站点登记：类型、主办单位、范围、站点设置和责任规则。", no_args_is_help=True, add_completion=False)
problems_app = typer.Typer(help="整改问题：查看、分配、改状态、忽略规则、完成率、人工确认。", no_args_is_help=True, add_completion=False)
ignore_app = typer.Typer(help="忽略规则：匹配的新问题自动记为误报。", no_args_is_help=True, add_completion=False)
problems_app.add_typer(ignore_app, name="ignore-rule")


def _run(body: Any) -> None:
    guarded(body)


def _db(db: str | None) -> Database:
    return open_db(load_settings(db))


def _print(renderable: Any) -> None:
    console.print(renderable, highlight=False)


def _actor(by: str | None) -> str:
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "用户"


def _check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise UserError(f"不支持的格式：{fmt}（可选 text、json）")


def _json_out(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


# --- unit ----------------------------------------------------------------------------------


@unit_app.command("add")
def unit_add(
    name: Annotated[str, typer.Argument(help="单位名称")],
    parent: Annotated[str | None, typer.Option("--parent", help="上级单位（名称或编号）")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人或电话")] = None,
    db: DbOption = None,
) -> None:
    """登记一个责任单位。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        unit = repo.add_unit(_db(db), name, parent, contact)
        _print(f"已登记单位 #{unit.id}：{unit.name}" + (f"（上级：{unit.parent_name}）" if unit.parent_name else ""))

    _run(body)


@unit_app.command("set")
def unit_set(
    unit: Annotated[str, typer.Argument(help="单位（名称或编号）")],
    name: Annotated[str | None, typer.Option("--name", help="新名称")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="上级单位；给空字符串表示无上级")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人或电话")] = None,
    db: DbOption = None,
) -> None:
    """修改单位的名称、上级单位或联系方式。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        changes: dict[str, Any] = {}
        if parent is not None:
            changes["parent"] = parent or None
        if contact is not None:
            changes["contact"] = contact or None
        updated = repo.update_unit(_db(db), unit, name=name, **changes)
        _print(f"已更新单位 #{updated.id}：{updated.name}")

    _run(body)


@unit_app.command("list")
def unit_list(db: DbOption = None) -> None:
    """列出责任单位。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        table = Table(title="责任单位")
        for heading in ("编号", "名称", "上级单位", "联系方式"):
            table.add_column(heading)
        for unit in repo.list_units(_db(db)):
            table.add_row(str(unit.id), Text(unit.name), Text(unit.parent_name or ""), Text(unit.contact or ""))
        if not table.rows:
            table.add_row("—", "尚未登记单位（unit add 名称）", "", "")
        _print(table)

    _run(body)


@unit_app.command("remove")
def unit_remove(unit: Annotated[str, typer.Argument(help="单位（名称或编号）")], db: DbOption = None) -> None:
    """删除一个不再被引用的单位。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        removed = repo.remove_unit(_db(db), unit)
        _print(f"已删除单位 #{removed.id}：{removed.name}")

    _run(body)


@unit_app.command("import")
def unit_import(file: Annotated[Path, typer.Argument(help="YAML、JSON 或 Excel 文件")], db: DbOption = None) -> None:
    """从文件导入单位（已有的按名称更新）。"""

    def body() -> None:
        from govinspect.registry import io

        _print("导入完成。" + io.import_file(_db(db), file, want="units").describe())

    _run(body)


@unit_app.command("export")
def unit_export(file: Annotated[Path, typer.Argument(help="输出文件：.yaml、.json 或 .xlsx")], db: DbOption = None) -> None:
    """把单位导出为 YAML、JSON 或 Excel。"""

    def body() -> None:
        from govinspect.registry import io

        count = io.export_file(_db(db), file, want="units")
        _print(f"已导出 {count} 个单位到 {file}")

    _run(body)


# --- site ----------------------------------------------------------------------------------


def _parse_settings(pairs: list[str] | None, file: Path | None) -> dict[str, Any] | None:
    """--setting KEY=VALUE (VALUE read as YAML) and --settings-file FILE, merged in that order."""
    from govinspect.registry.model import RegistryError

    result: dict[str, Any] | None = None
    if file is not None:
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RegistryError(f"{file}：YAML/JSON 格式错误") from exc
        if not isinstance(loaded, dict):
            raise RegistryError(f"{file}：站点设置应为“键: 值”的表")
        result = dict(loaded)
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise RegistryError(f"--setting 应写成 键=值，而不是 {pair!r}")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError as exc:
            raise RegistryError(f"--setting {key} 的值无法解析：{raw}") from exc
        result = {**(result or {}), key.strip(): value}
    return result


@site_app.command("add")
def site_add(
    url: Annotated[str, typer.Argument(help="站点首页地址")],
    name: Annotated[str, typer.Option("--name", help="站点名称")] = "",
    kind: Annotated[str | None, typer.Option("--kind", help="门户网站、部门网站或子站")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="主办单位（名称或编号）")] = None,
    scope: Annotated[list[str] | None, typer.Option("--scope", help="额外属于本站的主机或网址前缀，可多次给出")] = None,
    setting: Annotated[list[str] | None, typer.Option("--setting", help="站点设置 键=值（值按 YAML 解析），可多次给出")] = None,
    settings_file: Annotated[Path | None, typer.Option("--settings-file", help="站点设置文件（YAML/JSON）")] = None,
    db: DbOption = None,
) -> None:
    """登记一个站点。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        site = repo.add_site(
            _db(db), url, name, kind=kind, owner=owner, scope=scope or [], settings=_parse_settings(setting, settings_file)
        )
        _print(f"已登记站点 #{site.id}：{site.name or site.url}（{site.kind_label}）")

    _run(body)


@site_app.command("list")
def site_list(db: DbOption = None) -> None:
    """列出已登记的站点（含扫描时自动登记的）。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        table = Table(title="站点")
        for heading in ("编号", "名称", "网址", "类型", "主办单位", "责任规则"):
            table.add_column(heading)
        for site in repo.list_sites(_db(db)):
            table.add_row(
                str(site.id), Text(site.name), Text(site.url), site.kind_label, Text(site.owner_name or ""), str(len(site.rules))
            )
        if not table.rows:
            table.add_row("—", "尚未登记站点（site add 网址）", "", "", "", "")
        _print(table)

    _run(body)


@site_app.command("show")
def site_show(site: Annotated[str, typer.Argument(help="站点（编号、名称或网址）")], db: DbOption = None) -> None:
    """显示一个站点的登记信息、设置、责任规则和问题概况。"""

    def body() -> None:
        from collections import Counter

        from govinspect.store import problems_repo as prepo
        from govinspect.store import registry_repo as repo
        from govinspect.workflow.clock import show
        from govinspect.workflow.states import label

        database = _db(db)
        found = repo.require_site(database, site)
        info = Table(title=f"站点 #{found.id}", show_header=False)
        info.add_column("项目")
        info.add_column("内容")
        info.add_row("名称", Text(found.name or "—"))
        info.add_row("网址", Text(found.url))
        info.add_row("类型", found.kind_label)
        info.add_row("主办单位", Text(found.owner_name or "—"))
        info.add_row("范围", Text("\n".join(found.scope) or "—"))
        info.add_row("设置", Text(yaml.safe_dump(found.settings, allow_unicode=True).strip() if found.settings else "—"))
        latest = prepo.latest_scan(database, found.id)
        info.add_row("最近扫描", f"#{latest.id}（{show(latest.monitoring_point)}）" if latest else "—")
        counts = Counter(p.state for p in prepo.list_problems(database, site_id=found.id))
        info.add_row("问题", "，".join(f"{label(s)} {n}" for s, n in sorted(counts.items())) or "—")
        _print(info)
        if found.rules:
            rules = Table(title="责任规则（栏目规则优先，其次最长网址前缀，最后为主办单位）")
            for heading in ("方式", "匹配内容", "责任单位"):
                rules.add_column(heading)
            for rule in found.rules:
                rules.add_row(rule.match_label, Text(rule.pattern), Text(rule.unit_name))
            _print(rules)

    _run(body)


@site_app.command("set")
def site_set(
    site: Annotated[str, typer.Argument(help="站点（编号、名称或网址）")],
    name: Annotated[str | None, typer.Option("--name", help="站点名称")] = None,
    url: Annotated[str | None, typer.Option("--url", help="新的首页地址")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="门户网站、部门网站或子站")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="主办单位（名称或编号）")] = None,
    scope: Annotated[list[str] | None, typer.Option("--scope", help="范围（替换原有），可多次给出")] = None,
    setting: Annotated[list[str] | None, typer.Option("--setting", help="设置 键=值（值按 YAML 解析），可多次给出")] = None,
    unset: Annotated[list[str] | None, typer.Option("--unset", help="删除某项设置，可多次给出")] = None,
    settings_file: Annotated[Path | None, typer.Option("--settings-file", help="用此文件替换全部设置")] = None,
    db: DbOption = None,
) -> None:
    """修改站点的名称、类型、主办单位、范围或设置。"""

    def body() -> None:
        from govinspect.registry.model import RegistryError
        from govinspect.store import registry_repo as repo

        database = _db(db)
        current = repo.require_site(database, site)
        settings: dict[str, Any] | None = None
        if settings_file is not None or setting or unset:
            base = {} if settings_file is not None else dict(current.settings)
            settings = {**base, **(_parse_settings(setting, settings_file) or {})}
            for key in unset or []:
                if key not in settings:
                    raise RegistryError(f"站点没有设置项 {key}")
                settings.pop(key)
        changes: dict[str, Any] = {}
        if kind is not None:
            changes["kind"] = kind
        if owner is not None:
            changes["owner"] = owner or None
        updated = repo.update_site(database, current.id, name=name, url=url, scope=scope, settings=settings, **changes)
        _print(f"已更新站点 #{updated.id}：{updated.name or updated.url}（{updated.kind_label}）")

    _run(body)


@site_app.command("rule-add")
def site_rule_add(
    site: Annotated[str, typer.Argument(help="站点（编号、名称或网址）")],
    unit: Annotated[str, typer.Option("--unit", help="责任单位（名称或编号）")],
    prefix: Annotated[str | None, typer.Option("--prefix", help="网址前缀（/bm/jyj/ 或完整网址）")] = None,
    column: Annotated[str | None, typer.Option("--column", help="栏目名称")] = None,
    db: DbOption = None,
) -> None:
    """添加责任规则：某网址前缀或某栏目的问题由指定单位负责。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        if bool(prefix) == bool(column):
            raise UserError("请给出 --prefix 或 --column 之一")
        match, pattern = ("prefix", prefix) if prefix else ("column", column)
        updated = repo.add_rule(_db(db), site, match, str(pattern), unit)
        _print(f"站点 #{updated.id} 现有责任规则 {len(updated.rules)} 条")

    _run(body)


@site_app.command("rule-remove")
def site_rule_remove(
    site: Annotated[str, typer.Argument(help="站点（编号、名称或网址）")],
    pattern: Annotated[str, typer.Argument(help="要删除的规则的匹配内容")],
    db: DbOption = None,
) -> None:
    """删除一条责任规则。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo

        updated = repo.remove_rule(_db(db), site, pattern)
        _print(f"已删除；站点 #{updated.id} 现有责任规则 {len(updated.rules)} 条")

    _run(body)


@site_app.command("import")
def site_import(file: Annotated[Path, typer.Argument(help="YAML、JSON 或 Excel 文件")], db: DbOption = None) -> None:
    """从文件导入单位和站点（已有的按名称/网址更新）。"""

    def body() -> None:
        from govinspect.registry import io

        _print("导入完成。" + io.import_file(_db(db), file).describe())

    _run(body)


@site_app.command("export")
def site_export(file: Annotated[Path, typer.Argument(help="输出文件：.yaml、.json 或 .xlsx")], db: DbOption = None) -> None:
    """把单位、站点和责任规则导出为 YAML、JSON 或 Excel。"""

    def body() -> None:
        from govinspect.registry import io

        count = io.export_file(_db(db), file)
        _print(f"已导出 {count} 个单位和站点到 {file}")

    _run(body)


# --- problems ------------------------------------------------------------------------------


def _problem_json(p: Any, now: Any) -> dict[str, Any]:
    from govinspect.workflow.clock import china
    from govinspect.workflow.states import label

    return {
        "id": p.id,
        "site": p.site_url,
        "code": p.code,
        "severity": p.severity,
        "page": p.page,
        "target": p.target,
        "evidence": p.evidence,
        "suggestion": p.suggestion,
        "detail": p.detail,
        "unit": p.unit_name,
        "state": label(p.state),
        "reason": p.reason,
        "deadline": china(p.deadline).isoformat(timespec="seconds") if p.deadline else None,
        "overdue": p.overdue(now),
        "reopen_count": p.reopen_count,
        "first_seen_at": china(p.first_seen_at).isoformat(timespec="seconds"),
        "first_scan": p.first_scan_id,
        "last_seen_scan": p.last_seen_scan_id,
    }


@problems_app.command("list")
def problems_list(
    site: Annotated[str | None, typer.Option("--site", help="站点（编号、名称或网址）")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="责任单位（名称或编号）")] = None,
    state: Annotated[list[str] | None, typer.Option("--state", help="状态，如 待整改、待复核，可多次给出")] = None,
    code: Annotated[str | None, typer.Option("--code", help="问题代码，如 broken_link")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看已超期的")] = False,
    limit: Annotated[int, typer.Option("--limit", help="最多显示条数（0 为不限）")] = 100,
    fmt: FormatOption = "text",
    db: DbOption = None,
) -> None:
    """列出问题，可按站点、单位、状态、代码和超期筛选。"""

    def body() -> None:
        from govinspect.findings import code_name, code_table
        from govinspect.store import problems_repo as prepo
        from govinspect.store import registry_repo as repo
        from govinspect.workflow.clock import show, utcnow
        from govinspect.workflow.states import label, parse_state

        _check_format(fmt)
        if code and code not in code_table():
            raise UserError(f"未知的问题代码：{code}")
        database = _db(db)
        now = utcnow()
        items = prepo.list_problems(
            database,
            site_id=repo.require_site(database, site).id if site else None,
            unit_id=repo.require_unit(database, unit).id if unit else None,
            states=[parse_state(s) for s in state] if state else None,
            code=code,
            overdue_at=now if overdue else None,
            limit=limit or None,
        )
        if fmt == "json":
            _json_out([_problem_json(p, now) for p in items])
            return
        table = Table(title="问题清单")
        for heading in ("编号", "问题类型", "页面", "原文", "责任单位", "状态", "整改期限"):
            table.add_column(heading)
        for p in items:
            due = show(p.deadline) + (" [red]超期[/]" if p.overdue(now) else "")
            table.add_row(
                str(p.id), code_name(p.code), Text(p.page), Text(p.evidence or ""), Text(p.unit_name or "—"),
                label(p.state) + (f"（重开 {p.reopen_count}）" if p.reopen_count else ""), due,
            )
        if not items:
            table.add_row("—", "没有符合条件的问题", "", "", "", "", "")
        _print(table)

    _run(body)


@problems_app.command("show")
def problems_show(problem_id: Annotated[int, typer.Argument(help="问题编号")], db: DbOption = None) -> None:
    """显示一个问题的详情和全部处理记录。"""

    def body() -> None:
        from govinspect.findings import code_name
        from govinspect.store import problems_repo as prepo
        from govinspect.workflow.clock import show, utcnow
        from govinspect.workflow.states import label

        database = _db(db)
        p = prepo.get_problem(database, problem_id)
        if p is None:
            raise UserError(f"没有编号为 {problem_id} 的问题")
        info = Table(title=f"问题 #{p.id}", show_header=False)
        info.add_column("项目")
        info.add_column("内容")
        rows = [
            ("问题类型", f"{code_name(p.code)}（{p.code}）"), ("站点", p.site_url), ("页面", p.page),
            ("目标", p.target or "—"), ("原文", p.evidence or "—"), ("建议", p.suggestion or "—"),
            ("责任单位", p.unit_name or "—"), ("状态", label(p.state)), ("理由", p.reason or "—"),
            ("整改期限", show(p.deadline) + ("（已超期）" if p.overdue(utcnow()) else "")),
            ("首次发现", f"{show(p.first_seen_at)}，扫描 #{p.first_scan_id}"), ("最近发现", f"扫描 #{p.last_seen_scan_id}"),
            ("重新打开次数", str(p.reopen_count)),
        ]
        for key, value in rows:
            info.add_row(key, Text(value))
        _print(info)
        trail = Table(title="处理记录")
        for heading in ("时间", "操作人", "动作", "原状态", "新状态", "理由", "扫描"):
            trail.add_column(heading)
        actions = {"open": "发现", "state": "改状态", "assign": "分配", "auto_review": "自动转复核",
                   "verify_close": "复核销号", "reappear": "复核未通过", "reopen": "重新打开"}
        for e in prepo.events_of(database, p.id):
            reason = e.reason or ""
            if e.action == "assign":
                reason = f"{e.detail.get('from_unit') or '—'} → {e.detail.get('to_unit')}；{reason}"
            trail.add_row(
                show(e.at), Text(e.actor), actions.get(e.action, e.action), label(e.from_state) if e.from_state else "—",
                label(e.to_state) if e.to_state else "—", Text(reason), f"#{e.scan_id}" if e.scan_id else "",
            )
        _print(trail)

    _run(body)


@problems_app.command("assign")
def problems_assign(
    problem_ids: Annotated[list[int], typer.Argument(help="问题编号，可给多个")],
    unit: Annotated[str, typer.Option("--unit", help="责任单位（名称或编号）")],
    reason: Annotated[str | None, typer.Option("--reason", help="说明")] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """把问题交给某个单位整改。"""

    def body() -> None:
        from govinspect.workflow import actions

        changed = actions.assign(_db(db), problem_ids, unit, actor=_actor(by), reason=reason)
        _print(f"已分配 {changed} 个问题（其余原本就属于该单位）" if changed < len(problem_ids) else f"已分配 {changed} 个问题")

    _run(body)


@problems_app.command("update")
def problems_update(
    problem_id: Annotated[int, typer.Argument(help="问题编号")],
    state: Annotated[str, typer.Argument(help="新状态：待整改、整改中、待复核、已销号、误报、不予整改")],
    reason: Annotated[str | None, typer.Option("--reason", help="理由（误报、不予整改必填）")] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """改变问题的状态（记入处理记录）。"""

    def body() -> None:
        from govinspect.workflow import actions
        from govinspect.workflow.states import parse_state

        problem = actions.change_state(_db(db), problem_id, parse_state(state), actor=_actor(by), reason=reason)
        _print(actions.describe_state_change(problem))

    _run(body)


@problems_app.command("rates")
def problems_rates(
    site: Annotated[str | None, typer.Option("--site", help="只统计此站点")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="季度，如 2026Q1（默认本季度）")] = None,
    start: Annotated[str | None, typer.Option("--from", help="起始日期（含），如 2026-01-01")] = None,
    end: Annotated[str | None, typer.Option("--to", help="截止日期（含），如 2026-03-31")] = None,
    fmt: FormatOption = "text",
    db: DbOption = None,
) -> None:
    """按责任单位统计问题处理完成率 = 已销号 ÷（全部 − 误报）。"""

    def body() -> None:
        from datetime import timedelta

        from govinspect.store import registry_repo as repo
        from govinspect.workflow.clock import china, utcnow
        from govinspect.workflow.periods import period_bounds
        from govinspect.workflow.rates import rates_by_unit

        _check_format(fmt)
        database = _db(db)
        first, stop = period_bounds(start, end, quarter, utcnow())
        site_id = repo.require_site(database, site).id if site else None
        rows, overall = rates_by_unit(database, first, stop, site_id=site_id)
        period = f"{china(first):%Y-%m-%d} 至 {china(stop - timedelta(seconds=1)):%Y-%m-%d}"

        def row_json(r: Any) -> dict[str, Any]:
            return {
                "unit": r.unit, "total": r.total, "false_alarm": r.false_alarm, "closed": r.closed,
                "wontfix": r.wontfix, "pending": r.pending, "overdue": r.overdue,
                "rate": round(r.rate, 4) if r.rate is not None else None,
            }

        if fmt == "json":
            _json_out({"period": period, "units": [row_json(r) for r in rows], "total": row_json(overall)})
            return
        table = Table(title=f"问题处理完成率（{period} 发现的问题，按期末状态）")
        for heading in ("责任单位", "问题数", "误报", "已销号", "不予整改", "未完成", "其中超期", "完成率"):
            table.add_column(heading, justify="left" if heading == "责任单位" else "right")
        for r in [*rows, overall]:
            rate = f"{r.rate:.1%}" if r.rate is not None else "—"
            table.add_row(
                Text(r.unit), str(r.total), str(r.false_alarm), str(r.closed), str(r.wontfix), str(r.pending),
                str(r.overdue), rate,
            )
        _print(table)

    _run(body)


@problems_app.command("confirm")
def problems_confirm(
    problem_id: Annotated[int, typer.Argument(help="候选问题的编号（见 score 输出）")],
    reject: Annotated[bool, typer.Option("--reject", help="确认不构成否决项")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="判断依据")] = None,
    profile: Annotated[Path | None, typer.Option("--profile", help="指标方案文件（默认国家2019版）")] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """人工确认（或排除）一个待确认的否决候选问题，如严重表述错误、暗链。"""

    def body() -> None:
        from govinspect.findings import code_name
        from govinspect.scoring.profile import site_profile
        from govinspect.store import problems_repo
        from govinspect.store import registry_repo as repo
        from govinspect.workflow import actions

        database = _db(db)
        found = problems_repo.get_problem(database, problem_id)
        site = repo.get_site(database, found.site_id) if found is not None else None
        chosen = site_profile(site.settings if site is not None else {}, profile)
        problem, item = actions.judge_problem(
            database, problem_id, chosen, confirmed=not reject, actor=_actor(by), reason=reason
        )
        verdict = "已排除" if reject else "已确认"
        _print(f"问题 #{problem.id}（{code_name(problem.code)}）{verdict}为单项否决指标 {item} 的问题")

    _run(body)


@problems_app.command("judge")
def problems_judge(
    site: Annotated[str, typer.Argument(help="站点（编号、名称或网址）")],
    item: Annotated[str, typer.Argument(help="项目编号，如 V5.2、V6.1、D2、B1")],
    reject: Annotated[bool, typer.Option("--reject", help="判断为不存在该问题（或撤销加分）")] = False,
    points: Annotated[float | None, typer.Option("--points", help="扣分或加分的分值（加分项必填）")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="判断依据")] = None,
    profile: Annotated[Path | None, typer.Option("--profile", help="指标方案文件（默认国家2019版）")] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """记录对整个项目的人工判断：无自动检测的否决项、人工扣分项、加分项。"""

    def body() -> None:
        from govinspect.scoring.profile import site_profile
        from govinspect.store import registry_repo as repo
        from govinspect.workflow import actions

        database = _db(db)
        found = repo.require_site(database, site)
        actions.judge_item(
            database, found.id, item, site_profile(found.settings, profile),
            confirmed=not reject, points=points, actor=_actor(by), reason=reason,
        )
        _print(f"已记录对站点 #{found.id} 项目 {item} 的判断：{'不存在/撤销' if reject else '存在'}")

    _run(body)


@ignore_app.command("add")
def ignore_add(
    reason: Annotated[str, typer.Option("--reason", help="为什么忽略（必填）")],
    site: Annotated[str | None, typer.Option("--site", help="只用于此站点（默认所有站点）")] = None,
    code: Annotated[str | None, typer.Option("--code", help="问题代码（可用 * 通配）")] = None,
    url: Annotated[str | None, typer.Option("--url", help="页面或目标网址（可用 * 通配）")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="原文（可用 * 通配）")] = None,
    apply_existing: Annotated[bool, typer.Option("--apply-existing", help="同时把已有的匹配问题记为误报")] = False,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """添加忽略规则：以后发现的匹配问题自动记为误报。"""

    def body() -> None:
        from govinspect.store import registry_repo as repo
        from govinspect.workflow import actions

        database = _db(db)
        site_id = repo.require_site(database, site).id if site else None
        rule, changed = actions.add_ignore_rule(
            database, site_id=site_id, code=code, url=url, evidence=evidence, reason=reason, actor=_actor(by),
            apply_existing=apply_existing,
        )
        extra = f"；已把 {changed} 个现有问题记为误报" if apply_existing else ""
        _print(f"已添加忽略规则 #{rule.id}（{rule.describe()}）{extra}")

    _run(body)


@ignore_app.command("list")
def ignore_list(
    site: Annotated[str | None, typer.Option("--site", help="只看适用于此站点的")] = None, db: DbOption = None
) -> None:
    """列出忽略规则。"""

    def body() -> None:
        from govinspect.store import problems_repo as prepo
        from govinspect.store import registry_repo as repo
        from govinspect.workflow.clock import show

        database = _db(db)
        site_id = repo.require_site(database, site).id if site else None
        table = Table(title="忽略规则")
        for heading in ("编号", "站点", "代码", "网址", "原文", "理由", "添加人", "添加时间", "状态"):
            table.add_column(heading)
        for r in prepo.list_ignore_rules(database, site_id):
            table.add_row(
                str(r.id), str(r.site_id) if r.site_id else "全部", Text(r.code or "*"), Text(r.url or "*"),
                Text(r.evidence or "*"), Text(r.reason), Text(r.created_by), show(r.created_at), "有效" if r.active else "已停用",
            )
        if not table.rows:
            table.add_row("—", "", "", "", "", "没有忽略规则", "", "", "")
        _print(table)

    _run(body)


@ignore_app.command("remove")
def ignore_remove(rule_id: Annotated[int, typer.Argument(help="规则编号")], db: DbOption = None) -> None:
    """停用一条忽略规则（已记为误报的问题不变）。"""

    def body() -> None:
        from govinspect.store import problems_repo as prepo

        if not prepo.deactivate_ignore_rule(_db(db), rule_id):
            raise UserError(f"没有有效的忽略规则 #{rule_id}")
        _print(f"已停用忽略规则 #{rule_id}")

    _run(body)


# --- score and sync ------------------------------------------------------------------------


def score_command(
    site: Annotated[str, typer.Argument(help="站点（编号、名称或网址）")],
    at: Annotated[str | None, typer.Option("--at", help="监测时间点，如 2026-03-31（默认现在）")] = None,
    fmt: FormatOption = "text",
    profile: Annotated[Path | None, typer.Option("--profile", help="本地指标方案 YAML（默认国家2019版）")] = None,
    db: DbOption = None,
) -> None:
    """按检查指标给站点打分：单项否决、扣分、加分和合格结论。"""

    def body() -> None:
        from govinspect.scoring.render import render_text, to_json
        from govinspect.scoring.service import score_site
        from govinspect.workflow.periods import parse_point

        _check_format(fmt)
        result = score_site(_db(db), site, at=parse_point(at) if at else None, profile=profile)
        if fmt == "json":
            _json_out(to_json(result))
        else:
            _print(render_text(result))

    _run(body)


def sync_command(
    scan_id: Annotated[int | None, typer.Argument(help="扫描编号（省略则同步所有尚未同步的扫描）")] = None,
    db: DbOption = None,
) -> None:
    """把扫描结果同步为整改问题：新问题立项，已整改的转待复核，复核通过的销号。"""

    def body() -> None:
        from govinspect.workflow.sync import sync_pending, sync_problems

        database = _db(db)
        if scan_id is None:
            reports = sync_pending(database)
            for report in reports:
                _print(report.describe())
            if not reports:
                _print("没有需要同步的扫描")
            return
        info = database.scan(scan_id)
        if info is None:
            raise UserError(f"没有编号为 {scan_id} 的扫描")
        _print(sync_problems(database, info.site_id, scan_id).describe())

    _run(body)

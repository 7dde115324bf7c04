"""`govinspect serve` and `govinspect user …` (mounted by cli.py)."""

from __future__ import annotations

import os
import sys
from importlib import import_module
from types import ModuleType
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from govinspect.store.users_repo import ROLE_LABELS, AccountError
from govinspect.workflow.clock import show, utcnow

DbOption = Annotated[str | None, typer.Option("--db", help="数据库地址（SQLAlchemy URL 或 SQLite 文件路径）", show_default=False)]
user_app = typer.Typer(help="控制台账号：添加、列出、生成 API 令牌", no_args_is_help=True)
_out = Console()
_ROLE_HELP = "角色：" + "、".join(f"{k}（{v}）" for k, v in ROLE_LABELS.items())


def _cli() -> ModuleType:
    return import_module("govinspect.cli")  # imported late: cli.py imports this module


def _run(body: Any) -> None:
    cli = _cli()

    def guarded_body() -> None:
        try:
            body()
        except AccountError as exc:
            raise cli.UserError(str(exc)) from exc

    cli.guarded(guarded_body)


def _db(db: str | None) -> Any:
    cli = _cli()
    return cli.open_db(cli.load_settings(db))


def _min_length() -> int:
    from govinspect.web.config import console_config

    return console_config().accounts.min_password_length


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return str(typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码"))


def serve_command(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option(help="工作进程数（多核机器可设为核数）", min=1, max=64)] = 1,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="会话 Cookie 只经 HTTPS 发送（在 HTTPS 反向代理之后使用）")] = False,
) -> None:
    """启动网页控制台（总览、站点、问题、报告、设置和 /api/ 接口）。"""

    def body() -> None:
        import uvicorn

        from govinspect.store import users_repo

        cli = _cli()
        settings = cli.load_settings(db)
        database = cli.open_db(settings)  # migrates the database before any worker starts
        if users_repo.count_users(database) == 0:
            _out.print("[yellow]注意：[/]还没有任何账号，请先运行 govinspect user add 账号 --role admin", highlight=False)
        database.close()
        os.environ["GOVINSPECT_WEB_DB"] = settings.db
        os.environ["GOVINSPECT_WEB_SECURE_COOKIES"] = "1" if secure_cookies else "0"
        _out.print(f"控制台：http://{host}:{port}/ （数据库 {settings.db}）", highlight=False)
        uvicorn.run(
            "govinspect.web.server:app_from_env", factory=True, host=host, port=port, workers=workers,
            log_level="warning", access_log=False, proxy_headers=False,
        )

    _run(body)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="账号名")],
    role: Annotated[str, typer.Option("--role", help=_ROLE_HELP)] = "readonly",
    unit: Annotated[str | None, typer.Option("--unit", help="所属单位（名称或编号；单位用户必填）")] = None,
    display_name: Annotated[str, typer.Option("--name", help="姓名")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（供脚本使用）")] = False,
    db: DbOption = None,
) -> None:
    """添加控制台账号（第一个管理员：govinspect user add admin --role admin）。"""

    def body() -> None:
        from govinspect.store import users_repo

        database = _db(db)
        password = _read_password(password_stdin)
        user = users_repo.add_user(
            database, username, password, role, unit=unit, display_name=display_name,
            min_password_length=_min_length(), now=utcnow(),
        )
        where = f"，单位：{user.unit_name}" if user.unit_name else ""
        _out.print(f"已添加账号 {user.username}（{user.role_label}{where}）", highlight=False)

    _run(body)


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """列出控制台账号。"""

    def body() -> None:
        from govinspect.store import users_repo

        table = Table(title="控制台账号")
        for heading in ("编号", "账号", "姓名", "角色", "单位", "状态", "最近登录"):
            table.add_column(heading)
        for u in users_repo.list_users(_db(db)):
            table.add_row(str(u.id), u.username, u.display_name, u.role_label, u.unit_name or "—",
                          "启用" if u.active else "停用", show(u.last_login_at))
        _out.print(table)

    _run(body)


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(help="账号名")],
    name: Annotated[str, typer.Option("--name", help="令牌用途")] = "API",
    db: DbOption = None,
) -> None:
    """为账号生成 API 令牌（只显示这一次）。"""

    def body() -> None:
        from govinspect.store import users_repo

        database = _db(db)
        user = users_repo.require_user(database, username)
        value, info = users_repo.create_token(database, user.id, name, now=utcnow())
        sys.stdout.write(value + "\n")
        _out.print(f"[dim]令牌 #{info.id}（{user.username}，{info.name}）只显示这一次；"
                   f"调用接口时加请求头 Authorization: Bearer 令牌[/]", highlight=False)

    _run(body)


@user_app.command("set")
def user_set(
    username: Annotated[str, typer.Argument(help="账号名")],
    role: Annotated[str | None, typer.Option("--role", help=_ROLE_HELP)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="所属单位")] = None,
    active: Annotated[bool | None, typer.Option("--active/--disabled", help="启用或停用")] = None,
    db: DbOption = None,
) -> None:
    """修改账号的角色、单位或状态。"""

    def body() -> None:
        from govinspect.store import users_repo

        database = _db(db)
        user = users_repo.require_user(database, username)
        updated = users_repo.update_user(database, user.id, role=role, unit=unit, active=active)
        _out.print(f"账号 {updated.username}：{updated.role_label}，{'启用' if updated.active else '停用'}", highlight=False)

    _run(body)


@user_app.command("password")
def user_password(
    username: Annotated[str, typer.Argument(help="账号名")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
    db: DbOption = None,
) -> None:
    """重设账号密码（该账号的登录会话随之失效）。"""

    def body() -> None:
        from govinspect.store import users_repo

        database = _db(db)
        user = users_repo.require_user(database, username)
        users_repo.set_password(database, user.id, _read_password(password_stdin), min_password_length=_min_length())
        _out.print(f"已重设 {user.username} 的密码", highlight=False)

    _run(body)

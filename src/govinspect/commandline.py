"""What every command group shares: consoles, the --db option, settings, and the guard that turns
a user's mistake into one clear Chinese line (exit code 2) instead of a traceback."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from typing import Annotated, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from govinspect.settings import Settings, db_url_from
from govinspect.store.db import Database, StoreError, open_database

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

T = TypeVar("T")
DbOption = Annotated[str | None, typer.Option("--db", help="数据库地址（SQLAlchemy URL 或 SQLite 文件路径）", show_default=False)]


class UserError(ValueError):
    """A mistake in what the user asked for: shown as one line, exit code 2."""


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[bold red]错误：[/]{message}", highlight=False)
    raise typer.Exit(code)


def guarded(fn: Callable[[], T]) -> T:
    """Run a command body, turning every foreseeable user error into one clear line.

    The project's own error types all derive from ValueError (bad input) or are StoreError.
    """
    try:
        return fn()
    except typer.Exit:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        fail(f"设置无效：{where}：{first.get('msg')}")
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.strerror or exc}：{exc.filename or ''}")
    except KeyboardInterrupt:
        fail("已中断。已完成的部分已保存，可用 --resume 继续。", 130)


def load_settings(db: str | None = None) -> Settings:
    try:
        settings = Settings()
    except tomllib.TOMLDecodeError as exc:
        path = os.environ.get("GOVINSPECT_CONFIG", "govinspect.toml")
        raise UserError(f"配置文件 {path} 格式有误（TOML）：{exc}") from exc
    if db:
        settings = settings.model_copy(update={"db": db_url_from(db)})
    return settings


def open_db(settings: Settings) -> Database:
    return open_database(db_url_from(settings.db))

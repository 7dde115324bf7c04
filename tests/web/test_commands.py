"""`govinspect user …`, the 0004 migration and the console's settings file."""

from __future__ import annotations

from importlib import resources

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from govinspect.store import open_database, users_repo
from govinspect.web.commands import user_app
from govinspect.web.config import ConsoleConfigError, console_config, parse_config

WEB_TABLES = {"web_users", "web_api_tokens", "web_sessions", "web_login_attempts", "web_scan_jobs", "web_score_cache"}


def test_user_add_list_token(sqlite_url: str) -> None:
    runner = CliRunner()
    added = runner.invoke(user_app, ["add", "boss", "--role", "管理员", "--name", "王主任", "--password-stdin",
                                     "--db", sqlite_url], input="boss-pass-1\n")
    assert added.exit_code == 0, added.output
    assert "已添加账号 boss（管理员）" in added.output
    listed = runner.invoke(user_app, ["list", "--db", sqlite_url])
    assert "boss" in listed.output and "王主任" in listed.output
    token = runner.invoke(user_app, ["token", "boss", "--name", "脚本", "--db", sqlite_url])
    value = token.output.splitlines()[0]
    assert value.startswith("gi_")
    db = open_database(sqlite_url)
    try:
        from datetime import UTC, datetime

        user = users_repo.user_for_token(db, value, now=datetime.now(UTC))
        assert user is not None and user.username == "boss"
        assert users_repo.authenticate(db, "boss", "boss-pass-1", now=datetime.now(UTC)) is not None
    finally:
        db.close()


@pytest.mark.parametrize(("args", "message"), [
    (["add", "u1", "--role", "unit", "--password-stdin"], "单位用户必须指定所属单位"),
    (["add", "u2", "--role", "boss", "--password-stdin"], "角色 'boss' 无法识别"),
    (["add", "u3", "--role", "unit", "--unit", "不存在的单位", "--password-stdin"], "没有找到单位"),
    (["token", "nobody"], "没有找到账号：nobody"),
])
def test_user_errors_are_one_chinese_line(sqlite_url: str, args: list[str], message: str) -> None:
    result = CliRunner().invoke(user_app, [*args, "--db", sqlite_url], input="long-enough-1\n")
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "") and "Traceback" not in result.output


def test_short_password_is_refused(sqlite_url: str) -> None:
    result = CliRunner().invoke(user_app, ["add", "x", "--password-stdin", "--db", sqlite_url], input="short\n")
    assert result.exit_code == 2 and "密码至少需要" in result.output.replace("\n", "")


def _alembic(url: str, action: str, revision: str) -> None:
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.upgrade if action == "up" else command.downgrade)(config, revision)
    engine.dispose()


def test_migration_0004_upgrades_and_downgrades(sqlite_url: str) -> None:
    _alembic(sqlite_url, "up", "0003")
    assert not WEB_TABLES & set(inspect(create_engine(sqlite_url)).get_table_names())
    _alembic(sqlite_url, "up", "0004")
    assert set(inspect(create_engine(sqlite_url)).get_table_names()) >= WEB_TABLES
    _alembic(sqlite_url, "down", "0003")
    assert not WEB_TABLES & set(inspect(create_engine(sqlite_url)).get_table_names())


@pytest.mark.postgres
def test_accounts_on_postgres(postgres_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    db = open_database(postgres_url)
    try:
        now = datetime.now(UTC)
        user = users_repo.add_user(db, "pg", "pg-pass-123", "supervisor", min_password_length=8, now=now)
        secret, csrf = users_repo.create_session(db, user.id, now=now, lifetime=timedelta(hours=1))
        info = users_repo.session_for(db, secret, now=now, idle=timedelta(minutes=5))
        assert info is not None and info.csrf_token == csrf and info.user.role == "supervisor"
    finally:
        db.close()


def test_console_config_ships_valid() -> None:
    config = console_config()
    assert config.login_throttle.max_failures >= 1 and config.pages.page_size <= config.pages.max_page_size


def _shipped() -> str:
    return resources.files("govinspect.data").joinpath("web/console.yaml").read_text("utf-8")


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: "[1, 2]", "应为“键: 值”的表"),
    (lambda t: t.replace("max_failures: 5", "max_failures: 0"), "login_throttle.max_failures"),
    (lambda t: t.replace("page_size: 50", "page_size: 50\n  pages_per_day: 3"), "pages.pages_per_day"),
    (lambda t: "{{{", "不是有效的 YAML"),
])
def test_bad_console_config_names_the_key(change, message: str) -> None:
    with pytest.raises(ConsoleConfigError) as err:
        parse_config(change(_shipped()), "console.yaml")
    assert message in str(err.value)


def test_benchmark_generator_makes_a_consistent_small_database(tmp_path) -> None:
    """gen_web_db writes what the console reads (a small run; the benchmark makes 50 sites)."""
    from datetime import UTC, datetime

    from fastapi.testclient import TestClient

    from benchmarks import gen_web_db
    from govinspect.web.app import create_app
    from tests.web.conftest import login

    path = tmp_path / "bench.db"
    summary = gen_web_db.generate(path, gen_web_db.Plan(sites=3, pages=600, problems=300, units=4,
                                                        now=datetime(2026, 6, 20, 2, tzinfo=UTC)))
    assert (summary["sites"], summary["urls"], summary["problems"]) == (3, 600, 300)
    db = open_database(f"sqlite:///{path}")
    try:
        with TestClient(create_app(db, warm_scores=False)) as c:
            login(c, gen_web_db.ADMIN, gen_web_db.PASSWORD)
            overview = c.get("/")
            assert overview.status_code == 200 and "第1号政府网站" in overview.text
            assert c.get("/problems?state=all").text.count('name="ids"') == 50
    finally:
        db.close()

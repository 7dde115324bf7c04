"""`govinspect media …` through Typer's runner: the everyday commands and their error lines."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from govinspect.newmedia.commands import media_app
from govinspect.store import open_database
from govinspect.store.registry_repo import add_unit
from tests.newmedia.helpers import write_xlsx

runner = CliRunner()


def _run(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(media_app, [*args, "--db", db_url], env={"COLUMNS": "240"})
    return result.exit_code, result.output


def test_account_lifecycle_posts_check_and_stats(sqlite_url, tmp_path):
    db = open_database(sqlite_url)
    add_unit(db, "某县人民政府办公室")
    code, out = _run(sqlite_url, "account", "add", "微信公众号", "某县发布", "--unit", "某县人民政府办公室", "--opened", "2020-01-01")
    assert code == 0 and "已登记账号 #1" in out
    code, out = _run(sqlite_url, "account", "add", "公众号", "某县政务", "--unit", "某县人民政府办公室")
    assert code == 0
    code, out = _run(sqlite_url, "account", "list")
    assert code == 0 and "某县发布" in out and "一个单位原则上在同一平台只开设一个账号" in out
    posts = tmp_path / "posts.csv"
    posts.write_text("发布时间,标题\n2026-03-01 09:00,我县召开会议\n昨天,坏行\n", encoding="utf-8")
    code, out = _run(sqlite_url, "posts", "import", str(posts), "--account", "某县发布")
    assert code == 1 and "新增 1" in out
    code, out = _run(sqlite_url, "posts", "import", str(posts), "--account", "某县发布")
    assert "新增 0" in out and "重复 1" in out
    code, out = _run(sqlite_url, "important", "add", "重要通知的标题文字", "--issued", "2026-03-01", "--deadline", "2026-03-05")
    assert code == 0 and "已登记重要信息 #1" in out
    report = tmp_path / "check.json"
    code, out = _run(sqlite_url, "check", "--at", "2026-03-31", "--offline", "--out", str(report))
    assert code == 0 and "新媒体账号长期未更新" in out and "未转载" in out
    assert {f["code"] for f in json.loads(report.read_text("utf-8"))["findings"]} == {"account_stale"}
    code, out = _run(sqlite_url, "score", "--at", "2026-03-31T23:59:59")
    assert code == 0 and "不合格" in out and "内容不更新" in out
    code, out = _run(sqlite_url, "account", "set-state", "某县政务", "已注销", "--date", "2026-03-20")
    assert code == 0 and "已注销" in out
    stats_json = tmp_path / "q.json"
    code, out = _run(sqlite_url, "stats", "--quarter", "2026Q1", "--json", str(stats_json))
    assert code == 0 and "本季度注销、关停新媒体账号1个" in out
    assert json.loads(stats_json.read_text("utf-8"))["quarter"] == "2026年第一季度"
    code, out = _run(sqlite_url, "account", "show", "某县发布")
    assert code == 0 and "备案编号" in out
    db.close()


def test_account_import_export_and_tokens(sqlite_url, tmp_path):
    sheet = write_xlsx(tmp_path / "a.xlsx", [["平台", "账号名称", "主办单位"], ["微博", "某县发布", "某县政府"],
                                             ["推特", "x", "某县政府"]])
    code, out = _run(sqlite_url, "account", "import", str(sheet), "--create-units")
    assert code == 1 and "新增账号 1" in out and "推特" in out
    exported = tmp_path / "out.xlsx"
    code, out = _run(sqlite_url, "account", "export", str(exported))
    assert code == 0 and exported.is_file()
    code, out = _run(sqlite_url, "token", "add", "融媒体中心", "--account", "微博:某县发布")
    assert code == 0 and "Bearer" in out
    code, out = _run(sqlite_url, "token", "list")
    assert "融媒体中心" in out and "有效" in out
    code, out = _run(sqlite_url, "token", "revoke", "融媒体中心")
    assert code == 0


def test_user_errors_are_one_line_with_exit_code_2(sqlite_url, tmp_path):
    code, out = _run(sqlite_url, "account", "add", "推特", "某县发布")
    assert code == 2 and "平台“推特”无法识别" in out and "Traceback" not in out
    code, out = _run(sqlite_url, "account", "set-state", "不存在", "已注销")
    assert code == 2 and "没有找到新媒体账号" in out
    code, out = _run(sqlite_url, "posts", "import", str(tmp_path / "none.xlsx"), "--account", "1")
    assert code == 2
    code, out = _run(sqlite_url, "check", "--at", "不是日期")
    assert code == 2 and "无法识别" in out
    code, out = _run(sqlite_url, "stats", "--quarter", "2026Q9")
    assert code == 2 and "无法识别" in out
    code, out = _run(sqlite_url, "important", "add", "标题", "--issued", "2026-03-05", "--deadline", "2026-03-01")
    assert code == 2 and "早于" in out


def test_account_settings_menu_and_messages_commands(sqlite_url, tmp_path):
    code, _ = _run(sqlite_url, "account", "add", "微博", "某县发布", "--url", "https://wb.example/u/1")
    assert code == 0
    code, out = _run(sqlite_url, "account", "set", "微博:某县发布", "--setting", "stale_days=30", "--filing-no", "BA-9")
    assert code == 0
    code, out = _run(sqlite_url, "account", "set", "1", "--setting", "stale_days=zero")
    assert code == 2 and "stale_days" in out
    code, out = _run(sqlite_url, "menu", "add", "1", "办事服务", "http://127.0.0.1:9/menu")
    assert code == 0 and "已登记" in out
    code, out = _run(sqlite_url, "menu", "list")
    assert "办事服务" in out and "未检测" in out
    code, out = _run(sqlite_url, "account", "show", "1")
    assert "stale_days: 30" in out and "BA-9" in out and "办事服务" in out
    messages = tmp_path / "m.csv"
    messages.write_text("留言时间,留言内容,回复时间\n2026-03-01 09:00,咨询,\n", encoding="utf-8")
    code, out = _run(sqlite_url, "messages", "import", str(messages), "--account", "1")
    assert code == 0 and "新增 1" in out
    code, out = _run(sqlite_url, "menu", "remove", "1", "http://127.0.0.1:9/menu")
    assert code == 0
    code, out = _run(sqlite_url, "menu", "remove", "1", "http://127.0.0.1:9/menu")
    assert code == 2 and "没有登记菜单链接" in out

"""The same imports and checks give the same results on SQLite and PostgreSQL; migration 0005."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from govinspect.newmedia.imports import import_post_file
from govinspect.newmedia.push import create_token, ingest_push
from govinspect.newmedia.registry_io import import_accounts
from govinspect.newmedia.run import run_checks
from govinspect.newmedia.summary import quarter_summary
from govinspect.settings import Settings
from govinspect.store import newmedia_repo as repo
from govinspect.store import open_database
from govinspect.store import problems_repo as prepo
from tests.newmedia.helpers import AT, write_xlsx

MEDIA_TABLES = {"media_accounts", "media_account_states", "media_posts", "media_messages", "media_important",
                "media_menu_links", "media_push_tokens", "media_imports"}


def test_migration_0005_follows_0004_and_is_the_single_head():
    config = Config()
    config.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    revision = script.get_revision("0005")
    assert revision is not None and revision.down_revision == "0004"


def _scenario(db, tmp_path):
    assert set(inspect(db.engine).get_table_names()) >= MEDIA_TABLES
    accounts = write_xlsx(tmp_path / "accounts.xlsx", [
        ["平台", "账号名称", "主办单位", "状态", "开设日期"],
        ["微信公众号", "某县发布", "某县政府办", "运行", "2020-01-01"],
        ["微信公众号", "某县政务", "某县政府办", "运行", "2020-01-01"],
        ["微博", "某县应急", "某县应急局", "运行", "2020-01-01"],
    ])
    assert import_accounts(db, accounts, create_units=True).added == 3
    posts = write_xlsx(tmp_path / "posts.xlsx", [
        ["平台", "账号", "发布时间", "标题", "是否原创", "链接"],
        ["微信公众号", "某县发布", "2026-03-30 09:00", "我县布署春耕工作", "原创", "https://wx.example/1"],
        ["微信公众号", "某县政务", "2026-03-29 09:00", "便民服务指南", "转载", "https://wx.example/2"],
        ["微博", "某县应急", "2026-03-01 09:00", "应急演练", "原创", None],
    ])
    assert import_post_file(db, posts).added == 3
    _, token = create_token(db, "t")
    ingest_push(db, token, {"account": "微博:某县应急", "posts": [{"time": "2026-03-02 10:00", "title": "推送的信息"}]})
    repo.add_important(db, {"title": "重要通知的完整标题文字", "issued_at": AT - timedelta(days=10),
                            "deadline": AT - timedelta(days=8), "created_at": AT})
    run = run_checks(db, Settings(db=str(db.engine.url)), AT, network=False)
    summary = quarter_summary(db, "2026Q1", now=AT + timedelta(days=5))
    problems = sorted((p.code, p.unit_name, p.state) for p in prepo.list_problems(db))
    return (
        sorted((f.code, f.evidence) for f in run.findings),
        sorted((r.account.name, r.status) for r in run.reposts),
        [d.describe for d in run.duplicates],
        problems,
        summary.sentences(),
        [s.on_date for s in repo.state_changes(db)],
    )


def test_sqlite_scenario(db, tmp_path):
    findings, reposts, dups, problems, sentences, days = _scenario(db, tmp_path)
    assert findings == [("account_stale", "某县应急"), ("typo", "布署")]
    assert reposts == [("某县发布", "missed"), ("某县应急", "missed"), ("某县政务", "missed")]
    assert len(dups) == 1 and problems == [("account_stale", "某县应急局", "open"), ("typo", "某县政府办", "open")]
    assert days == [date(2020, 1, 1)] * 3


@pytest.mark.postgres
def test_postgres_gives_the_same_results_as_sqlite(postgres_url, sqlite_url, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    results = []
    for url, folder in ((postgres_url, tmp_path / "a"), (sqlite_url, tmp_path / "b")):
        db = open_database(url)
        try:
            results.append(_scenario(db, folder))
        finally:
            db.close()
    assert results[0] == results[1]

"""The account registry: add, find, states with dates, duplicates, Excel import and export."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.newmedia.accounts import add_account, duplicates, find_account, set_state, update_account
from govinspect.newmedia.model import AccountSpec, MediaError
from govinspect.newmedia.registry_io import export_accounts, import_accounts
from govinspect.store import newmedia_repo as repo
from govinspect.store.registry_repo import add_unit
from tests.newmedia.helpers import UNIT, account, write_xlsx


def test_platform_and_state_by_label_or_alias(db):
    acc = account(db, "某县发布", platform="公众号", state="正常")
    assert (acc.platform, acc.state, acc.platform_label, acc.state_label) == ("wechat", "running", "微信公众号", "运行")
    with pytest.raises(ValueError, match="平台“推特”无法识别"):
        account(db, "x", platform="推特")


def test_same_name_on_one_platform_is_refused_but_allowed_on_another(db):
    account(db, "某县发布")
    with pytest.raises(MediaError, match="已登记"):
        account(db, "某县发布")
    weibo = account(db, "某县发布", platform="微博")
    with pytest.raises(MediaError, match="请写明平台"):
        find_account(db, "某县发布")
    assert find_account(db, "微博:某县发布") == weibo
    assert find_account(db, str(weibo.id)) == weibo


def test_unknown_unit_is_refused_unless_asked_to_create_it(db):
    spec = AccountSpec(platform="微博", name="某县发布", unit="不存在的单位")
    with pytest.raises(MediaError, match="单位“不存在的单位”未登记"):
        add_account(db, spec)
    created = add_account(db, spec, create_units=True)
    assert created.unit_name == "不存在的单位"


def test_state_changes_are_dated_and_kept(db):
    acc = account(db, "某县发布", opened_on=date(2020, 5, 1))
    set_state(db, acc.id, "拟注销", on_date=date(2026, 2, 1), note="申请注销")
    closed = set_state(db, acc.id, "已注销", on_date=date(2026, 2, 20))
    assert closed.state == "closed" and closed.state_since == date(2026, 2, 20)
    history = repo.state_changes(db, [acc.id])
    assert [(c.on_date, c.from_state, c.to_state) for c in history] == [
        (date(2020, 5, 1), None, "running"), (date(2026, 2, 1), "running", "closing"), (date(2026, 2, 20), "closing", "closed"),
    ]
    with pytest.raises(MediaError, match="已经是"):
        set_state(db, acc.id, "已注销")
    with pytest.raises(MediaError, match="早于"):
        set_state(db, acc.id, "运行", on_date=date(2026, 1, 1))


def test_two_running_accounts_of_one_unit_on_one_platform_are_flagged(db):
    account(db, "某县发布")
    account(db, "某县政务服务")
    account(db, "某县发布", platform="微博")
    other = account(db, "某县应急", unit="某县应急管理局")
    account(db, "某县应急微信", unit="某县应急管理局")
    set_state(db, other.id, "已关停")
    found = duplicates(repo.list_accounts(db))
    assert len(found) == 1
    assert found[0].unit_name == UNIT and found[0].platform == "wechat"
    assert {a.name for a in found[0].accounts} == {"某县发布", "某县政务服务"}
    assert "一个单位原则上在同一平台只开设一个账号" in found[0].describe


def test_settings_are_validated(db):
    acc = account(db, "某县发布")
    changed = update_account(db, acc.id, settings={"stale_days": 10, "repost": False})
    assert changed.settings == {"stale_days": 10, "repost": False}
    with pytest.raises(MediaError, match="stale_days"):
        update_account(db, acc.id, settings={"stale_days": 0})
    with pytest.raises(MediaError, match="不认识"):
        update_account(db, acc.id, settings={"colour": "red"})


def test_excel_import_keeps_good_rows_and_updates_on_reimport(db, tmp_path):
    add_unit(db, "某县人民政府办公室")
    path = write_xlsx(tmp_path / "accounts.xlsx", [
        ["平台类型", "新媒体名称", "开办主体", "运行状态", "开通日期", "备案号", "账号ID", "粉丝数"],
        ["微信公众号", "某县发布", "某县人民政府办公室", "运行", "2019-06-01", "BA-001", "gh_001", 1000],
        ["微博", "某县发布", "某县人民政府办公室", "正常", "2019-07-01", "BA-002", "uid-2", 500],
        ["推特", "某县海外", "某县人民政府办公室", "运行", None, None, None, 0],
        ["抖音", "某县文旅", "不存在的局", "运行", None, None, None, 0],
        ["快手", "", "某县人民政府办公室", "运行", None, None, None, 0],
        ["小程序", "某县办事", "某县人民政府办公室", "已关停", "2018-01-01", None, None, 0],
    ])
    report = import_accounts(db, path)
    assert (report.added, report.updated) == (3, 0)
    reasons = {r.where: r.reason for r in report.rejected}
    assert set(reasons) == {"第 4 行", "第 5 行", "第 6 行"}
    assert "推特" in reasons["第 4 行"] and "不存在的局" in reasons["第 5 行"]
    assert report.ignored_columns == ("粉丝数",)
    wechat = find_account(db, "微信公众号:某县发布")
    assert wechat is not None and wechat.filing_no == "BA-001" and wechat.opened_on == date(2019, 6, 1)
    again = import_accounts(db, path, create_units=True)
    assert (again.added, again.updated) == (1, 3)  # 某县文旅 now comes in with its new unit
    assert len(repo.list_accounts(db)) == 4


def test_export_then_import_round_trips(db, tmp_path):
    account(db, "某县发布", opened_on=date(2019, 6, 1), filing_no="BA-1", url="https://wb.example/u/1")
    account(db, "某县发布", platform="微博")
    out = tmp_path / "out.xlsx"
    assert export_accounts(db, out) == 2
    csv_out = tmp_path / "out.csv"
    export_accounts(db, csv_out)
    assert csv_out.read_text("utf-8-sig").splitlines()[0].startswith("平台,账号名称")
    report = import_accounts(db, out)
    assert (report.added, report.updated, report.rejected) == (0, 2, [])
    with pytest.raises(MediaError, match="不支持的导出类型"):
        export_accounts(db, tmp_path / "out.pdf")

"""Excel/CSV exports made in the test: flexible columns, bad rows kept out, re-imports idempotent."""

from __future__ import annotations

from datetime import datetime

import pytest

from govinspect.newmedia.imports import import_message_file, import_post_file
from govinspect.newmedia.model import MediaError
from govinspect.newmedia.times import parse_time
from govinspect.store import newmedia_repo as repo
from tests.newmedia.helpers import account, china, write_xlsx


def test_excel_post_export_with_its_own_column_names(db, tmp_path):
    acc = account(db, "某县发布")
    path = write_xlsx(tmp_path / "wechat.xlsx", [
        ["某县发布 图文群发记录"],  # a title row above the header
        ["群发时间", "文章标题", "原创/转载", "阅读数", "文章链接"],
        [datetime(2026, 3, 30, 9, 0), "我县召开防汛工作会议", "原创", 120, "https://wx.example/s/1"],
        ["2026/3/29 18:30", "转发：国务院常务会议召开", "转载", 80, "https://wx.example/s/2"],
        ["昨天", "时间写错的一行", "原创", 5, "https://wx.example/s/3"],
        [None, "没有时间的一行", "原创", 5, "https://wx.example/s/4"],
        [None, None, None, None, None],
    ])
    result = import_post_file(db, path, account="某县发布")
    assert result.added == 2
    reasons = sorted(r.reason for r in result.all_rejected)
    assert reasons == ["发布时间“昨天”无法识别", "缺少发布时间或无法识别"]
    assert result.ignored_columns == ("阅读数",)
    stored = repo.posts_of(db, [acc.id])
    assert [p.original for p in stored] == [False, True]
    assert stored[1].published_at == china("2026-03-30 09:00")
    again = import_post_file(db, path, account="某县发布")
    assert again.added == 0 and sum(r.duplicates for r in again.reports) == 2
    assert repo.count_posts(db, acc.id) == 2


def test_csv_in_gbk_with_an_account_column_spreads_rows_over_accounts(db, tmp_path):
    a = account(db, "某县发布")
    b = account(db, "某县发布", platform="微博")
    c = account(db, "某县应急", platform="抖音")
    text = (
        "平台,账号名称,发布时间,内容,链接\n"
        "微博,某县发布,2026-03-30 10:00,今日天气晴,\n"
        "微信公众号,某县发布,2026-03-30 11:00,公众号推送,https://wx.example/s/9\n"
        "抖音,某县应急,2026-03-28 08:00,应急演练视频,\n"
        "抖音,未登记的账号,2026-03-28 08:00,x,\n"
    )
    path = tmp_path / "posts.csv"
    path.write_bytes(text.encode("gb18030"))
    result = import_post_file(db, path)
    assert {r.account_id: r.added for r in result.reports} == {a.id: 1, b.id: 1, c.id: 1}
    assert [r.reason for r in result.rejected] == ["账号“未登记的账号”未登记"]
    weibo = repo.posts_of(db, [b.id])[0]
    assert weibo.url is None and weibo.text == "今日天气晴"
    # without a URL the identity is account + minute + title: a second import adds nothing
    assert import_post_file(db, path).added == 0


def test_name_shared_by_two_platforms_needs_a_platform_column(db, tmp_path):
    account(db, "某县发布")
    account(db, "某县发布", platform="微博")
    path = tmp_path / "p.csv"
    path.write_text("账号,发布时间,标题\n某县发布,2026-03-30 10:00,标题\n", encoding="utf-8")
    result = import_post_file(db, path)
    assert result.added == 0 and "请加“平台”列" in result.rejected[0].reason


def test_unknown_columns_are_refused_with_the_headers_found(db, tmp_path):
    account(db, "某县发布")
    path = write_xlsx(tmp_path / "odd.xlsx", [["序号", "阅读量", "点赞"], [1, 2, 3]])
    with pytest.raises(MediaError) as caught:
        import_post_file(db, path, account="某县发布")
    message = str(caught.value)
    assert "找不到必需的列" in message and "阅读量" in message
    assert repo.count_posts(db) == 0


def test_file_kinds_that_cannot_be_read(db, tmp_path):
    account(db, "某县发布")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(MediaError, match="另存为 .xlsx"):
        import_post_file(db, old, account="某县发布")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(MediaError, match="无法作为 Excel 文件打开"):
        import_post_file(db, fake, account="某县发布")
    with pytest.raises(MediaError, match="文件不存在"):
        import_post_file(db, tmp_path / "none.csv", account="某县发布")


def test_account_column_contradicting_the_chosen_account(db, tmp_path):
    account(db, "某县发布")
    account(db, "别的账号")
    path = tmp_path / "p.csv"
    path.write_text("账号,发布时间,标题\n别的账号,2026-03-30 10:00,标题\n", encoding="utf-8")
    result = import_post_file(db, path, account="某县发布")
    assert result.added == 0 and "不符" in result.rejected[0].reason


def test_richer_reimport_updates_the_stored_post(db, tmp_path):
    acc = account(db, "某县发布")
    short = tmp_path / "a.csv"
    short.write_text("发布时间,标题,正文,链接\n2026-03-30 10:00,防汛会议,摘要,https://wx.example/s/1\n", encoding="utf-8")
    full = tmp_path / "b.csv"
    full.write_text("发布时间,标题,正文,链接,是否原创\n2026-03-30 10:00,防汛会议,这是完整的正文内容,https://wx.example/s/1,是\n",
                    encoding="utf-8")
    import_post_file(db, short, account=acc.id)
    result = import_post_file(db, full, account=acc.id)
    assert result.added == 0 and result.reports[0].updated == 1
    stored = repo.posts_of(db, [acc.id])
    assert len(stored) == 1 and stored[0].text == "这是完整的正文内容" and stored[0].original is True


def test_message_export_and_a_later_reply(db, tmp_path):
    acc = account(db, "某县发布")
    first = write_xlsx(tmp_path / "m1.xlsx", [
        ["留言编号", "留言时间", "留言内容", "回复时间", "回复内容"],
        ["L1", "2026-03-01 09:00", "路灯坏了", "2026-03-02 10:00", "已报修"],
        ["L2", "2026-03-10 09:00", "咨询社保", None, None],
        ["L3", "不是时间", "x", None, None],
    ])
    result = import_message_file(db, first, account=acc.id)
    assert result.reports[0].added == 2 and len(result.rejected) == 1
    later = write_xlsx(tmp_path / "m2.xlsx", [
        ["留言编号", "留言时间", "留言内容", "回复时间"],
        ["L2", "2026-03-10 09:00", "咨询社保", "2026-03-20 09:00"],
    ])
    again = import_message_file(db, later, account=acc.id)
    assert again.reports[0].updated == 1 and again.reports[0].added == 0
    stored = {m.number: m for m in repo.messages_of(db, [acc.id])}
    assert stored["L2"].replied_at == china("2026-03-20 09:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-30 09:00", "2026-03-30T01:00:00+00:00"),
        ("2026年3月30日 9时05分", "2026-03-30T01:05:00+00:00"),
        ("2026/3/30", "2026-03-29T16:00:00+00:00"),
        ("Mon, 30 Mar 2026 09:00:00 +0800", "2026-03-30T01:00:00+00:00"),
        ("2026-03-30T01:00:00Z", "2026-03-30T01:00:00+00:00"),
        ("20260330", "2026-03-29T16:00:00+00:00"),
    ],
)
def test_time_formats(text, expected):
    found = parse_time(text)
    assert found is not None and found.isoformat() == expected


@pytest.mark.parametrize("text", ["昨天", "2026-13-40", "", "3小时前"])
def test_times_that_are_not_times(text):
    assert parse_time(text) is None

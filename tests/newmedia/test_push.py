"""The authenticated JSON push: tokens, validation, idempotence, and the FastAPI router."""

from __future__ import annotations

import pytest

from govinspect.newmedia.push import PushAuthError, PushInputError, create_token, ingest_push
from govinspect.store import newmedia_repo as repo
from tests.newmedia.helpers import account

PAYLOAD = {
    "account": {"platform": "微博", "name": "某县发布"},
    "posts": [
        {"published_at": "2026-03-30 09:00", "title": "我县召开防汛会议", "text": "正文", "url": "https://wb.example/1",
         "original": True},
        {"time": "2026-03-30T10:00:00+08:00", "text": "转发微博 //@某市发布：天气预警", "original": "转载"},
        {"title": "没有时间"},
        "不是对象",
    ],
}


def test_push_with_a_valid_token_stores_posts_once(db):
    acc = account(db, "某县发布", platform="微博")
    _, token = create_token(db, "融媒体中心")
    result = ingest_push(db, token, PAYLOAD)
    assert result["account"]["id"] == acc.id
    assert result["posts"]["added"] == 2
    assert [r["where"] for r in result["posts"]["rejected"]] == ["第 3 条", "第 4 条"]
    again = ingest_push(db, token, PAYLOAD)
    assert again["posts"]["added"] == 0 and again["posts"]["duplicates"] == 2
    stored = repo.posts_of(db, [acc.id])
    assert [p.original for p in stored] == [True, False]
    assert repo.list_tokens(db)[0].last_used_at is not None


def test_push_messages(db):
    acc = account(db, "某县发布", platform="微博")
    _, token = create_token(db, "t")
    result = ingest_push(db, token, {"account": acc.id, "messages": [
        {"received_at": "2026-03-01 09:00", "content": "咨询", "number": "M1"}]})
    assert result["messages"]["added"] == 1
    assert repo.messages_of(db, [acc.id])[0].number == "M1"


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_missing_or_wrong_token_is_refused(db, token):
    account(db, "某县发布", platform="微博")
    create_token(db, "t")
    with pytest.raises(PushAuthError) as caught:
        ingest_push(db, token, PAYLOAD)
    assert caught.value.status == 401
    assert repo.count_posts(db) == 0


def test_revoked_and_limited_tokens(db):
    from govinspect.workflow.clock import utcnow

    account(db, "某县发布", platform="微博")
    other = account(db, "别的账号")
    _, limited = create_token(db, "只推别的账号", [str(other.id)])
    with pytest.raises(PushAuthError) as caught:
        ingest_push(db, limited, PAYLOAD)
    assert caught.value.status == 403 and "无权" in str(caught.value)
    _, token = create_token(db, "将停用")
    assert repo.revoke_token(db, "将停用", utcnow())
    with pytest.raises(PushAuthError, match="已停用"):
        ingest_push(db, token, PAYLOAD)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([1, 2], "JSON 对象"),
        ({"account": "某县发布", "posts": [], "extra": 1}, "不认识的字段"),
        ({"posts": [{"title": "x"}]}, "缺少 account"),
        ({"account": "不存在", "posts": [{"title": "x"}]}, "没有找到新媒体账号"),
        ({"account": "微博:某县发布", "posts": "x"}, "posts 应为列表"),
        ({"account": "微博:某县发布", "posts": []}, "都为空"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(db, payload, message):
    account(db, "某县发布", platform="微博")
    _, token = create_token(db, "t")
    with pytest.raises(PushInputError, match=message):
        ingest_push(db, token, payload)


def test_too_many_posts_in_one_push(db, monkeypatch):
    from govinspect.newmedia import push

    account(db, "某县发布", platform="微博")
    _, token = create_token(db, "t")
    rules = push.media_rules()
    monkeypatch.setattr(push, "media_rules", lambda: type(rules)(**{**rules.__dict__, "push_max_posts": 1}))
    with pytest.raises(PushInputError, match="一次最多推送 1 条"):
        ingest_push(db, token, PAYLOAD)


def test_router_maps_errors_to_http_statuses(db):
    fastapi = pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from govinspect.newmedia.api import create_router

    acc = account(db, "某县发布", platform="微博")
    _, token = create_token(db, "t")
    app = fastapi.FastAPI()
    app.include_router(create_router(lambda: db), prefix="/api")
    client = TestClient(app)
    ok = client.post("/api/newmedia/push", json=PAYLOAD, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json()["posts"]["added"] == 2
    header = client.post("/api/newmedia/push", json=PAYLOAD, headers={"X-Push-Token": token})
    assert header.status_code == 200 and header.json()["posts"]["duplicates"] == 2
    assert client.post("/api/newmedia/push", json=PAYLOAD).status_code == 401
    bad = client.post("/api/newmedia/push", content=b"{not json", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and "JSON" in bad.json()["detail"]
    unknown = client.post("/api/newmedia/push", json={"account": {"platform": "推特", "name": "x"}, "posts": [{}]},
                          headers={"Authorization": f"Bearer {token}"})
    assert unknown.status_code == 422 and "推特" in unknown.json()["detail"]
    assert repo.count_posts(db, acc.id) == 2


def test_the_console_serves_the_push_endpoint(db):
    """`media token add` points users at the console: the endpoint must be mounted there."""
    from fastapi.testclient import TestClient

    from govinspect.web.app import create_app

    acc = account(db, "某县发布", platform="微博")
    _, token = create_token(db, "t")
    with TestClient(create_app(db, warm_scores=False)) as client:
        ok = client.post("/api/newmedia/push", json=PAYLOAD, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["posts"]["added"] == 2
        assert client.post("/api/newmedia/push", json=PAYLOAD).status_code == 401
    assert repo.count_posts(db, acc.id) == 2

"""The authorization matrix through the API: each role × each object kind × own/other unit.

"own" objects belong to unit 甲 (the unit account unit_a's), "other" ones to unit 乙. A unit account
sees only its unit's objects — others answer 404 exactly as missing ones do; 只读 reads all and
changes nothing; 监管人员 and 管理员 read all and act on problems.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.seed import Seeded

ROLES = ["admin", "supervisor", "unit_a", "readonly"]
SIDES = ["own", "other"]


def _ids(s: Seeded, side: str) -> dict[str, Any]:
    a = side == "own"
    return {
        "site": s.site_a if a else s.site_b,
        "unit": s.unit_a if a else s.unit_b,
        "scan": s.scan_a if a else s.scan_b,
        "problem": (s.problems_a if a else s.problems_b)[0],
    }


READS = {
    "site": "/api/sites/{site}",
    "unit": "/api/units/{unit}",
    "scan": "/api/scans/{scan}",
    "findings": "/api/findings?scan_id={scan}",
    "scans_of_site": "/api/scans?site_id={site}",
    "problem": "/api/problems/{problem}",
    "report": "/api/reports/problems?unit_id={unit}&state=all",
}


def _expected_read(role: str, side: str) -> int:
    return 404 if role == "unit_a" and side == "other" else 200


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("kind", sorted(READS))
@pytest.mark.parametrize("role", ROLES)
def test_read_matrix(shared_client: TestClient, shared_api, seeded_template: Seeded, role: str, kind: str, side: str) -> None:
    url = READS[kind].format(**_ids(seeded_template, side))
    response = shared_client.get(url, headers=shared_api(role))
    assert response.status_code == _expected_read(role, side), (role, kind, side, response.text[:300])
    if response.status_code == 404:
        assert response.json()["detail"] == "没有找到这个对象，或者您的账号无权查看。"


def _expected_state(role: str, side: str) -> int:
    if role == "unit_a":
        return 200 if side == "own" else 404
    return 403 if role == "readonly" else 200


def _expected_supervision(role: str, side: str) -> int:
    if role == "unit_a":
        return 403 if side == "own" else 404
    return 403 if role == "readonly" else 200


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_state_change_matrix(client: TestClient, api, seeded: Seeded, role: str, side: str) -> None:
    problem = _ids(seeded, side)["problem"]
    response = client.post(f"/api/problems/{problem}/state", json={"to_state": "in_progress"}, headers=api(role))
    assert response.status_code == _expected_state(role, side), response.text[:300]
    after = client.get(f"/api/problems/{problem}", headers=api("admin")).json()
    assert after["state"] == ("in_progress" if response.status_code == 200 else "open")
    if response.status_code == 200:
        assert after["events"][-1]["actor"] == f"{role} 测试（{role}）"


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_false_alarm_matrix(client: TestClient, api, seeded: Seeded, role: str, side: str) -> None:
    problem = _ids(seeded, side)["problem"]
    body = {"to_state": "false_alarm", "reason": "人工核实为误报"}
    response = client.post(f"/api/problems/{problem}/state", json=body, headers=api(role))
    assert response.status_code == _expected_supervision(role, side), response.text[:300]


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_assign_matrix(client: TestClient, api, seeded: Seeded, role: str, side: str) -> None:
    ids = _ids(seeded, side)
    target = seeded.unit_a_child  # a unit every role may name
    response = client.post(f"/api/problems/{ids['problem']}/assign", json={"unit_id": target}, headers=api(role))
    assert response.status_code == _expected_supervision(role, side), response.text[:300]
    after = client.get(f"/api/problems/{ids['problem']}", headers=api("admin")).json()
    assert (after["unit_id"] == target) == (response.status_code == 200)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_ignore_rule_matrix(client: TestClient, api, seeded: Seeded, role: str, side: str) -> None:
    body = {"problem_id": _ids(seeded, side)["problem"], "code": "typo", "reason": "本地用语"}
    response = client.post("/api/ignore-rules", json=body, headers=api(role))
    assert response.status_code == {200: 201}.get(_expected_supervision(role, side), _expected_supervision(role, side))


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_bulk_matrix(client: TestClient, api, seeded: Seeded, role: str, side: str) -> None:
    ids = seeded.problems_a if side == "own" else seeded.problems_b
    response = client.post("/api/problems/bulk", json={"ids": ids, "action": "state", "to_state": "in_progress"},
                           headers=api(role))
    assert response.status_code == 200
    result = response.json()
    allowed = _expected_state(role, side) == 200
    assert result["done"] == (len(ids) if allowed else 0)
    assert len(result["skipped"]) == (0 if allowed else len(ids))


@pytest.mark.parametrize("role", ROLES)
def test_problem_filter_on_another_units_site_finds_nothing_for_a_unit(shared_client: TestClient, shared_api, seeded_template: Seeded,
                                                                        role: str) -> None:
    """A filter is not an object: it answers 200, with only what the account may see (here nothing)."""
    response = shared_client.get(f"/api/problems?site_id={seeded_template.site_b}&state=all", headers=shared_api(role))
    assert response.status_code == 200
    assert response.json()["total"] == (0 if role == "unit_a" else len(seeded_template.problems_b))


def test_unit_account_lists_hold_only_its_units_objects(shared_client: TestClient, shared_api, seeded_template: Seeded) -> None:
    h = shared_api("unit_a")
    assert [s["id"] for s in shared_client.get("/api/sites", headers=h).json()] == [seeded_template.site_a]
    assert {u["id"] for u in shared_client.get("/api/units", headers=h).json()} == {seeded_template.unit_a, seeded_template.unit_a_child}
    assert [s["id"] for s in shared_client.get("/api/scans", headers=h).json()] == [seeded_template.scan_a]
    problems = shared_client.get("/api/problems?state=all&size=500", headers=h).json()
    assert problems["total"] == len(seeded_template.problems_a)
    assert {p["site_id"] for p in problems["items"]} == {seeded_template.site_a}
    # the child unit's problem (column /col/x/) is the parent unit's too
    assert "甲县教育局" in {p["unit_name"] for p in problems["items"]}
    everyone = shared_client.get("/api/problems?state=all&size=500", headers=shared_api("readonly")).json()
    assert everyone["total"] == len(seeded_template.problems_a) + len(seeded_template.problems_b)


def test_unit_b_sees_the_mirror_image(shared_client: TestClient, shared_api, seeded_template: Seeded) -> None:
    h = shared_api("unit_b")
    assert shared_client.get(f"/api/sites/{seeded_template.site_a}", headers=h).status_code == 404
    assert shared_client.get(f"/api/sites/{seeded_template.site_b}", headers=h).status_code == 200
    assert shared_client.get(f"/api/problems/{seeded_template.typo_a}", headers=h).status_code == 404


def test_scan_start_is_for_supervisors(client: TestClient, api, seeded: Seeded) -> None:
    assert client.post("/api/scans", json={"site_id": seeded.site_b}, headers=api("unit_a")).status_code == 404
    assert client.post("/api/scans", json={"site_id": seeded.site_a}, headers=api("unit_a")).status_code == 403
    assert client.post("/api/scans", json={"site_id": seeded.site_a}, headers=api("readonly")).status_code == 403


ANONYMOUS = [
    ("get", "/api/me"), ("get", "/api/sites"), ("get", "/api/sites/1"), ("get", "/api/units"), ("get", "/api/units/1"),
    ("get", "/api/scans"), ("get", "/api/scans/1"), ("get", "/api/findings?scan_id=1"), ("get", "/api/problems"),
    ("get", "/api/problems/1"), ("post", "/api/problems/1/state"), ("post", "/api/problems/1/assign"),
    ("post", "/api/problems/bulk"), ("post", "/api/ignore-rules"), ("post", "/api/scans"),
    ("get", "/api/scan-jobs/1"), ("get", "/api/reports"), ("get", "/api/reports/problems"),
]


@pytest.mark.parametrize(("method", "url"), ANONYMOUS)
@pytest.mark.parametrize("auth", [None, "Bearer gi_not-a-token", "Basic YWRtaW46eA==", "Bearer "])
def test_api_without_a_valid_token_answers_401(shared_client: TestClient, method: str, url: str, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = shared_client.request(method.upper(), url, headers=headers, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_session_cookie_does_not_open_the_api(browser_client) -> None:
    c, _csrf = browser_client("admin")
    assert c.get("/api/sites").status_code == 401


def test_revoked_token_and_disabled_account_answer_401(client: TestClient, api, seeded: Seeded, db) -> None:
    from govinspect.store import users_repo
    from tests.web.seed import NOW

    assert client.get("/api/me", headers=api("readonly")).status_code == 200
    token = next(t for t in users_repo.list_tokens(db) if t.user_id == users_repo.require_user(db, "readonly").id)
    users_repo.revoke_token(db, token.id, now=NOW)
    assert client.get("/api/me", headers=api("readonly")).status_code == 401
    supervisor = users_repo.require_user(db, "supervisor")
    users_repo.update_user(db, supervisor.id, active=False)
    assert client.get("/api/me", headers=api("supervisor")).status_code == 401


def test_openapi_schema_lists_the_api(shared_client: TestClient) -> None:
    schema = shared_client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/sites", "/api/units", "/api/scans", "/api/findings", "/api/problems", "/api/reports",
            "/api/problems/{problem_id}/state", "/api/problems/bulk"} <= paths
    assert not any(p.startswith(("/problems", "/sites", "/login")) for p in paths)  # pages stay out of it

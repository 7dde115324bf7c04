"""Security of the pages: untrusted text shows as text, CSRF tokens guard every change, sessions
and headers are as they should be, logins are throttled, redirects stay inside the console."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Clock, form_token, login
from tests.web.seed import PASSWORD, XSS_EVIDENCE, XSS_TITLE, Seeded

# --- untrusted text ------------------------------------------------------------------------------


def test_a_page_titled_script_shows_as_text(browser_client, seeded: Seeded) -> None:
    c, _ = browser_client("admin")
    html = c.get(f"/problems/{seeded.xss_a}").text
    assert XSS_TITLE not in html and XSS_EVIDENCE not in html
    assert '<span id="page-title">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in html
    assert "<mark>&lt;img src=x onerror=alert(2)&gt;</mark>" in html  # evidence highlighted, as text
    for page in ("/", "/problems?state=all", f"/sites/{seeded.site_a}", f"/scans/{seeded.scan_a}"):
        body = c.get(page).text
        assert "<script>alert" not in body and "<img src=x" not in body, page


def test_a_javascript_url_is_never_a_link(browser_client, seeded: Seeded) -> None:
    c, _ = browser_client("admin")
    listing = c.get("/problems?code=privacy_leak&state=all").text
    assert 'href="javascript:' not in listing
    assert "javascript:alert(3)" in listing  # shown, as text


def test_untrusted_unit_and_site_names_are_escaped(browser_client, db, seeded: Seeded) -> None:
    from govinspect.store import registry_repo

    registry_repo.update_site(db, seeded.site_a, name='"><svg onload=alert(4)>')
    c, _ = browser_client("admin")
    body = c.get("/").text
    assert "<svg onload" not in body and "&lt;svg onload=alert(4)&gt;" in body


# --- CSRF ----------------------------------------------------------------------------------------


def _state_form(c: TestClient, problem: int, token: str | None) -> int:
    data = {"to_state": "in_progress"}
    if token is not None:
        data["csrf_token"] = token
    return c.post(f"/problems/{problem}/state", data=data, follow_redirects=False).status_code


def test_a_form_without_the_csrf_token_is_refused(browser_client, seeded: Seeded, client: TestClient, api) -> None:
    c, token = browser_client("supervisor")
    assert _state_form(c, seeded.typo_a, None) == 403
    assert _state_form(c, seeded.typo_a, "forged-" + token[7:]) == 403
    assert client.get(f"/api/problems/{seeded.typo_a}", headers=api("admin")).json()["state"] == "open"
    assert _state_form(c, seeded.typo_a, token) == 303
    assert client.get(f"/api/problems/{seeded.typo_a}", headers=api("admin")).json()["state"] == "in_progress"


def test_another_sessions_token_does_not_pass(browser_client, seeded: Seeded) -> None:
    first, first_token = browser_client("supervisor")
    second, second_token = browser_client("supervisor")
    assert first_token != second_token
    assert _state_form(second, seeded.typo_a, first_token) == 403


def test_htmx_requests_carry_the_token_in_a_header(browser_client, seeded: Seeded) -> None:
    c, token = browser_client("admin")
    page = c.get(f"/sites/{seeded.site_a}").text
    assert f"hx-headers='{{&#34;X-CSRF-Token&#34;: &#34;{token}&#34;}}'" in page or f'"X-CSRF-Token": "{token}"' in page
    refused = c.post("/problems/bulk", data={"ids": [str(seeded.typo_a)], "action": "state:in_progress"},
                     follow_redirects=False)
    assert refused.status_code == 403
    accepted = c.post("/problems/bulk", data={"ids": [str(seeded.typo_a)], "action": "state:in_progress"},
                      headers={"X-CSRF-Token": token, "HX-Request": "true"}, follow_redirects=False)
    assert accepted.status_code == 303


def test_every_form_on_every_page_carries_the_token(browser_client, seeded: Seeded) -> None:
    c, token = browser_client("admin")
    for page in ("/", f"/sites/{seeded.site_a}", "/problems", f"/problems/{seeded.typo_a}", "/reports",
                 "/settings/units", "/settings/sites", "/settings/accounts", "/account"):
        html = c.get(page).text
        for form in re.findall(r"<form[^>]*>.*?</form>", html, re.S):
            if 'method="post"' in form:
                assert f'name="csrf_token" value="{token}"' in form, (page, form[:200])


def test_login_form_needs_its_token(client: TestClient) -> None:
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 403
    assert "gi_session" not in refused.cookies


def test_logout_is_a_guarded_post(browser_client) -> None:
    c, token = browser_client("admin")
    assert c.get("/logout").status_code == 405
    assert c.post("/logout", follow_redirects=False).status_code == 403
    assert c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert c.get("/", follow_redirects=False).headers["location"].startswith("/login")


# --- sessions, headers, redirects ----------------------------------------------------------------


def test_session_cookie_flags(client: TestClient) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": form_token(page.text)}, follow_redirects=False)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("gi_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_pages_need_a_session(client: TestClient, seeded: Seeded) -> None:
    for page in ("/", "/sites", f"/problems/{seeded.typo_a}", "/reports", "/settings/units"):
        response = client.get(page, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/login", "/", "/api/sites", "/static/app.css", "/nope"])
def test_security_headers_everywhere(browser_client, path: str) -> None:
    c, _ = browser_client("readonly")
    headers = c.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    if not path.startswith("/static/"):
        assert headers["cache-control"] == "no-store"


def test_pages_hold_no_inline_script_or_style(browser_client, seeded: Seeded) -> None:
    """What the CSP forbids is not there to begin with (and the seeded XSS stays text)."""
    from selectolax.lexbor import LexborHTMLParser

    c, _ = browser_client("admin")
    for page in ("/", f"/sites/{seeded.site_a}", "/problems?state=all", f"/problems/{seeded.xss_a}"):
        tree = LexborHTMLParser(c.get(page).text)
        assert all(node.attributes.get("src") for node in tree.css("script")), page
        assert not tree.css("style, img, svg"), page
        for node in tree.css("*"):
            assert "style" not in node.attributes, (page, node.tag)
            assert not [a for a in node.attributes if a.lower().startswith("on")], (page, node.tag, node.attributes)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_login_redirect_stays_inside(client: TestClient, target: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "next": target,
                                           "csrf_token": form_token(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_login_returns_to_the_page_asked_for(client: TestClient, seeded: Seeded) -> None:
    first = client.get(f"/problems/{seeded.typo_a}", follow_redirects=False)
    login_page = client.get(first.headers["location"])
    assert f'name="next" value="/problems/{seeded.typo_a}"' in login_page.text
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "next": f"/problems/{seeded.typo_a}",
                                           "csrf_token": form_token(login_page.text)}, follow_redirects=False)
    assert response.headers["location"] == f"/problems/{seeded.typo_a}"


def test_sessions_end_when_idle(browser_client, clock: Clock) -> None:
    c, _ = browser_client("admin")
    assert c.get("/", follow_redirects=False).status_code == 200
    clock.now += timedelta(hours=3)  # idle longer than data/web/console.yaml allows
    assert c.get("/", follow_redirects=False).status_code == 303


# --- throttling ----------------------------------------------------------------------------------


def _try(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": form_token(page.text)}, follow_redirects=False).status_code


def test_login_is_throttled_after_repeated_failures(client: TestClient, clock: Clock) -> None:
    from govinspect.web.config import console_config

    rules = console_config().login_throttle
    for _ in range(rules.max_failures):
        assert _try(client, "admin", "wrong-password") == 401
    assert _try(client, "admin", PASSWORD) == 429  # even the right password waits now
    page = client.get("/login").text
    assert "请输入账号和密码" not in page
    clock.now += timedelta(minutes=rules.window_minutes + 1)
    assert _try(client, "admin", PASSWORD) == 303


def test_wrong_password_and_unknown_account_read_alike(client: TestClient) -> None:
    page = client.get("/login")
    one = client.post("/login", data={"username": "admin", "password": "nope-nope", "csrf_token": form_token(page.text)})
    two = client.post("/login", data={"username": "nobody", "password": "nope-nope", "csrf_token": form_token(page.text)})
    assert one.status_code == two.status_code == 401
    assert "账号或密码错误" in one.text and "账号或密码错误" in two.text


def test_a_disabled_account_cannot_sign_in(client: TestClient, db) -> None:
    from govinspect.store import users_repo

    users_repo.update_user(db, users_repo.require_user(db, "readonly").id, active=False)
    assert _try(client, "readonly", PASSWORD) == 401


# --- pages answer 404 for other units' objects ---------------------------------------------------


def test_unit_pages_answer_404_for_other_units(browser_client, seeded: Seeded) -> None:
    c, token = browser_client("unit_a")
    assert c.get(f"/problems/{seeded.problems_b[0]}").status_code == 404
    assert c.get(f"/sites/{seeded.site_b}").status_code == 404
    assert c.get(f"/scans/{seeded.scan_b}").status_code == 404
    assert c.get(f"/problems/{seeded.typo_a}").status_code == 200
    assert c.post(f"/problems/{seeded.problems_b[0]}/state", data={"to_state": "review", "csrf_token": token},
                  follow_redirects=False).status_code == 404
    assert c.get("/settings/accounts").status_code == 403
    listing = c.get("/problems?state=all").text
    assert "乙县人民政府" not in listing and "甲县人民政府" in listing


def test_readonly_pages_offer_no_actions(browser_client, seeded: Seeded) -> None:
    c, token = browser_client("readonly")
    html = c.get(f"/problems/{seeded.typo_a}").text
    assert 'action="/problems/' not in html
    assert c.post(f"/problems/{seeded.typo_a}/state", data={"to_state": "in_progress", "csrf_token": token},
                  follow_redirects=False).status_code == 403


def test_login_helper_reads_a_token(client: TestClient) -> None:
    assert len(login(client, "admin")) >= 20

"""Alerts: a webhook and an e-mail per veto-level event, once, with retries (loopback servers only)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from govinspect.findings import Finding
from govinspect.registry.model import RegistryError
from govinspect.store import registry_repo as rrepo
from govinspect.workflow import actions
from govinspect.workflow.alerts import AlertConfig, alert_config, queue_alerts, send_pending
from govinspect.workflow.sync import sync_problems
from tests.workflow.helpers import T0, store_scan

BASE = "http://127.0.0.1:8080/"
HIDDEN = Finding("hidden_link", page=BASE, target="http://127.0.0.4:9/bet", evidence="娱乐城")
TYPO = Finding("typo", page=BASE + "a.html", evidence="工做")


class Hook:
    """A loopback webhook that fails the first ``fail_first`` requests with 500."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_first = fail_first
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.fail_first > 0:
                    hook.fail_first -= 1
                    self.send_response(500)
                else:
                    hook.received.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook(fail_first=2)
    yield h
    h.close()


def veto_problem(db):
    site = rrepo.add_site(db, BASE, "宁川县人民政府")
    scan_id = store_scan(db, BASE, [HIDDEN, TYPO], at=T0)
    sync_problems(db, site.id, scan_id, now=T0)
    return site


def test_webhook_once_per_event_with_retries(db, hook):
    veto_problem(db)
    config = AlertConfig(webhook_url=hook.url, retries=3, backoff=0.0)
    assert queue_alerts(db, config, now=T0) == 1  # only the veto-level problem
    assert queue_alerts(db, config, now=T0) == 0  # queued once
    waits: list[float] = []
    report = send_pending(db, config, sleep=waits.append)
    assert (report.sent, report.failed) == (1, 0) and len(waits) == 2  # two 500s, then delivered
    [payload] = hook.received
    assert payload["code"] == "hidden_link" and payload["evidence"] == "娱乐城"
    assert payload["message"] == "【单项否决】宁川县人民政府：暗链（娱乐城）"
    assert send_pending(db, config, sleep=waits.append).sent == 0 and len(hook.received) == 1


def test_a_failed_delivery_is_retried_later_and_a_reopened_problem_alerts_again(db):
    site = veto_problem(db)
    dead = Hook()
    dead_url = dead.url
    dead.close()  # nobody listens: refused
    config = AlertConfig(webhook_url=dead_url, retries=2, backoff=0.0, max_attempts=4)
    queue_alerts(db, config, now=T0)
    first = send_pending(db, config, sleep=lambda _: None)
    assert first.failed == 1 and "发送失败" in first.errors[0]
    live = Hook()
    try:
        config = AlertConfig(webhook_url=live.url, retries=2, backoff=0.0, max_attempts=4)
        assert send_pending(db, config, sleep=lambda _: None).sent == 1 and len(live.received) == 1
        # fixed, verified, then back: a new event
        for day in (1, 2):
            scan_id = store_scan(db, BASE, [TYPO], at=T0 + timedelta(days=day), pages=[BASE, BASE + "a.html"])
            sync_problems(db, site.id, scan_id)
        scan_id = store_scan(db, BASE, [HIDDEN, TYPO], at=T0 + timedelta(days=3))
        sync_problems(db, site.id, scan_id)
        assert queue_alerts(db, config) == 1
        assert send_pending(db, config, sleep=lambda _: None).sent == 1
        assert [p["reopened"] for p in live.received] == [0, 1]
    finally:
        live.close()


def test_false_alarms_are_not_alerted(db, hook):
    veto_problem(db)
    from govinspect.store import problems_repo as prepo

    hidden = next(p for p in prepo.list_problems(db) if p.code == "hidden_link")
    actions.change_state(db, hidden.id, "false_alarm", actor="李四", reason="站内折叠菜单")
    assert queue_alerts(db, AlertConfig(webhook_url=hook.url)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_email_on_loopback_smtp(db):
    controller_module = pytest.importorskip("aiosmtpd.controller")

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[bytes] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            self.messages.append(envelope.content)
            return "250 OK"

    inbox = Inbox()
    port = _free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        veto_problem(db)
        config = AlertConfig(smtp_host="127.0.0.1", smtp_port=port, mail_to=("office@127.0.0.1",), backoff=0.0)
        queue_alerts(db, config)
        assert send_pending(db, config).sent == 1
        assert send_pending(db, config).sent == 0
        [raw] = inbox.messages
        message = message_from_bytes(raw)
        assert str(make_header(decode_header(message["Subject"]))) == "【单项否决】宁川县人民政府：暗链（娱乐城）"
        assert "http://127.0.0.4:9/bet" in message.get_payload(decode=True).decode("utf-8")
    finally:
        controller.stop()


def test_alert_settings_are_validated():
    assert alert_config({"webhook_url": "http://127.0.0.1:9/x", "backoff": 2}).backoff == 2.0
    with pytest.raises(RegistryError, match="不认识的设置 webhook"):
        alert_config({"webhook": "x"})
    with pytest.raises(RegistryError, match="http://"):
        alert_config({"webhook_url": "127.0.0.1/x"})
    with pytest.raises(RegistryError, match="mail_to"):
        alert_config({"smtp_host": "127.0.0.1"})
    with pytest.raises(RegistryError, match="类型不对"):
        alert_config({"retries": "三"})

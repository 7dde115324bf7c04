"""Alerts on veto-level events: a webhook (JSON POST) and/or an e-mail (SMTP), once per event.

An event is a veto-severity problem opened or reopened (site down, home page stale, 暗链, leaked
ID number, serious error, ...). ``queue_alerts`` writes one row per event and channel — the row's
unique key (site, problem, how often it was reopened; channel) is what makes "once" hold across
restarts; ``send_pending`` delivers unsent rows with retries and records each attempt. A row that
failed every attempt stays unsent and is tried again by the next call, up to ``max_attempts``.
"""

from __future__ import annotations

import json
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from govinspect.findings import code_name
from govinspect.registry.model import RegistryError
from govinspect.store import problems_repo as prepo
from govinspect.store.db import Database
from govinspect.store.registry_repo import list_sites
from govinspect.store.schema_workflow import alerts
from govinspect.workflow.clock import as_utc, china, utcnow
from govinspect.workflow.states import ACTIVE

CHANNELS = ("webhook", "email")


@dataclass(frozen=True)
class AlertConfig:
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str | None = None
    mail_to: tuple[str, ...] = ()
    retries: int = 3  # attempts per send_pending call
    backoff: float = 1.0  # seconds before the second attempt, doubled after
    max_attempts: int = 12  # over all calls
    timeout: float = 10.0
    severities: tuple[str, ...] = ("veto",)

    @property
    def channels(self) -> list[str]:
        out = []
        if self.webhook_url:
            out.append("webhook")
        if self.smtp_host and self.mail_to:
            out.append("email")
        return out


_FIELDS: dict[str, type] = {
    "webhook_url": str, "smtp_host": str, "smtp_port": int, "smtp_user": str, "smtp_password": str,
    "smtp_starttls": bool, "mail_from": str, "mail_to": list, "retries": int, "backoff": float,
    "max_attempts": int, "timeout": float, "severities": list,
}


def alert_config(raw: dict[str, Any] | None, where: str = "告警设置") -> AlertConfig:
    """Validate an alerts mapping (from a YAML file or the settings); Chinese errors name the key."""
    values: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        kind = _FIELDS.get(key)
        if kind is None:
            raise RegistryError(f"{where}：不认识的设置 {key}（可用：{'、'.join(_FIELDS)}）")
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RegistryError(f"{where}：{key} 的值 {value!r} 类型不对")
        values[key] = tuple(str(v) for v in value) if isinstance(value, list) else value
    config = AlertConfig(**values)
    if config.webhook_url and not config.webhook_url.startswith(("http://", "https://")):
        raise RegistryError(f"{where}：webhook_url 应以 http:// 或 https:// 开头")
    if config.smtp_host and not config.mail_to:
        raise RegistryError(f"{where}：设置了 smtp_host 但没有收件人 mail_to")
    if config.retries < 1 or config.max_attempts < 1:
        raise RegistryError(f"{where}：retries 和 max_attempts 至少为 1")
    return config


def load_alert_config(path: Path) -> AlertConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError(f"告警设置文件不存在：{path}") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}：YAML 格式错误") from exc
    if raw is not None and not isinstance(raw, dict):
        raise RegistryError(f"{path}：告警设置应为“键: 值”的表")
    return alert_config(raw, str(path))


def queue_alerts(db: Database, config: AlertConfig, *, now: datetime | None = None) -> int:
    """One alert row per channel for every open veto-level problem not alerted yet; returns new rows."""
    channels = config.channels
    if not channels:
        return 0
    moment = as_utc(now) if now else utcnow()
    sites = {s.id: s for s in list_sites(db)}
    added = 0
    for problem in prepo.list_problems(db, states=list(ACTIVE)):
        if problem.severity not in config.severities:
            continue
        site = sites.get(problem.site_id)
        key = f"{problem.site_id}:{problem.fingerprint}:{problem.reopen_count}"
        name = code_name(problem.code)
        site_name = (site.name if site else "") or problem.site_url
        payload = {
            "event": "veto_problem",
            "message": f"【单项否决】{site_name}：{name}" + (f"（{problem.evidence}）" if problem.evidence else ""),
            "site": problem.site_url,
            "site_name": site_name,
            "problem_id": problem.id,
            "code": problem.code,
            "name": name,
            "page": problem.page,
            "target": problem.target,
            "evidence": problem.evidence,
            "unit": problem.unit_name,
            "reopened": problem.reopen_count,
            "found_at": china(problem.first_seen_at).isoformat(timespec="seconds"),
            "deadline": china(problem.deadline).isoformat(timespec="seconds") if problem.deadline else None,
        }
        for channel in channels:
            try:
                with db.engine.begin() as conn:
                    conn.execute(insert(alerts).values(
                        event_key=key, channel=channel, site_id=problem.site_id, code=problem.code,
                        payload=payload, created_at=moment, attempts=0,
                    ))
                added += 1
            except IntegrityError:
                continue  # this event was queued before: once means once
    return added


def _send_webhook(config: AlertConfig, payload: dict[str, Any]) -> None:
    assert config.webhook_url is not None
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        config.webhook_url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310 (http(s) checked)
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")


def _send_email(config: AlertConfig, payload: dict[str, Any]) -> None:
    message = EmailMessage()
    message["Subject"] = payload["message"]
    message["From"] = config.mail_from or "govinspect@localhost"
    message["To"] = ", ".join(config.mail_to)
    lines = [
        payload["message"],
        "",
        f"站点：{payload['site_name']}（{payload['site']}）",
        f"问题：{payload['name']}（问题编号 {payload['problem_id']}）",
        f"页面：{payload['page']}",
    ]
    if payload.get("target"):
        lines.append(f"目标：{payload['target']}")
    lines += [f"责任单位：{payload.get('unit') or '未分配'}", f"发现时间：{payload['found_at']}"]
    if payload.get("deadline"):
        lines.append(f"整改期限：{payload['deadline']}")
    message.set_content("\n".join(lines))
    assert config.smtp_host is not None
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password or "")
        smtp.send_message(message)


SENDERS: dict[str, Callable[[AlertConfig, dict[str, Any]], None]] = {"webhook": _send_webhook, "email": _send_email}


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_pending(
    db: Database, config: AlertConfig, *, now: Callable[[], datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Deliver every unsent alert, each with up to ``retries`` attempts (backoff doubling)."""
    report = SendReport()
    query = (
        select(alerts)
        .where(alerts.c.sent_at.is_(None), alerts.c.attempts < config.max_attempts)
        .order_by(alerts.c.id)
    )
    with db.engine.connect() as conn:
        rows = list(conn.execute(query).mappings())
    for row in rows:
        if row["channel"] not in config.channels:
            continue
        attempts = int(row["attempts"])
        error: str | None = None
        delay = config.backoff
        for attempt in range(config.retries):
            if attempts >= config.max_attempts:
                break
            attempts += 1
            try:
                SENDERS[row["channel"]](config, dict(row["payload"]))
                error = None
                break
            except (OSError, urllib.error.URLError, smtplib.SMTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                if attempt + 1 < config.retries:
                    sleep(delay)
                    delay *= 2
        values: dict[str, Any] = {"attempts": attempts, "last_error": error}
        if error is None:
            values["sent_at"] = as_utc(now())
            report.sent += 1
        else:
            report.failed += 1
            report.errors.append(f"告警 #{row['id']}（{row['channel']}）发送失败：{error}")
        with db.engine.begin() as conn:
            conn.execute(update(alerts).where(alerts.c.id == row["id"]).values(**values))
    return report

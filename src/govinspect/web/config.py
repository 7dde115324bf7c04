"""The console's limits and sizes, read from data/web/console.yaml and validated."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ConsoleConfigError(ValueError):
    """console.yaml cannot be used; the message (Chinese) names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoginThrottle(_Strict):
    max_failures: int = Field(ge=1, le=1000)
    window_minutes: int = Field(ge=1, le=24 * 60)


class SessionLimits(_Strict):
    lifetime_hours: int = Field(ge=1, le=24 * 30)
    idle_minutes: int = Field(ge=1, le=24 * 60 * 30)


class PageSizes(_Strict):
    page_size: int = Field(ge=1, le=1000)
    max_page_size: int = Field(ge=1, le=10000)
    evidence_rows: int = Field(ge=1, le=200)
    bulk_limit: int = Field(ge=1, le=10000)


class OverviewSettings(_Strict):
    cache_seconds: float = Field(ge=0, le=3600)
    trend_weeks: int = Field(ge=1, le=104)
    score_history_scans: int = Field(ge=1, le=100)
    availability_days: int = Field(ge=1, le=60)


class ScanJobSettings(_Strict):
    progress_every_seconds: float = Field(gt=0, le=60)
    max_running: int = Field(ge=1, le=32)


class ReportSettings(_Strict):
    max_export_rows: int = Field(ge=1, le=1_000_000)


class AccountRules(_Strict):
    min_password_length: int = Field(ge=1, le=256)


class ConsoleConfig(_Strict):
    accounts: AccountRules
    login_throttle: LoginThrottle
    session: SessionLimits
    pages: PageSizes
    overview: OverviewSettings
    scan_jobs: ScanJobSettings
    reports: ReportSettings


def parse_config(text: str, source: str) -> ConsoleConfig:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConsoleConfigError(f"{source} 不是有效的 YAML：{exc}") from exc
    if not isinstance(raw, dict):
        raise ConsoleConfigError(f"{source} 应为“键: 值”的表")
    try:
        return ConsoleConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ConsoleConfigError(f"{source}：{where}：{first.get('msg')}") from exc


@cache
def console_config() -> ConsoleConfig:
    text = resources.files("govinspect.data").joinpath("web/console.yaml").read_text("utf-8")
    return parse_config(text, "data/web/console.yaml")

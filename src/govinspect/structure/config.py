"""The structure checks' settings: data-file defaults overridden by the site's own settings.

A site's settings (``CheckContext.site_config``) may set, among others:

- ``columns``: ``{栏目网址或名称: 类型}`` (类型: 动态要闻/通知公告/政策文件/人事/规划计划/其他/忽略);
- ``column_limits``: ``{类型、栏目网址或名称: 时限}`` with 时限 like ``"14d"``, ``"6个月"``, ``"1年"``, ``null``;
- ``homepage_limit``, ``message_limit``, ``message_window``: 时限;
- ``require_review_footer``: true/false (unset: inferred from the site's articles);
- ``footer_items``: which footer items are required; ``subsites``: URL prefixes of sub-sites;
- ``messages``: CSS selectors of the message board (see structure/messages.py).

Wrong values raise ``ConfigError`` with a Chinese message naming the setting.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from govinspect.structure.rules import column_kind_rules, thresholds

IGNORE_KIND = "ignore"
_IGNORE_WORDS = {"ignore", "忽略", "不检查", "none"}
_DURATION = re.compile(r"^\s*(\d+)\s*(d|天|日|w|周|星期|m|个月|月|y|年)?\s*$", re.IGNORECASE)


class ConfigError(ValueError):
    """A site setting of the structure checks has a value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Limit:
    """A time limit counted back from the monitoring time point: days plus calendar months."""

    days: int = 0
    months: int = 0

    def cutoff(self, today: date) -> date:
        """The oldest date still within the limit."""
        return subtract_months(today, self.months) - timedelta(days=self.days)

    def describe(self) -> str:
        if self.months and self.months % 12 == 0 and not self.days:
            return f"{self.months // 12}年"
        if self.months and not self.days:
            return f"{self.months}个月"
        if self.days % 7 == 0 and self.days and not self.months:
            return f"{self.days // 7}周"
        parts = ([f"{self.months}个月"] if self.months else []) + ([f"{self.days}天"] if self.days else [])
        return "".join(parts) or "0天"


def subtract_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's last day)."""
    if months == 0:
        return day
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def add_months(day: date, months: int) -> date:
    return subtract_months(day, -months)


def parse_limit(value: Any, setting: str) -> Limit | None:
    """``14``/``"14d"``/``"2周"``/``"6m"``/``"6个月"``/``"1y"``/``"1年"`` → Limit; ``None`` → no limit."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConfigError(f'设置 {setting} 的值 {value!r} 不是时限（示例："14d"、"6个月"、"1年"）')
    if isinstance(value, int):
        if value < 0:
            raise ConfigError(f"设置 {setting} 的时限不能为负数：{value}")
        return Limit(days=value)
    match = _DURATION.match(str(value))
    if not match:
        raise ConfigError(f'设置 {setting} 的值 {value!r} 无法识别为时限（示例："14d"、"6个月"、"1年"）')
    number = int(match.group(1))
    unit = (match.group(2) or "d").lower()
    if unit in {"d", "天", "日"}:
        return Limit(days=number)
    if unit in {"w", "周", "星期"}:
        return Limit(days=7 * number)
    if unit in {"m", "个月", "月"}:
        return Limit(months=number)
    return Limit(months=12 * number)


def parse_kind(value: Any, setting: str) -> str:
    """A column kind given by id (dynamic) or label (动态要闻); 忽略/ignore excludes the column."""
    text = str(value).strip()
    if text.lower() in _IGNORE_WORDS:
        return IGNORE_KIND
    kinds = column_kind_rules().kinds
    if text in kinds:
        return text
    for kind, label in kinds.items():
        if text == label or (len(text) >= 2 and text in label):
            return kind
    labels = "、".join(kinds.values())
    raise ConfigError(f"设置 {setting} 的栏目类型 {value!r} 无法识别（可用：{labels}、忽略）")


def _number(value: Any, setting: str, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"设置 {setting} 应为数字，而不是 {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"设置 {setting} 应在 {low} 到 {high} 之间，而不是 {value}")
    return float(value)


def _flag(value: Any, setting: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"设置 {setting} 应为 true 或 false，而不是 {value!r}")
    return value


@dataclass
class StructureConfig:
    column_limits: dict[str, Limit | None]
    column_kind_overrides: dict[str, str] = field(default_factory=dict)
    column_limit_overrides: dict[str, Limit | None] = field(default_factory=dict)
    homepage_limit: Limit | None = None
    message_limit: Limit | None = None
    message_window: Limit | None = None
    undated_column_stale: bool = False
    require_review_footer: bool | None = None
    review_footer_share: float = 0.5
    review_footer_min_articles: int = 5
    footer_items: tuple[str, ...] = ()
    subsites: tuple[str, ...] = ()
    mobile_width: int = 375
    mobile_overflow_tolerance: int = 8
    mobile_max_renders: int = 30
    network_timeout: float = 8.0
    https_required: bool = True
    message_selectors: dict[str, str] = field(default_factory=dict)

    def limit_for(self, kind: str, url: str, name: str) -> Limit | None:
        """A column's limit: its own override (by URL, then name), then its kind's."""
        for key in (url, name, kind, column_kind_rules().kinds.get(kind, "")):
            if key and key in self.column_limit_overrides:
                return self.column_limit_overrides[key]
        return self.column_limits.get(kind)


_KNOWN_FOOTER_ITEMS = ("site_code", "icp", "psb_filing", "party_gov_logo", "sponsor")


def load_config(site_config: dict[str, Any] | None) -> StructureConfig:
    """Defaults from data/structure/thresholds.yaml, overridden by the site's settings."""
    cfg = dict(site_config or {})
    t = thresholds()

    def pick(key: str, default: Any) -> Any:
        return cfg.get(key, default)

    limits = {kind: parse_limit(th.value, f"column_limits.{kind}") for kind, th in t.column_limits.items()}
    kind_overrides: dict[str, str] = {}
    raw_columns = pick("columns", {}) or {}
    if not isinstance(raw_columns, dict):
        raise ConfigError("设置 columns 应为 {栏目网址或名称: 类型} 的表")
    for key, value in raw_columns.items():
        kind_overrides[str(key).strip()] = parse_kind(value, f"columns.{key}")
    limit_overrides: dict[str, Limit | None] = {}
    raw_limits = pick("column_limits", {}) or {}
    if not isinstance(raw_limits, dict):
        raise ConfigError("设置 column_limits 应为 {类型、栏目网址或名称: 时限} 的表")
    for key, value in raw_limits.items():
        name = str(key).strip()
        limit = parse_limit(value, f"column_limits.{name}")
        # a kind given by its label or id applies to the kind id as well
        try:
            kind = parse_kind(name, f"column_limits.{name}")
        except ConfigError:
            kind = ""
        if kind and kind != IGNORE_KIND and (name in column_kind_rules().kinds.values() or name == kind):
            limits[kind] = limit
        limit_overrides[name] = limit

    footer_items = pick("footer_items", t.footer_items.value)
    if not isinstance(footer_items, list) or any(i not in _KNOWN_FOOTER_ITEMS for i in footer_items):
        raise ConfigError(f"设置 footer_items 应为以下项目的列表：{'、'.join(_KNOWN_FOOTER_ITEMS)}")
    subsites = pick("subsites", [])
    if not isinstance(subsites, list) or not all(isinstance(s, str) for s in subsites):
        raise ConfigError("设置 subsites 应为子站网址前缀的列表")
    selectors = pick("messages", {}) or {}
    if not isinstance(selectors, dict) or not all(isinstance(v, str) for v in selectors.values()):
        raise ConfigError("设置 messages 应为 {字段: CSS 选择器} 的表")
    require = pick("require_review_footer", None)
    return StructureConfig(
        column_limits=limits,
        column_kind_overrides=kind_overrides,
        column_limit_overrides=limit_overrides,
        homepage_limit=parse_limit(pick("homepage_limit", t.homepage_limit.value), "homepage_limit"),
        message_limit=parse_limit(pick("message_limit", t.message_limit.value), "message_limit"),
        message_window=parse_limit(pick("message_window", t.message_window.value), "message_window"),
        undated_column_stale=_flag(
            pick("undated_column_stale", t.undated_column_stale.value), "undated_column_stale"
        ),
        require_review_footer=None if require is None else _flag(require, "require_review_footer"),
        review_footer_share=_number(
            pick("review_footer_share", t.review_footer_share.value), "review_footer_share", low=0, high=1
        ),
        review_footer_min_articles=int(
            _number(
                pick("review_footer_min_articles", t.review_footer_min_articles.value),
                "review_footer_min_articles",
                low=1,
                high=1e9,
            )
        ),
        footer_items=tuple(footer_items),
        subsites=tuple(subsites),
        mobile_width=int(
            _number(pick("mobile_width", t.mobile_width.value), "mobile_width", low=200, high=2000)
        ),
        mobile_overflow_tolerance=int(
            _number(
                pick("mobile_overflow_tolerance", t.mobile_overflow_tolerance.value),
                "mobile_overflow_tolerance",
                low=0,
                high=500,
            )
        ),
        mobile_max_renders=int(
            _number(
                pick("mobile_max_renders", t.mobile_max_renders.value),
                "mobile_max_renders",
                low=0,
                high=10_000,
            )
        ),
        network_timeout=_number(
            pick("network_timeout", t.network_timeout.value), "network_timeout", low=0.1, high=120
        ),
        https_required=_flag(pick("https_required", t.https_required.value), "https_required"),
        message_selectors={str(k): str(v) for k, v in selectors.items()},
    )


def config_from(ctx: Any) -> StructureConfig:
    """The config of a CheckContext, built once per context and kept in its cache."""
    cache: dict[str, Any] = ctx.cache
    key = "structure.config"
    if key not in cache:
        cache[key] = load_config(ctx.site_config)
    config: StructureConfig = cache[key]
    return config

"""Settings of the structure checks: defaults from data files, site overrides, Chinese errors."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.structure.config import ConfigError, Limit, add_months, load_config, parse_kind, parse_limit
from govinspect.structure.rules import (
    RulesError,
    _load,
    column_kind_rules,
    footer_rules,
    thresholds,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (14, Limit(days=14)),
        ("14d", Limit(days=14)),
        ("2周", Limit(days=14)),
        ("6m", Limit(months=6)),
        ("6个月", Limit(months=6)),
        ("1年", Limit(months=12)),
        ("1y", Limit(months=12)),
        (None, None),
    ],
)
def test_parse_limit(value: object, expected: Limit | None) -> None:
    assert parse_limit(value, "x") == expected


@pytest.mark.parametrize("value", ["半年", "-3d", True, "14 weeks"])
def test_parse_limit_rejects_with_the_setting_named(value: object) -> None:
    with pytest.raises(ConfigError, match="设置 homepage_limit"):
        parse_limit(value, "homepage_limit")


def test_limits_count_calendar_months() -> None:
    assert Limit(months=6).cutoff(date(2024, 8, 31)) == date(2024, 2, 29)
    assert Limit(days=14).cutoff(date(2024, 3, 1)) == date(2024, 2, 16)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert Limit(months=6).describe() == "6个月" and Limit(days=14).describe() == "2周"


def test_defaults_come_from_the_data_files() -> None:
    config = load_config({})
    assert config.column_limits["dynamic"] == Limit(days=14)
    assert config.column_limits["notice"] == Limit(months=6)
    assert config.column_limits["other"] is None
    assert config.homepage_limit == Limit(days=14)
    assert config.message_limit == Limit(months=3)
    assert config.message_window == Limit(months=12)
    assert config.footer_items == ("site_code", "icp", "psb_filing", "party_gov_logo", "sponsor")
    assert config.require_review_footer is None


def test_every_threshold_names_its_source() -> None:
    table = thresholds()
    assert table.homepage_limit.status == "C2" and "V3" in table.homepage_limit.source
    assert table.undated_column_stale.status == "U"  # unconfirmed: a setting, default off
    assert set(table.column_limits) == set(column_kind_rules().kinds)


def test_site_overrides() -> None:
    config = load_config(
        {
            "homepage_limit": "7d",
            "require_review_footer": True,
            "footer_items": ["site_code", "icp"],
            "messages": {"item": "tr.msg"},
            "column_limits": {"通知公告": "3个月"},
        }
    )
    assert config.homepage_limit == Limit(days=7)
    assert config.require_review_footer is True
    assert config.footer_items == ("site_code", "icp")
    assert config.message_selectors == {"item": "tr.msg"}
    assert config.column_limits["notice"] == Limit(months=3)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"footer_items": ["logo"]}, "footer_items"),
        ({"require_review_footer": "yes"}, "require_review_footer"),
        ({"review_footer_share": 2}, "review_footer_share"),
        ({"columns": ["通知公告"]}, "columns"),
        ({"messages": {"item": 3}}, "messages"),
    ],
)
def test_bad_site_settings(setting: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(setting)


def test_kind_names() -> None:
    assert parse_kind("动态要闻", "x") == "dynamic"
    assert parse_kind("notice", "x") == "notice"
    assert parse_kind("忽略", "x") == "ignore"


def test_data_files_are_validated() -> None:
    assert set(footer_rules().items) == {"site_code", "icp", "psb_filing", "party_gov_logo", "sponsor"}
    with pytest.raises(RulesError, match="无法读取数据文件"):
        _load("no-such-file.yaml", type(thresholds()))

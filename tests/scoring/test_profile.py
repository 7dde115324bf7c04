"""The national profile carries the spec's numbers with their status; local profiles extend it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govinspect.scoring.profile import ProfileError, load_profile, national_profile


def test_national_thresholds_are_the_specs():
    profile = national_profile()
    rule = profile.pass_rule
    assert (rule.deduction_total.value, rule.pass_line.value, rule.bonus_gate.value, rule.bonus_total.value) == (
        100, 60, 80, 30,
    )
    assert rule.bonus_site_kinds == ("portal",)
    assert [v.id for v in profile.veto] == ["V1", "V2", "V3", "V4", "V5", "V6"]
    v2 = profile.veto_item("V2")
    assert v2 is not None
    assert {k: v.value for k, v in v2.params.items()} == {
        "window_days": 7, "probes_per_day": 20, "timeout_seconds": 15, "failure_share": 0.05,
    }
    v4 = profile.veto_item("V4")
    assert v4 is not None and [r.min_count.value for r in v4.rules] == [5, 10, 5]
    assert all(r.min_count.status == "C2" for r in v4.rules)
    v1 = profile.veto_item("V1")
    assert v1 is not None and all(r.judgement for r in v1.rules)
    assert {c for r in v1.rules for c in r.codes} >= {"serious_error", "secret_marking", "hidden_link", "privacy_leak"}


def test_confirmed_and_unconfirmed_deductions_are_told_apart():
    profile = national_profile()
    confirmed = {d.id: d.points.value for d in profile.deductions if not d.unconfirmed}
    assert confirmed == {"D1": 5, "D2": 2, "D3": 3}
    assert all(d.points.status == "C" for d in profile.deductions if not d.unconfirmed)
    unconfirmed = [d for d in profile.deductions if d.unconfirmed]
    assert unconfirmed and all(d.points.status == "U" for d in unconfirmed)
    assert all(b.unconfirmed for b in profile.bonus)


def write(tmp_path: Path, document: object, name: str = "local.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_local_profile_overrides_adds_and_removes(tmp_path: Path):
    path = write(
        tmp_path,
        {
            "id": "local-test",
            "name": "某市检查指标",
            "pass_rule": {"pass_line": 72, "deduction_total": 120},
            "deductions": [
                {"id": "U3", "points": 1, "cap": 10},
                {"id": "L1", "name": "未使用HTTPS", "group": "功能设计", "codes": ["https_missing"], "per": "site", "points": 2},
            ],
            "remove": ["U9"],
        },
    )
    profile = load_profile(path)
    assert (profile.id, profile.pass_rule.pass_line.value, profile.pass_rule.deduction_total.value) == ("local-test", 72, 120)
    by_id = {d.id: d for d in profile.deductions}
    assert by_id["U3"].points.value == 1 and by_id["U3"].points.status == "local"
    assert by_id["U3"].name == "链接不可用（断链、错链）"  # the untouched fields stay national
    assert by_id["L1"].codes == ("https_missing",)
    assert "U9" not in by_id
    assert national_profile().pass_rule.pass_line.value == 60  # the national one is untouched


def test_a_profile_may_extend_a_local_profile(tmp_path: Path):
    write(tmp_path, {"id": "province", "name": "省", "pass_rule": {"pass_line": 70}}, "province.yaml")
    city = write(tmp_path, {"extends": "province.yaml", "id": "city", "name": "市"}, "city.yaml")
    assert load_profile(city).pass_rule.pass_line.value == 70
    loop = write(tmp_path, {"extends": "loop.yaml", "id": "x", "name": "x"}, "loop.yaml")
    with pytest.raises(ProfileError, match="循环"):
        load_profile(loop)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"deductions": [{"id": "L1", "name": "x", "group": "功能设计", "codes": ["no_such_code"], "points": 1}]}, "未知的问题代码 no_such_code"),
        ({"deductions": [{"id": "L1", "name": "x", "group": "无此分组", "codes": ["typo"], "points": 1}]}, "分组 无此分组"),
        ({"deductions": [{"id": "L1", "name": "x", "group": "功能设计", "codes": ["typo"], "points": {"value": 1, "status": "U"}}]}, "须标注 unconfirmed"),
        ({"deductions": [{"id": "L1", "name": "x", "group": "功能设计", "codes": ["typo"], "points": {"value": 1, "status": "maybe"}}]}, "status 'maybe' 无效"),
        ({"deductions": [{"id": "L1", "name": "x", "group": "功能设计", "codes": ["typo"], "points": "三分"}]}, "应为数字"),
        ({"deductions": [{"id": "L1", "name": "x", "group": "功能设计", "points": 1}]}, "manual: true"),
        ({"deductions": [{"id": "L1", "name": "x", "group": "功能设计", "codes": ["typo"], "points": 1, "per": "day"}]}, "per 'day' 无效"),
        ({"deductions": [{"name": "无编号"}]}, "都要有 id"),
        ({"veto": [{"id": "V2", "rules": []}]}, "rules 应为非空列表"),
        ({"veto": [{"id": "V9", "name": "x", "rules": [{"label": "x", "min_count": 1}]}]}, "人工判断"),
        ({"pass_rule": {"pass_line": 120}}, "合格线"),
        ({"remove": ["Z9"]}, "Z9 不是已有的项目编号"),
        ({"scores": []}, "不认识的部分 scores"),
        ({"bonus": [{"id": "D1", "name": "重复", "max": 1}]}, "编号 D1 重复"),
    ],
)
def test_bad_local_profiles_are_clear_errors(tmp_path: Path, document, message):
    path = write(tmp_path, document)
    with pytest.raises(ProfileError, match=message) as info:
        load_profile(path)
    assert str(path) in str(info.value)


def test_unreadable_profile_files(tmp_path: Path):
    with pytest.raises(ProfileError, match="不存在"):
        load_profile(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("deductions: [\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="YAML 格式错误"):
        load_profile(bad)

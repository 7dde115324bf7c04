"""The pass rule, veto thresholds, candidates awaiting confirmation, deductions, caps and bonus."""

from __future__ import annotations

from typing import Any

import pytest

from govinspect.findings import Finding
from govinspect.scoring.engine import Judgement, ScoreInput, score
from govinspect.scoring.profile import build_profile, national_profile

BASE = "http://127.0.0.1:8080/"
NATIONAL = national_profile()


def stale(index: int, kind: str = "动态要闻") -> Finding:
    return Finding("column_stale", page=f"{BASE}col/c{index}/", evidence=f"栏目{index}", detail={"column": f"栏目{index}", "kind": kind})


def empty(index: int) -> Finding:
    return Finding("column_empty", page=f"{BASE}col/e{index}/", evidence="暂无信息", detail={"column": f"空{index}", "kind": "其他"})


def broken(index: int, target: int | None = None) -> Finding:
    return Finding("broken_link", page=f"{BASE}a{index}.html", target=f"{BASE}gone{index if target is None else target}.html", evidence="链接")


def run(findings: list[Finding], **kwargs: Any):
    return score(NATIONAL, ScoreInput(findings=findings, **kwargs))


def veto_status(result, item_id: str) -> str:
    return next(v.status for v in result.vetoes if v.item.id == item_id)


def test_a_clean_site_passes_with_full_marks():
    result = run([], site_kind="department")
    assert result.verdict == "合格" and result.total == 100 and not result.vetoed
    assert all(v.status == "通过" for v in result.vetoes)


def test_homepage_stale_is_a_veto_and_stops_scoring():
    home = Finding("homepage_stale", page=BASE, evidence="旧新闻", detail={"days_since": 30})
    result = run([home, broken(1)], site_kind="portal")
    assert veto_status(result, "V3") == "否决"
    v3 = next(v for v in result.vetoes if v.item.id == "V3")
    assert v3.rules[0].findings == [home]
    assert result.verdict == "不合格" and result.total is None
    assert result.deduction_points == 0.5  # still listed for rectification
    assert any("单项否决" in n for n in result.notes)


@pytest.mark.parametrize(("count", "vetoed"), [(4, False), (5, True)])
def test_stale_dynamic_and_notice_columns_veto_at_five(count, vetoed):
    kinds = ["动态要闻", "通知公告"]
    findings = [stale(i, kinds[i % 2]) for i in range(count)]
    assert run(findings).vetoed is vetoed


def test_columns_of_other_kinds_count_only_towards_the_ten_rule():
    nine = [stale(i, "其他") for i in range(9)]
    assert not run(nine).vetoed
    result = run([*nine, stale(9, "其他")])
    v4 = next(v for v in result.vetoes if v.item.id == "V4")
    assert [r.count for r in v4.rules] == [0, 10, 0] and v4.failed


@pytest.mark.parametrize(("count", "vetoed"), [(4, False), (5, True)])
def test_empty_columns_veto_at_five(count, vetoed):
    assert run([empty(i) for i in range(count)]).vetoed is vetoed


def test_a_serious_error_is_a_candidate_until_a_person_confirms_it():
    error = Finding("serious_error", page=BASE + "a.html", evidence="错误的提法")
    fp = error.fingerprint()
    pending = run([error])
    assert veto_status(pending, "V1") == "待确认" and pending.pending == 1 and pending.verdict == "合格"
    assert any("待人工确认" in n for n in pending.notes)
    confirmed = run([error], judgements=[Judgement("V1", "confirmed", fingerprint=fp)])
    assert veto_status(confirmed, "V1") == "否决" and confirmed.verdict == "不合格" and confirmed.pending == 0
    rejected = run([error], judgements=[Judgement("V1", "confirmed", fingerprint=fp), Judgement("V1", "rejected", fingerprint=fp)])
    assert veto_status(rejected, "V1") == "通过" and rejected.verdict == "合格"  # the last word counts


def test_findings_marked_false_alarm_are_left_out():
    home = Finding("homepage_stale", page=BASE)
    result = run([home], excluded=frozenset({home.fingerprint()}))
    assert not result.vetoed


def test_judgement_only_item_counts_once_confirmed():
    assert not run([]).vetoed
    result = run([], judgements=[Judgement("V5.2", "confirmed", reason="网站无咨询渠道")])
    assert veto_status(result, "V5") == "否决"
    assert any("V6.1" in n for n in result.notes)  # the items nobody judged are named


def test_a_finding_is_never_deducted_twice():
    policy = stale(1, "政策文件")
    result = run([policy, stale(2, "动态要闻")])
    by_id = {d.item.id: d for d in result.deductions}
    assert by_id["D1"].points == 5 and by_id["D1"].findings == [policy]
    assert by_id["U1"].points == 2 and len(by_id["U1"].findings) == 1  # only the other column
    assert result.total == 93


def test_caps_and_counting_per_target():
    same_target = [broken(i, target=0) for i in range(40)]  # one dead link on 40 pages
    assert run(same_target).deduction_points == 0.5
    many = [broken(i) for i in range(30)]  # 30 dead targets: 15 points, capped at 5
    result = run(many)
    links = next(d for d in result.deductions if d.item.id == "U3")
    assert (links.units, links.raw_points, links.points) == (30, 15, 5)
    assert any("未核实" in n for n in result.notes)


def test_manual_deduction_recorded_by_a_person():
    result = run([], judgements=[Judgement("D2", "confirmed", reason="办事统计停在去年")])
    assert result.total == 98


TEST_PROFILE: dict[str, Any] = {
    "id": "test",
    "name": "测试方案",
    "pass_rule": {"deduction_total": 100, "pass_line": 60, "bonus_gate": 80, "bonus_total": 30,
                  "no_service": {"group": "办事服务", "group_points": 25}},
    "groups": [{"name": "内容"}, {"name": "办事服务", "points": 25}],
    "veto": [],
    "deductions": [
        {"id": "T1", "name": "错别字", "group": "内容", "codes": ["typo"], "points": 10},
        {"id": "T2", "name": "断链", "group": "办事服务", "codes": ["broken_link"], "points": 10},
    ],
    "bonus": [{"id": "B1", "name": "创新", "max": 20}, {"id": "B2", "name": "搜索", "max": 20}],
}


def typos(n: int) -> list[Finding]:
    return [Finding("typo", page=f"{BASE}t{i}.html", evidence="错字") for i in range(n)]


@pytest.mark.parametrize(("n", "verdict", "total"), [(4, "合格", 60), (5, "不合格", 50)])
def test_exactly_sixty_passes(n, verdict, total):
    result = score(build_profile(TEST_PROFILE, "test"), ScoreInput(findings=typos(n)))
    assert (result.verdict, result.total) == (verdict, total)


def test_group_cap():
    result = score(build_profile(TEST_PROFILE, "test"), ScoreInput(findings=[broken(i) for i in range(4)]))
    assert result.deduction_points == 25  # 40 raw, the group is worth 25


def test_no_service_sites_are_scaled():
    profile = build_profile(TEST_PROFILE, "test")
    result = score(profile, ScoreInput(findings=[*typos(1), broken(1)], settings={"no_service": True}))
    # 办事服务 is not scored; (75 − 10) × 4/3
    assert result.score == pytest.approx(86.67, abs=0.01)
    assert any("无对外服务功能" in n for n in result.notes)


@pytest.mark.parametrize(
    ("kind", "n_typos", "expected_total", "applied"),
    [("portal", 1, 90 + 20 + 10, True), ("department", 1, 90, False), ("portal", 2, 80, False), (None, 0, 100, False)],
)
def test_bonus_only_for_portals_above_eighty(kind, n_typos, expected_total, applied):
    words = [Judgement("B1", "confirmed", points=25), Judgement("B2", "confirmed", points=10)]  # B1 capped at 20
    result = score(build_profile(TEST_PROFILE, "test"), ScoreInput(findings=typos(n_typos), site_kind=kind, judgements=words))
    assert result.bonus_applied is applied
    assert result.total == expected_total

"""The engine as a whole: the demo site's plants, clean prose, finding fields, duplicates."""

from __future__ import annotations

from govinspect.findings import Finding
from govinspect.text import CODES, TextEngine
from govinspect.text.privacy import id_check_char

from .conftest import PAGE, TODAY

VALID_ID = "11010119900307757" + id_check_char("11010119900307757")

# what the demo site plants, one per line
PLANTED = f"""关于做好2024年防汛工作的布署
各单位要再接再励，认真学习党的20大精神。
北朝鲜代表团来访。
本站首页出现六合彩广告和网上赌场链接。
申请人身份证号{VALID_ID}，联系电话13812345678。
机密★1年
（一）总体要求
（二）主要任务
（二）保障措施
（四）工作要求
"""

CLEAN = """为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提升政务服务水平，现将有关事项通知如下。
一、总体要求
坚持以人民为中心的发展思想，围绕企业和群众办事需求，推进政务服务标准化、规范化、便利化。
二、主要任务
（一）深化“一网通办”改革。截至2023年底，全市政务服务事项网上可办率达到98%。
（二）加强政务公开。按照信息公开有关规定，及时公开政策文件和解读材料。
三、保障措施
各部门要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。
联系电话：0791-86123456，传真：0791-86123457。福利彩票、体育彩票销售网点照常营业。
要严格遵守保密纪律，保守国家机密，不得泄露工作秘密。
"""


def _by_code(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_every_demo_plant_is_found(engine: TextEngine) -> None:
    found = _by_code(engine.check(PLANTED, page=PAGE, now=TODAY))
    assert set(found) == set(CODES)
    evidence = {(f.code, f.evidence) for f in engine.check(PLANTED, page=PAGE, now=TODAY)}
    for expected in [
        ("typo", "布署"),
        ("typo", "再接再励"),
        ("serious_error", "党的20大"),
        ("serious_error", "北朝鲜"),
        ("sensitive_word", "六合彩"),
        ("sensitive_word", "网上赌场"),
        ("privacy_leak", VALID_ID),
        ("privacy_leak", "13812345678"),
        ("secret_marking", "机密★1年"),
        ("numbering_error", "（二）"),
    ]:
        assert expected in evidence, expected
    suggestions = {f.evidence: f.suggestion for f in engine.check(PLANTED, page=PAGE, now=TODAY)}
    assert suggestions["布署"] == "部署"
    assert suggestions["再接再励"] == "再接再厉"
    assert suggestions["党的20大"] == "党的二十大"
    assert suggestions["北朝鲜"] == "朝鲜"


def test_clean_official_prose_gives_nothing(engine: TextEngine) -> None:
    assert engine.check(CLEAN, page=PAGE, now=TODAY) == []


def test_finding_fields(engine: TextEngine) -> None:
    findings = engine.check(PLANTED, page=PAGE, target="http://127.0.0.1:8080/a.docx", now=TODAY)
    for f in findings:
        assert f.page == PAGE
        assert f.target == "http://127.0.0.1:8080/a.docx"
        for key in ("rule", "list", "context", "offset"):
            assert key in f.detail, (f.code, key)
        offset = f.detail["offset"]
        assert PLANTED[offset : offset + len(f.evidence or "")] == f.evidence
        assert f.evidence and f.evidence in f.detail["context"]
        assert f.to_json()["code"] == f.code
    severities = {f.code: f.severity for f in findings}
    assert severities["serious_error"] == "veto"
    assert severities["typo"] == "deduct"


def test_no_two_identical_findings_on_a_page(engine: TextEngine) -> None:
    text = "布署工作。布署工作。\n六合彩六合彩"
    findings = engine.check(text, page=PAGE, now=TODAY)
    prints = [f.fingerprint() for f in findings]
    assert len(prints) == len(set(prints))
    assert [f.detail["offset"] for f in findings if f.code == "typo"] == [0, 5]


def test_overlapping_hits_keep_the_graver_code(engine: TextEngine) -> None:
    findings = engine.check("坚决反对台湾总统选举的说法", page=PAGE, now=TODAY)
    assert [f.code for f in findings] == ["serious_error"]


def test_engine_is_cached() -> None:
    assert TextEngine.load() is TextEngine.load()
    assert TextEngine.load(None, {"text": {"allow": ["甲乙"]}}) is not TextEngine.load()


def test_empty_and_non_chinese_text(engine: TextEngine) -> None:
    assert engine.check("", page=PAGE) == []
    assert engine.check("hello world 12345 ...", page=PAGE) == []

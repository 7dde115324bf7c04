"""Each detector on planted text, and its look-alikes in clean text."""

from __future__ import annotations

import pytest

from govinspect.text import TextEngine
from govinspect.text.privacy import id_check_char, luhn_ok

from .conftest import PAGE, TODAY


def _found(engine: TextEngine, text: str, code: str) -> list[tuple[str | None, str | None]]:
    return [(f.evidence, f.suggestion) for f in engine.check(text, page=PAGE, now=TODAY) if f.code == code]


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


# --- typo ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence", "suggestion"),
    [
        ("要认真惯彻落实会议精神", "惯彻", "贯彻"),
        ("即使遇到困难，既使再难也要完成", "既使", "即使"),
        ("会议由市政府付秘书长主持", "付秘书长", "副秘书长"),
        ("截止2023年12月31日，全市共有企业", "截止", "截至"),
        ("加强生态环境保户工作", "保户", "保护"),  # statistical: no list entry for 保户
    ],
)
def test_typos_found(engine: TextEngine, text: str, evidence: str, suggestion: str) -> None:
    assert (evidence, suggestion) in _found(engine, text, "typo")


@pytest.mark.parametrize(
    "text",
    [
        "申报截止日期为5月1日",  # 截止 not followed by a date
        "报名于2023年6月30日截止",
        "截止到2023年底",  # accepted usage
        "支付主任医师诊疗费用",  # 付主任 inside 支付主任
        "作者：欧阳静雯",  # a given name after a surname
    ],
)
def test_typo_lookalikes_not_flagged(engine: TextEngine, text: str) -> None:
    assert _found(engine, text, "typo") == []


def test_statistical_typo_marks_the_wrong_character(engine: TextEngine) -> None:
    findings = [f for f in engine.check("加强生态环境保户工作", page=PAGE) if f.code == "typo"]
    assert findings[0].detail["positions"] == ["加强生态环境保户工作".index("户")]


# --- serious_error ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence", "suggestion"),
    [
        ("深入学习党的20大精神", "党的20大", "党的二十大"),
        ("编制14五规划", "14五", "“十四五”"),
        ("党的19届4中全会", "19届4中全会", "十九届四中全会"),
        ("增强4个意识", "4个", "四个"),
        ("南朝鲜总统访华", "南朝鲜", "韩国"),
        ("推进一带一路战略", "一带一路战略", "一带一路倡议"),
        ("他是一名残废人", "残废人", "残疾人"),
    ],
)
def test_wrong_formulations(engine: TextEngine, text: str, evidence: str, suggestion: str) -> None:
    assert (evidence, suggestion) in _found(engine, text, "serious_error")


def test_roster_title_errors(engine: TextEngine) -> None:
    assert _found(engine, "李强总书记在会上指出", "serious_error") == [("李强总书记", None)]
    assert _found(engine, "国务院总理张三主持会议", "serious_error") == [("国务院总理张三", None)]
    # right titles, former holders and shared short forms are fine
    for text in ["国务院总理李强主持会议", "习近平总书记强调", "国家主席习近平签署主席令", "国务院总理李克强主持会议"]:
        assert _found(engine, text, "serious_error") == [], text


def test_fallen_officials_not_as_current(engine: TextEngine) -> None:
    assert _found(engine, "市委书记孙政才出席会议", "serious_error") == [("市委书记孙政才", None)]
    for text in ["原重庆市委书记孙政才严重违纪违法案", "孙政才案警示教育大会", "孙政才被开除党籍"]:
        assert _found(engine, text, "serious_error") == [], text


def test_banned_term_allow_context(engine: TextEngine) -> None:
    assert _found(engine, "台湾与中国大陆的交流", "serious_error") == []
    assert _found(engine, "台湾与中国的关系", "serious_error") != []


# --- sensitive_word -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("最新六合彩开奖结果", "六合彩"),
        ("网上赌场注册就送", "网上赌场"),
        ("六 合 彩 免费资料", "六 合 彩"),
        ("六*合*彩 免费资料", "六*合*彩"),
        ("网上賭場 在线开户", "网上賭場"),  # traditional characters
        ("ＢＥＴ３６５ 官网", "ＢＥＴ３６５"),  # full-width letters and digits
        ("百家-乐真人荷官", "百家-乐"),
    ],
)
def test_sensitive_words_found_as_printed(engine: TextEngine, text: str, evidence: str) -> None:
    found = [f for f in engine.check(text, page=PAGE) if f.code == "sensitive_word"]
    assert evidence in [f.evidence for f in found]
    assert all(f.detail["category"] for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "本市体育彩票投注站销售公告",  # allow-list: 体育彩票投注 contains 彩票投注
        "福利彩票投注站照常营业",
        "公安机关严厉打击网络赌博平台",  # reporting on the fight against it
        "服务百家，乐在其中",  # Chinese punctuation is never dropped between words
    ],
)
def test_sensitive_lookalikes_not_flagged(engine: TextEngine, text: str) -> None:
    assert _found(engine, text, "sensitive_word") == []


# --- privacy_leak -------------------------------------------------------------------------


def test_id_numbers(engine: TextEngine) -> None:
    valid = _id("11010119900307757")
    assert _found(engine, f"身份证号：{valid}", "privacy_leak") == [(valid, valid[:4] + "*" * 10 + valid[-4:])]
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    assert _found(engine, f"身份证号：{wrong_check}", "privacy_leak") == []
    bad_region = _id("99010119900307757")
    assert _found(engine, f"证号 {bad_region}", "privacy_leak") == []
    bad_date = _id("11010119901332757")  # month 13
    assert _found(engine, f"证号 {bad_date}", "privacy_leak") == []
    future = _id("11010120300101123")  # born after the monitoring time point
    assert _found(engine, f"证号 {future}", "privacy_leak") == []


def test_id15_needs_context(engine: TextEngine) -> None:
    assert _found(engine, "身份证号码：110101900307123", "privacy_leak") == [("110101900307123", "1101*******7123")]
    assert _found(engine, "订单号110101900307123", "privacy_leak") == []


def test_masked_numbers_and_landlines_are_not_leaks(engine: TextEngine) -> None:
    text = "身份证号5101********1234，手机138****5678，电话010-12345678、0791-86123456，邮编330000。"
    assert _found(engine, text, "privacy_leak") == []


def test_mobile_numbers_as_printed(engine: TextEngine) -> None:
    assert _found(engine, "联系人：王先生 138 1234 5678", "privacy_leak") == [("138 1234 5678", "138****5678")]
    assert _found(engine, "手机：+86-13912345678", "privacy_leak") == [("13912345678", "139****5678")]
    assert _found(engine, "编号 213912345678901", "privacy_leak") == []


def test_bank_cards(engine: TextEngine) -> None:
    card = "6222021001123456789"
    assert luhn_ok(card)
    assert _found(engine, f"开户行账号 {card}", "privacy_leak") == [(card, "6222***********6789")]
    assert _found(engine, "卡号 6222 0210 0112 3456 789", "privacy_leak") == [("6222 0210 0112 3456 789", "6222***********6789")]
    assert _found(engine, "卡号 6222021001123456780", "privacy_leak") == []  # Luhn fails
    assert _found(engine, "订单编号 6222021001123456789", "privacy_leak") == []


# --- secret_marking -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("机密★1年\n关于某某的通知", "机密★1年"),
        ("绝密★长期", "绝密★长期"),
        ("秘密☆", "秘密☆"),
        ("密级：机密", "密级：机密"),
        ("标题\n秘密\n正文", "秘密"),
        ("内部资料 注意保存", "内部资料 注意保存"),
        ("内部资料，请勿外传", "内部资料，请勿外传"),
    ],
)
def test_secret_marks(engine: TextEngine, text: str, evidence: str) -> None:
    assert [e for e, _ in _found(engine, text, "secret_marking")] == [evidence]


@pytest.mark.parametrize(
    "text",
    ["要保守国家机密，严守工作秘密。", "加强商业秘密保护", "机密文件管理办法", "内部资料室开放时间"],
)
def test_secret_words_in_prose_not_flagged(engine: TextEngine, text: str) -> None:
    assert _found(engine, text, "secret_marking") == []


# --- numbering_error ----------------------------------------------------------------------


def test_numbering_repeated_number(engine: TextEngine) -> None:
    text = "（一）总体要求\n（二）主要任务\n（二）保障措施\n（四）工作要求"
    findings = [f for f in engine.check(text, page=PAGE) if f.code == "numbering_error"]
    assert [(f.evidence, f.suggestion) for f in findings] == [("（二）", "（三）")]
    assert findings[0].detail["sequence"] == ["（一）", "（二）", "（二）", "（四）"]
    assert findings[0].detail["offset"] == text.index("（二）保障")


def test_numbering_gap(engine: TextEngine) -> None:
    assert _found(engine, "一、总体要求\n二、主要任务\n四、保障措施", "numbering_error") == [("四、", "三、")]
    assert _found(engine, "1.总体\n2.任务\n2.措施", "numbering_error") == [("2.", "3.")]


@pytest.mark.parametrize(
    "text",
    [
        "一、总体要求\n（一）目标\n（二）原则\n二、主要任务\n（一）任务一\n（二）任务二\n三、保障",
        "（1）甲；（2）乙；（3）丙。",
        "1.总体\n2.任务\n3.5亿元资金已下达",
        "一、二年级学生\n三、四年级学生",  # not a broken outline
    ],
)
def test_good_numbering_not_flagged(engine: TextEngine, text: str) -> None:
    assert _found(engine, text, "numbering_error") == []

"""Users' own lists: project level (data_dir/text/) and site level (site_config["text"])."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.text import TextDataError, TextEngine

from .conftest import PAGE, TODAY


def _codes(engine: TextEngine, text: str) -> list[tuple[str, str | None]]:
    return [(f.code, f.evidence) for f in engine.check(text, page=PAGE, now=TODAY)]


def _write(folder: Path, name: str, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_project_lists_add_and_allow(tmp_path: Path) -> None:
    text_dir = tmp_path / "text"
    _write(text_dir, "allow.txt", "# 本单位认可的写法\n帛士数码\n")
    _write(text_dir, "typos.tsv", "wrong\tright\n网格化管里\t网格化管理\n")
    _write(text_dir, "sensitive.yaml", "categories:\n  spam:\n    name: 广告\n    words: [代办营业执照加急]\n")
    _write(text_dir, "serious.yaml", "terms:\n  - {wrong: 某县人民政府办公事, right: 某县人民政府办公室}\n")
    _write(text_dir, "fallen_officials.yaml", "officials:\n  - {name: 王某某, former_title: 县长, date: 2024-01-02}\n")
    engine = TextEngine.load(tmp_path)
    found = _codes(engine, "推进网格化管里。投资10亿元的帛士数码。代办营业执照加急。某县人民政府办公事。县长王某某出席")
    assert ("typo", "网格化管里") in found
    assert ("sensitive_word", "代办营业执照加急") in found
    assert ("serious_error", "某县人民政府办公事") in found
    assert ("serious_error", "县长王某某") in found
    assert not any(evidence and "帛士" in evidence for _, evidence in found)
    finding = next(f for f in engine.check("推进网格化管里", page=PAGE) if f.code == "typo")
    assert finding.detail["list"].endswith("typos.tsv")
    assert finding.detail["rule"] == "网格化管里→网格化管理"


def test_site_lists_inline(tmp_path: Path) -> None:
    site = {"text": {"allow": ["六合彩博物馆"], "typos": {"网格化管里": "网格化管理"}, "banned": {"某提法": "正确提法"}}}
    engine = TextEngine.load(None, site)
    found = _codes(engine, "参观六合彩博物馆。网格化管里。某提法。")
    assert ("typo", "网格化管里") in found
    assert ("serious_error", "某提法") in found
    assert not any(code == "sensitive_word" for code, _ in found)
    # another site without the allow-list still sees the word
    assert ("sensitive_word", "六合彩") in _codes(TextEngine.load(), "参观六合彩博物馆")


def test_site_data_dir_roster(tmp_path: Path) -> None:
    _write(
        tmp_path / "site",
        "roster.yaml",
        "titles:\n  市长: {aliases: []}\npeople:\n  - {name: 赵某某, title: 市长, region: 某市, from: 2021-01-01, to: null}\n"
        "  - {name: 钱某某, title: 市委书记, region: 某市, from: 2021-01-01, to: null}\n",
    )
    engine = TextEngine.load(None, {"text": {"data_dir": str(tmp_path / "site")}})
    assert ("serious_error", "钱某某市长") in _codes(engine, "钱某某市长出席会议")
    assert _codes(engine, "赵某某市长出席会议") == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("typos.tsv", "布署\n", "第 1 行"),
        ("typos.tsv", "甲乙\t甲乙\n", "相同"),
        ("typos.tsv", "甲乙\t丙丁\t(unclosed\n", "正则表达式"),
        ("sensitive.yaml", "categories: [1, 2\n", "YAML 格式错误"),
        ("sensitive.yaml", "categories:\n  x:\n    words: [甲]\n", "太短"),
        ("serious.yaml", "rules: []\n", "未知的键"),
        ("roster.yaml", "people:\n  - {name: 某, title: 市长, from: 2024-13-01}\n", "日期"),
        ("roster.yaml", "people:\n  - {name: 某, title: 市长, from: 2024-01-01, to: 2023-01-01}\n", "早于"),
        ("fallen_officials.yaml", "officials: 王某\n", "应为列表"),
    ],
)
def test_malformed_user_files_give_chinese_errors(tmp_path: Path, name: str, content: str, message: str) -> None:
    _write(tmp_path / "text", name, content)
    with pytest.raises(TextDataError) as info:
        TextEngine.load(tmp_path)
    assert message in str(info.value)
    assert name in str(info.value)


def test_non_utf8_user_file(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "allow.txt").write_bytes("帛士数码".encode("gbk"))
    with pytest.raises(TextDataError, match="UTF-8"):
        TextEngine.load(tmp_path)


def test_bad_site_config() -> None:
    with pytest.raises(TextDataError, match="未知的键"):
        TextEngine.load(None, {"text": {"alow": ["x"]}})
    with pytest.raises(TextDataError, match="不存在"):
        TextEngine.load(None, {"text": {"data_dir": "/nonexistent/govinspect-lists"}})
    with pytest.raises(TextDataError, match="列表"):
        TextEngine.load(None, {"text": {"allow": "帛士数码"}})


def test_missing_data_dir(tmp_path: Path) -> None:
    with pytest.raises(TextDataError, match="不存在"):
        TextEngine.load(tmp_path / "nope")
    # a data_dir without a text/ folder is fine: nothing to add
    assert TextEngine.load(tmp_path).check("布署", page=PAGE)[0].code == "typo"


def test_edited_list_is_picked_up_after_clear_cache(tmp_path: Path) -> None:
    _write(tmp_path / "text", "allow.txt", "无关词\n")
    assert _codes(TextEngine.load(tmp_path), "六合彩") == [("sensitive_word", "六合彩")]
    _write(tmp_path / "text", "allow.txt", "六合彩\n")
    assert _codes(TextEngine.load(tmp_path), "六合彩") == [("sensitive_word", "六合彩")]  # cached
    TextEngine.clear_cache()
    assert _codes(TextEngine.load(tmp_path), "六合彩") == []

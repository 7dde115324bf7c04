"""The users' own lists: project level (settings.data_dir/text/) and site level (site_config["text"]).

Both levels may hold the same files; the site level may also give short lists inline:

    text:
      allow: [福彩中心, 某某人名]          # never flagged, whatever the code
      typos: {布署: 部署}                  # extra wrong → right pairs
      sensitive: {gambling: [某赌博网站]}  # extra words per category
      banned: {某错误提法: 正确提法}       # extra serious_error terms
      data_dir: /path/to/site/lists       # a folder with the files below

Files (all optional): allow.txt, typos.tsv, serious.yaml, sensitive.yaml, roster.yaml,
fallen_officials.yaml — the same formats as the built-in ones in data/text/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govinspect.text.data import (
    TextDataError,
    expect_list,
    expect_mapping,
    expect_str,
    parse_yaml,
    user_text,
    word_lines,
)
from govinspect.text.pairs import PairRule, read_pair_tsv
from govinspect.text.sensitive import SensitiveLists, read_sensitive
from govinspect.text.wording import PatternRule, Roster, read_fallen, read_roster, read_serious_rules

USER_FILES = ("allow.txt", "typos.tsv", "serious.yaml", "sensitive.yaml", "roster.yaml", "fallen_officials.yaml")
SITE_KEYS = frozenset({"allow", "typos", "sensitive", "banned", "data_dir"})


@dataclass
class UserLists:
    allow: list[str] = field(default_factory=list)
    typos: list[PairRule] = field(default_factory=list)
    serious_terms: list[PairRule] = field(default_factory=list)
    serious_patterns: list[PatternRule] = field(default_factory=list)
    sensitive: SensitiveLists = field(default_factory=SensitiveLists)
    roster: Roster | None = None
    fallen: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # what was loaded, for messages

    def extend(self, other: UserLists) -> None:
        self.allow.extend(other.allow)
        self.typos.extend(other.typos)
        self.serious_terms.extend(other.serious_terms)
        self.serious_patterns.extend(other.serious_patterns)
        self.sensitive.merge(other.sensitive)
        if other.roster is not None:
            if self.roster is None:
                self.roster = Roster(source=other.roster.source)
            self.roster.merge(other.roster)
        self.fallen.extend(other.fallen)
        self.sources.extend(other.sources)


def load_folder(folder: Path, level: str) -> UserLists:
    """The user files in ``folder``; a folder that does not exist is an error, a missing file is not."""
    if not folder.exists():
        raise TextDataError(f"{level}词表目录 {folder} 不存在")
    if not folder.is_dir():
        raise TextDataError(f"{level}词表目录 {folder} 不是目录")
    lists = UserLists()
    for name in USER_FILES:
        path = folder / name
        if not path.exists():
            continue
        label = f"{level}{path}"
        text = user_text(path)
        lists.sources.append(str(path))
        if name == "allow.txt":
            lists.allow.extend(word_lines(text))
        elif name == "typos.tsv":
            lists.typos.extend(read_pair_tsv(text, label))
        elif name == "serious.yaml":
            terms, patterns = read_serious_rules(parse_yaml(text, label), label)
            lists.serious_terms.extend(terms)
            lists.serious_patterns.extend(patterns)
        elif name == "sensitive.yaml":
            lists.sensitive.merge(read_sensitive(parse_yaml(text, label), label))
        elif name == "roster.yaml":
            lists.roster = read_roster(parse_yaml(text, label), label)
        elif name == "fallen_officials.yaml":
            lists.fallen.extend(read_fallen(parse_yaml(text, label), label))
    return lists


def load_project(data_dir: Path | None) -> UserLists:
    """settings.data_dir/text/ when it exists (data_dir itself need not hold text lists)."""
    if data_dir is None:
        return UserLists()
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise TextDataError(f"数据目录 data_dir={data_dir} 不存在或不是目录")
    folder = data_dir / "text"
    return load_folder(folder, "项目级") if folder.is_dir() else UserLists()


def load_site(site_config: dict[str, Any] | None) -> UserLists:
    raw = (site_config or {}).get("text")
    if raw is None:
        return UserLists()
    source = "站点配置 text"
    config = expect_mapping(raw, source)
    unknown = set(config) - SITE_KEYS
    if unknown:
        raise TextDataError(f"{source}：未知的键 {', '.join(sorted(unknown))}（可用：{', '.join(sorted(SITE_KEYS))}）")
    lists = UserLists()
    if config.get("data_dir"):
        lists.extend(load_folder(Path(expect_str(config["data_dir"], f"{source}.data_dir")), "站点级"))
    for i, word in enumerate(expect_list(config.get("allow"), f"{source}.allow"), start=1):
        lists.allow.append(expect_str(word, f"{source}.allow 第 {i} 项"))
    for wrong, right in expect_mapping(config.get("typos"), f"{source}.typos").items():
        w = expect_str(wrong, f"{source}.typos 的键")
        r = expect_str(right, f"{source}.typos.{w}")
        if w == r:
            raise TextDataError(f"{source}.typos：“{w}”的错误写法与正确写法相同")
        lists.typos.append(PairRule(w, r, f"{source}.typos"))
    for wrong, right in expect_mapping(config.get("banned"), f"{source}.banned").items():
        w = expect_str(wrong, f"{source}.banned 的键")
        lists.serious_terms.append(
            PairRule(w, expect_str(right, f"{source}.banned.{w}", allow_empty=True), f"{source}.banned")
        )
    for category, words in expect_mapping(config.get("sensitive"), f"{source}.sensitive").items():
        cat = expect_str(category, f"{source}.sensitive 的键")
        for i, word in enumerate(expect_list(words, f"{source}.sensitive.{cat}"), start=1):
            lists.sensitive.add_word(expect_str(word, f"{source}.sensitive.{cat} 第 {i} 项"), cat, f"{source}.sensitive")
    return lists

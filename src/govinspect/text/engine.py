"""The text engine: one object that checks a text for all six content codes.

    engine = TextEngine.load(settings.data_dir, site_config)   # built once, cached
    findings = engine.check(text, page=url, target=attachment_url, now=ctx.now.date())

The heavy parts (lexicon, confusion sets, automata of the built-in lists) are built once per
process; the users' lists are cheap overlays, cached per (data_dir, site text config).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick_rs

from govinspect.findings import Finding, dedupe
from govinspect.text.data import (
    TextDataError,
    expect_mapping,
    expect_number,
    expect_str,
    expect_str_list,
    package_text,
    parse_yaml,
)
from govinspect.text.hits import Hit
from govinspect.text.lexicon import ConfusionSets, Lexicon
from govinspect.text.marks import MarkRule, find_marks, read_mark_rules
from govinspect.text.numbering import NumberingConfig, find_numbering_errors
from govinspect.text.pairs import PairMatcher, PairRule, read_pair_tsv
from govinspect.text.privacy import PrivacyConfig, PrivacyScanner
from govinspect.text.sensitive import SensitiveLists, SensitiveMatcher, read_sensitive
from govinspect.text.typos import TypoConfig, TypoDetector
from govinspect.text.userdata import UserLists, load_project, load_site
from govinspect.text.wording import (
    PatternRule,
    Roster,
    WordingChecker,
    read_fallen,
    read_roster,
    read_serious_rules,
)

CODES = ("typo", "serious_error", "sensitive_word", "privacy_leak", "secret_marking", "numbering_error")
# when hits of two codes overlap, the graver one stays (a banned term is no mere typo)
_PRIORITY = {"privacy_leak": 0, "secret_marking": 1, "serious_error": 2, "sensitive_word": 3, "typo": 4}


@dataclass(frozen=True)
class EngineConfig:
    context_chars: int
    max_text_chars: int
    typo: TypoConfig
    privacy: PrivacyConfig
    marks: list[MarkRule]
    numbering: NumberingConfig
    official_titles: list[str]
    fallen_ok_after: list[str]
    fallen_ok_before: list[str]
    surnames: frozenset[str]


def read_config(raw: Any, source: str) -> EngineConfig:
    data = expect_mapping(raw, source)
    return EngineConfig(
        context_chars=int(expect_number(data.get("context_chars"), f"{source} context_chars", minimum=0)),
        max_text_chars=int(expect_number(data.get("max_text_chars"), f"{source} max_text_chars", minimum=1000)),
        typo=TypoConfig.from_data(data.get("typo"), source),
        privacy=PrivacyConfig.from_data(data.get("privacy"), source),
        marks=read_mark_rules(data.get("secret_marks"), source),
        numbering=NumberingConfig.from_data(data.get("numbering"), source),
        official_titles=expect_str_list(data.get("official_titles"), f"{source} official_titles"),
        fallen_ok_after=expect_str_list(data.get("fallen_ok_after"), f"{source} fallen_ok_after"),
        fallen_ok_before=expect_str_list(data.get("fallen_ok_before"), f"{source} fallen_ok_before"),
        surnames=frozenset(expect_str(data.get("surnames"), f"{source} surnames")),
    )


@dataclass(frozen=True)
class _Builtins:
    config: EngineConfig
    typo_detector: TypoDetector
    typo_pairs: list[PairRule]
    serious_terms: list[PairRule]
    serious_patterns: list[PatternRule]
    roster: Roster
    fallen: list[tuple[str, str]]
    sensitive: SensitiveLists


@cache
def _builtins() -> _Builtins:
    config = read_config(parse_yaml(package_text("config.yaml"), "config.yaml"), "config.yaml")
    terms, patterns = read_serious_rules(parse_yaml(package_text("serious.yaml"), "serious.yaml"), "serious.yaml")
    return _Builtins(
        config=config,
        typo_detector=TypoDetector(Lexicon.load(), ConfusionSets.load(), config.typo, config.surnames),
        typo_pairs=read_pair_tsv(package_text("typos.tsv"), "typos.tsv"),
        serious_terms=terms,
        serious_patterns=patterns,
        roster=read_roster(parse_yaml(package_text("roster.yaml"), "roster.yaml"), "roster.yaml"),
        fallen=read_fallen(parse_yaml(package_text("fallen_officials.yaml"), "fallen_officials.yaml"), "fallen_officials.yaml"),
        sensitive=read_sensitive(parse_yaml(package_text("sensitive.yaml"), "sensitive.yaml"), "sensitive.yaml"),
    )


_engines: dict[tuple[str, str], TextEngine] = {}
_lock = threading.Lock()


class TextEngine:
    def __init__(self, builtins: _Builtins, user: UserLists) -> None:
        cfg = builtins.config
        self.config = cfg
        self.user_sources = list(user.sources)
        self._typos = builtins.typo_detector
        # user pairs first: for the same wrong form the user's correction wins
        self._typo_pairs = PairMatcher([*user.typos, *builtins.typo_pairs], "typo")
        roster = Roster(list(builtins.roster.posts), dict(builtins.roster.aliases), set(builtins.roster.unique))
        if user.roster is not None:
            roster.merge(user.roster)
        self._wording = WordingChecker(
            terms=PairMatcher([*user.serious_terms, *builtins.serious_terms], "serious_error"),
            patterns=[*user.serious_patterns, *builtins.serious_patterns],
            roster=roster,
            fallen=[*builtins.fallen, *user.fallen],
            fallen_source="fallen_officials.yaml" + ("（含用户名单）" if user.fallen else ""),
            official_titles=cfg.official_titles,
            fallen_ok_before=cfg.fallen_ok_before,
            fallen_ok_after=cfg.fallen_ok_after,
            surnames=cfg.surnames,
        )
        sensitive = SensitiveLists()
        sensitive.merge(builtins.sensitive)
        sensitive.merge(user.sensitive)
        sensitive.legit_window = builtins.sensitive.legit_window
        self._sensitive = SensitiveMatcher(sensitive)
        self._privacy = PrivacyScanner(cfg.privacy)
        allow = sorted({w for w in user.allow if w})
        self._allow = ahocorasick_rs.AhoCorasick(allow) if allow else None

    @property
    def typo_detector(self) -> TypoDetector:
        return self._typos

    @staticmethod
    def check_user_data(data_dir: Path | str | None = None, site_config: dict[str, Any] | None = None) -> None:
        """Read the user's word lists and the site's ``text`` settings as ``load`` would, without building
        the engine (a second or so): raises TextDataError with the user's mistake."""
        load_project(Path(data_dir) if data_dir else None).extend(load_site(site_config))

    @classmethod
    def load(cls, data_dir: Path | str | None = None, site_config: dict[str, Any] | None = None) -> TextEngine:
        """The engine for these user lists, built once per process and reused."""
        text_cfg = (site_config or {}).get("text")
        key = (str(data_dir or ""), json.dumps(text_cfg, sort_keys=True, ensure_ascii=False, default=str))
        with _lock:
            engine = _engines.get(key)
            if engine is None:
                user = load_project(Path(data_dir) if data_dir else None)
                user.extend(load_site(site_config))
                engine = cls(_builtins(), user)
                _engines[key] = engine
            return engine

    @classmethod
    def clear_cache(cls) -> None:
        """Forget the engines built so far (after a user edited a word list in a long-running process)."""
        with _lock:
            _engines.clear()

    def hits(self, text: str, *, now: dt.date | None = None) -> list[Hit]:
        """Every problem in ``text`` as hits (offsets into ``text``), overlaps resolved."""
        text = text[: self.config.max_text_chars]
        today = now or dt.date.max
        found: list[Hit] = []
        found.extend(self._privacy.find(text, today))
        found.extend(find_marks(text, self.config.marks))
        found.extend(self._wording.find(text))
        found.extend(self._sensitive.find(text))
        found.extend(self._typo_pairs.find(text))
        found.extend(find_numbering_errors(text, self.config.numbering))
        found = self._resolve_overlaps(found)
        typo_spans = [(h.start, h.end) for h in found]
        for hit in self._typos.find(text):
            if not any(hit.start < e and s < hit.end for s, e in typo_spans):
                found.append(hit)
        found = self._drop_allowed(text, found)
        found.sort(key=lambda h: (h.start, _PRIORITY.get(h.code, 9)))
        return found

    def check(
        self,
        text: str,
        *,
        page: str,
        target: str | None = None,
        now: dt.date | dt.datetime | None = None,
    ) -> list[Finding]:
        """Findings for ``text`` shown on ``page`` (``target``: the attachment it came from)."""
        day = now.date() if isinstance(now, dt.datetime) else now
        width = self.config.context_chars
        findings = [
            Finding(
                code=h.code,
                page=page,
                severity=h.severity,  # type: ignore[arg-type]
                target=target,
                evidence=h.evidence,
                suggestion=h.suggestion,
                detail={
                    "rule": h.rule,
                    "list": h.list_name,
                    "context": text[max(0, h.start - width) : h.end + width],
                    "offset": h.start,
                    **h.extra,
                },
            )
            for h in self.hits(text, now=day)
        ]
        return dedupe(findings)

    @staticmethod
    def _resolve_overlaps(hits: list[Hit]) -> list[Hit]:
        """Of overlapping hits of different codes keep the graver; numbering never competes."""
        ordered = sorted(hits, key=lambda h: (_PRIORITY.get(h.code, 9), h.start))
        kept: list[Hit] = []
        for hit in ordered:
            if hit.code != "numbering_error" and any(
                k.code != hit.code and k.code != "numbering_error" and hit.start < k.end and k.start < hit.end
                for k in kept
            ):
                continue
            kept.append(hit)
        return kept

    def _drop_allowed(self, text: str, hits: list[Hit]) -> list[Hit]:
        if self._allow is None or not hits:
            return hits
        spans = [(s, e) for _, s, e in self._allow.find_matches_as_indexes(text, overlapping=True)]
        if not spans:
            return hits
        return [h for h in hits if not any(s <= h.start and h.end <= e for s, e in spans)]


__all__ = ["CODES", "TextDataError", "TextEngine"]

"""The data files of src/govinspect/data/structure/, loaded once and validated.

Every rule, word list and threshold of the structure checks lives in those YAML files; this module
turns each into a typed, checked object. A broken file gives a Chinese error naming file and field.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_PACKAGE = "govinspect.data.structure"


class RulesError(ValueError):
    """A data file of the structure checks is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regexes(values: list[str]) -> list[str]:
    for value in values:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"正则表达式无效：{value!r}（{exc}）") from exc
    return values


class DateRules(_Strict):
    publication_labels: list[list[str]] = Field(min_length=1)
    meta_names: list[str]
    script_keys: list[str]
    generation_markers: list[str]
    earliest_year: int = Field(ge=1900, le=2100)
    future_tolerance_days: int = Field(ge=0)


class ListingRules(_Strict):
    empty_markers: list[str] = Field(min_length=1)
    empty_marker_max_chars: int = Field(gt=0)
    min_list_items: int = Field(ge=1)
    dominant_share: float = Field(gt=0, le=1)
    next_page_words: list[str]
    item_title_min_chars: int = Field(ge=1)
    item_max_chars: int = Field(gt=0)
    max_items_kept: int = Field(gt=0)
    max_nav_links: int = Field(gt=0)
    nav_markers: list[str]
    breadcrumb_markers: list[str]
    breadcrumb_labels: list[str]
    breadcrumb_separators: list[str]
    list_file_pattern: str
    page_query_keys: list[str]
    article_url_patterns: list[str]
    subsite_min_nav: int = Field(ge=1)
    subsite_own_share: float = Field(gt=0, le=1)
    subsite_max_shared_share: float = Field(gt=0, le=1)

    _regex_fields = field_validator("article_url_patterns")(_check_regexes)

    @field_validator("list_file_pattern")
    @classmethod
    def _one_regex(cls, value: str) -> str:
        _check_regexes([value])
        return value


class KindRule(_Strict):
    kind: str
    words: list[str] = Field(min_length=1)


class ColumnKindRules(_Strict):
    kinds: dict[str, str] = Field(min_length=1)
    rules: list[KindRule]
    archive_name_pattern: str
    non_name_link_texts: list[str]

    @field_validator("archive_name_pattern")
    @classmethod
    def _one_regex(cls, value: str) -> str:
        _check_regexes([value])
        return value

    @field_validator("kinds")
    @classmethod
    def _has_other(cls, value: dict[str, str]) -> dict[str, str]:
        if "other" not in value:
            raise ValueError("必须定义 other（其他）类型")
        return value

    def model_post_init(self, __context: Any) -> None:
        for rule in self.rules:
            if rule.kind not in self.kinds:
                raise ValueError(f"规则使用了未定义的栏目类型 {rule.kind!r}")


class Threshold(_Strict):
    value: Any
    source: str
    status: str

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in {"C2", "C", "P", "D", "OBS", "U", "own"}:
            raise ValueError(f"未知的来源状态 {value!r}")
        return value


class Thresholds(_Strict):
    column_limits: dict[str, Threshold]
    homepage_limit: Threshold
    message_limit: Threshold
    message_window: Threshold
    undated_column_stale: Threshold
    review_footer_share: Threshold
    review_footer_min_articles: Threshold
    footer_items: Threshold
    mobile_width: Threshold
    mobile_overflow_tolerance: Threshold
    mobile_max_renders: Threshold
    network_timeout: Threshold
    https_required: Threshold


class FooterItemRule(_Strict):
    label: str
    keywords: list[str]
    patterns: list[str]
    html_patterns: list[str] = Field(default_factory=list)
    status: str

    _regex_fields = field_validator("patterns", "html_patterns")(_check_regexes)


class FooterRules(_Strict):
    items: dict[str, FooterItemRule]
    footer_blocks: int = Field(gt=0)
    footer_markers: list[str]

    @field_validator("items")
    @classmethod
    def _known_items(cls, value: dict[str, FooterItemRule]) -> dict[str, FooterItemRule]:
        expected = {"site_code", "icp", "psb_filing", "party_gov_logo", "sponsor"}
        if set(value) != expected:
            raise ValueError(f"页脚项目必须正好是 {sorted(expected)}")
        return value


class HiddenLinkRules(_Strict):
    offscreen_px: int = Field(gt=0)
    tiny_px: int = Field(ge=0)
    trusted_host_suffixes: list[str]
    interface_markers: list[str]
    benign_text_patterns: list[str]
    spam_words: list[str] = Field(min_length=1)
    link_farm_min: int = Field(ge=2)
    marquee_max_px: int = Field(ge=0)
    spider_user_agent: str

    _regex_fields = field_validator("benign_text_patterns")(_check_regexes)


class PolicyRules(_Strict):
    document_labels: list[str]
    min_document_labels: int = Field(ge=1)
    validity_labels: list[str]
    valid_values: list[str]
    ended_values: list[str]
    ended_marks: list[str]
    ended_mark_max_chars: int = Field(gt=0)
    until_patterns: list[str]
    from_period_patterns: list[str]
    issue_date_labels: list[str]
    interpretation_words: list[str]


class ArticleNormRules(_Strict):
    review_roles: dict[str, list[str]]
    bare_words: list[str]
    unclear_patterns: list[str]
    raw_name_extensions: list[str]

    _regex_fields = field_validator("unclear_patterns")(_check_regexes)


class MessageRules(_Strict):
    question_labels: list[str] = Field(min_length=1)
    reply_labels: list[str]
    status_labels: list[str]
    answered: list[str]
    unanswered: list[str]
    reply_content_labels: list[str]
    title_labels: list[str]
    max_messages_kept: int = Field(gt=0)


M = TypeVar("M", bound=BaseModel)


def _load(file_name: str, model: type[M]) -> M:
    try:
        text = resources.files(_PACKAGE).joinpath(file_name).read_text("utf-8")
        raw = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"无法读取数据文件 data/structure/{file_name}：{exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RulesError(f"数据文件 data/structure/{file_name} 有误：{problems}") from exc


@cache
def date_rules() -> DateRules:
    return _load("dates.yaml", DateRules)


@cache
def listing_rules() -> ListingRules:
    return _load("listing.yaml", ListingRules)


@cache
def column_kind_rules() -> ColumnKindRules:
    return _load("column_kinds.yaml", ColumnKindRules)


@cache
def thresholds() -> Thresholds:
    return _load("thresholds.yaml", Thresholds)


@cache
def footer_rules() -> FooterRules:
    return _load("footer.yaml", FooterRules)


@cache
def hidden_link_rules() -> HiddenLinkRules:
    return _load("hidden_links.yaml", HiddenLinkRules)


@cache
def policy_rules() -> PolicyRules:
    return _load("policy.yaml", PolicyRules)


@cache
def article_norm_rules() -> ArticleNormRules:
    return _load("article_norms.yaml", ArticleNormRules)


@cache
def message_rules() -> MessageRules:
    return _load("messages.yaml", MessageRules)


def words_pattern(words: list[str], *, guard_cjk: bool = False) -> str:
    """An alternation of literal words, longest first (so 发布时间 wins over 时间).

    ``guard_cjk``: the word must not follow another Chinese character (留言时间 is not 时间).
    """
    body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return f"(?<![\\u4e00-\\u9fff])(?:{body})" if guard_cjk else f"(?:{body})"

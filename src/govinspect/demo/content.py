"""The demo's data files (src/govinspect/data/demo/*.yaml), loaded once and validated."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

_M = TypeVar("_M", bound=BaseModel)


class DemoDataError(ValueError):
    """A data file of the demo site is missing or malformed."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


ColumnKind = Literal["news", "notice", "policy", "interpretation", "personnel", "plan", "special", "guide"]


class Identity(_Model):
    name: str
    short: str
    domain_label: str
    sponsor: str
    undertaker: str
    site_code: str = Field(pattern=r"^\d{10}$")
    icp: str
    psb: str
    address: str
    postcode: str
    phone: str
    region_id_prefix: str = Field(pattern=r"^\d{6}$")


class ColumnSpec(_Model):
    key: str = Field(pattern=r"^[a-z]+$")
    name: str
    kind: ColumnKind
    weight: int = Field(0, ge=0)
    newest_days: int = Field(ge=0)
    on_home: bool = False
    planted: Literal["column_stale", "column_empty"] | None = None
    count: int | None = None  # fixed item count (sub-site columns)


class SubsiteSpec(_Model):
    key: str = Field(pattern=r"^[a-z]+$")
    name: str
    sponsor: str
    phone: str
    newest_days: int = Field(ge=1)
    columns: list[ColumnSpec]

    @model_validator(mode="after")
    def _stale_home(self) -> SubsiteSpec:
        if min(c.newest_days for c in self.columns) < self.newest_days:
            raise ValueError("子站栏目的最新信息不得新于子站首页的最新信息")
        return self


class BoardSpec(_Model):
    answered_max_age_days: int = Field(ge=1)
    reply_within_days: int = Field(ge=1)
    pending_max_age_days: int = Field(ge=1)
    overdue_age_days: int = Field(ge=1)
    spam_age_days: int = Field(ge=0)
    extra_per_pages: int = Field(ge=1)


class SiteSpec(_Model):
    identity: Identity
    page_size: int = Field(ge=1)
    max_gap_days: int = Field(ge=1)
    span_days: int = Field(ge=1)
    overhead_pages: int = Field(ge=0)
    min_articles: int = Field(ge=1)
    columns: list[ColumnSpec]
    subsite: SubsiteSpec
    board: BoardSpec
    policy_validity_years: list[int | Literal["long"]]
    subsite_topics: list[str]
    subsite_guides: list[str]
    site_words: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _policies_outlive_span(self) -> SiteSpec:
        years = [y for y in self.policy_validity_years if y != "long"]
        if years and min(years) * 365 <= self.span_days:
            raise ValueError("普通政策文件的有效期必须长于栏目时间跨度，否则会出现计划外的过期文件")
        return self


class Topic(_Model):
    name: str
    dept: str


class Section(_Model):
    heading: str
    sentences: list[str] = Field(default_factory=list)
    subs: list[str] = Field(default_factory=list)


class NewsEvent(_Model):
    """One kind of news event (a meeting, an inspection…): titles and prose that fit together."""

    titles: list[str] = Field(min_length=1)
    opening: list[str] = Field(min_length=1)
    body: list[str] = Field(min_length=1)
    closing: list[str] = Field(min_length=1)


class NewsText(_Model):
    events: list[NewsEvent] = Field(min_length=1)


class NoticeText(_Model):
    salutation: str
    opening: list[str]
    sections: list[Section]
    contact: str


class PolicyText(_Model):
    articles: list[str]
    validity: str
    validity_long: str
    validity_sentence: str


class SectionsText(_Model):
    sections: list[Section]


class PersonnelText(_Model):
    body: list[str]
    phone: str


class GuideItem(_Model):
    label: str
    value: str


class GuideText(_Model):
    items: list[GuideItem]


class Message(_Model):
    title: str
    body: str
    dept: str
    reply: str = ""


class TextSpec(_Model):
    towns: list[str]
    surnames: list[str] = Field(min_length=1)
    given_names_male: list[str] = Field(min_length=1)
    given_names_female: list[str] = Field(min_length=1)
    topics: list[Topic]
    units: list[str]
    titles: dict[ColumnKind, list[str]]
    news: NewsText
    notice: NoticeText
    policy: PolicyText
    interpretation: SectionsText
    personnel: PersonnelText
    plan: SectionsText
    guide: GuideText
    photo_captions: list[str]
    messages: list[Message] = Field(min_length=1)
    pending_messages: list[Message]


class Plant(_Model):
    code: str
    evidence: str | None = None
    suggestion: str | None = None
    target: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class NotFlag(_Model):
    code: str
    reason: str
    evidence: str | None = None


class Attachment(_Model):
    text: str
    file: Literal["pdf", "docx", "xlsx", "txt"]
    filename: str | None = None
    missing: bool = False
    plant: str | None = None


class Related(_Model):
    text: str
    to: Literal["missing", "soft404", "loop", "slow", "good"]


class Table(_Model):
    header: list[str]
    rows: list[list[str]]


class Outline(_Model):
    heading: str
    items: list[tuple[str, str]]


class SpecialArticle(_Model):
    key: str
    column: str
    age_days: int = Field(ge=1)
    topic: str
    title: str
    paragraphs: list[str]
    plants: list[Plant] = Field(default_factory=list)
    not_flag: list[NotFlag] = Field(default_factory=list)
    review_footer: bool = True
    template: Literal["standard", "legacy"] = "standard"
    video: str | None = None
    missing_image: bool = False
    missing_script: str | None = None
    related: list[Related] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    top_line: str | None = None
    stats_table: Table | None = None
    person_table: Table | None = None
    person: dict[str, str] = Field(default_factory=dict)
    closing: list[str] = Field(default_factory=list)
    outline: Outline | None = None


class ExpiredPolicy(_Model):
    key: str
    topic: str
    title: str
    effective_days_ago: int = Field(ge=1)
    validity_years: int = Field(ge=1)
    label: Literal["有效", "失效"]
    plants: list[Plant] = Field(default_factory=list)
    not_flag: list[NotFlag] = Field(default_factory=list)


class SpamMessage(_Model):
    title: str
    body: str
    words: list[str] = Field(min_length=1)


class PlantedMessages(_Model):
    overdue: Message
    spam: SpamMessage


class HiddenLink(_Model):
    text: str
    path: str


class HiddenLinks(_Model):
    display_none: list[HiddenLink]
    offscreen: list[HiddenLink]
    sensitive_words: list[str]


class PlantSpec(_Model):
    articles: list[SpecialArticle]
    policies: list[ExpiredPolicy]
    messages: PlantedMessages
    hidden_links: HiddenLinks
    dead_link_text: str
    soft404_text: str


def _load(name: str) -> Any:
    try:
        raw = resources.files("govinspect.data").joinpath(f"demo/{name}").read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise DemoDataError(f"演示站点数据文件 demo/{name} 无法读取：{exc}") from exc
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DemoDataError(f"演示站点数据文件 demo/{name} 不是合法的 YAML：{exc}") from exc


def _validated(model: type[_M], name: str) -> _M:
    try:
        return model.model_validate(_load(name))
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc'])}：{e['msg']}" for e in exc.errors())
        raise DemoDataError(f"演示站点数据文件 demo/{name} 内容有误：{problems}") from exc


@cache
def site_spec() -> SiteSpec:
    return _validated(SiteSpec, "site.yaml")


@cache
def text_spec() -> TextSpec:
    return _validated(TextSpec, "text.yaml")


@cache
def plant_spec() -> PlantSpec:
    spec = _validated(PlantSpec, "plants.yaml")
    columns = {c.key for c in site_spec().columns}
    for art in spec.articles:
        if art.column not in columns:
            raise DemoDataError(f"演示站点数据文件 demo/plants.yaml：{art.key} 的栏目 {art.column} 不存在")
    return spec

"""The plan of the portal's articles: which article sits in which column, with which date and title.

Only this light metadata is made up front; article bodies are rendered when they are requested,
so a 50,000-page site costs seconds and tens of megabytes, not gigabytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from govinspect.demo.content import (
    ColumnSpec,
    ExpiredPolicy,
    SiteSpec,
    SpecialArticle,
    TextSpec,
    Topic,
    plant_spec,
)
from govinspect.demo.util import compact

SPECIAL_ID_BASE = 100_001  # planted articles keep their ids (and URLs) whatever the site's size
POLICY_ID_BASE = 100_501
GENERATED_ID_BASE = 110_001
MISSING_ID = 99_001  # an article-shaped URL that does not exist (a planted broken link)
SOFT404_ID = 99_002  # an article-shaped URL that answers 200 "页面不存在"


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    doc_no: str
    index_no: str
    publisher: str
    written: date
    effective: date
    validity_years: int | None  # None: 长期有效
    label: str  # 有效 | 失效
    expired: ExpiredPolicy | None = None


@dataclass(slots=True)
class Article:
    id: int
    column: ColumnSpec
    day: date
    clock: str
    title: str
    topic: Topic
    town: str
    special: SpecialArticle | None = None
    policy: PolicyInfo | None = None
    partner: Article | None = field(default=None, repr=False)  # policy ↔ its interpretation
    attachment: str | None = None  # kind of an ordinary attachment (pdf, docx…)
    photo: int | None = None
    event: int = 0  # which kind of news event the article reports (text.yaml news.events)

    @property
    def kind(self) -> str:
        return self.column.kind

    @property
    def path(self) -> str:
        return article_path(self.column.key, self.day, self.id)

    @property
    def directory(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/"


def article_path(column_key: str, day: date, article_id: int, prefix: str = "") -> str:
    return f"{prefix}/col/{column_key}/{day:%Y%m}/t{compact(day)}_{article_id}.html"


def attachment_name(article: Article, number: int, ext: str) -> str:
    """TRS names uploaded files P0 + date + 12 digits."""
    return f"P0{compact(article.day)}{article.id:010d}{number:02d}.{ext}"


def _clock(rng: random.Random) -> str:
    return f"{rng.randint(8, 17):02d}:{rng.choice((0, 10, 15, 20, 30, 40, 45, 50)):02d}"


def _title(rng: random.Random, templates: list[str], topic: Topic, town: str, year: int, unit: str) -> str:
    return rng.choice(templates).format(topic=topic.name, dept=topic.dept, town=town, year=year, unit=unit)


def _counts(spec: SiteSpec, pages: int, fixed: int) -> dict[str, int]:
    """How many generated articles each column gets, from the requested page count and the weights."""
    per_list = spec.page_size / (spec.page_size + 1)  # every page_size articles add one list page
    wanted = max(spec.min_articles, round((pages - spec.overhead_pages) * per_list)) - fixed
    wanted = max(wanted, 0)
    weighted = [c for c in spec.columns if c.weight > 0]
    total_weight = sum(c.weight for c in weighted)
    counts = {c.key: max(1, wanted * c.weight // total_weight) for c in weighted}
    counts[weighted[0].key] += max(0, wanted - sum(counts.values()))
    return counts


def _ages(newest: int, n: int, spec: SiteSpec, rng: random.Random) -> list[int]:
    """Ages in days, newest first: the first is exactly ``newest``; gaps stay small and bounded."""
    gap = min(float(spec.max_gap_days), spec.span_days / max(1, n))
    return [newest] + [newest + int(k * gap + rng.uniform(0, gap * 0.9)) for k in range(1, n)]


def plan_articles(
    site: SiteSpec, text: TextSpec, pages: int, today: date, seed: int
) -> dict[str, list[Article]]:
    """Every column's articles, newest first (ties: higher id first)."""
    plants = plant_spec()
    rng = random.Random(seed)
    by_key = {c.key: c for c in site.columns}
    columns: dict[str, list[Article]] = {c.key: [] for c in site.columns}
    topics_by_name = {t.name: t for t in text.topics}

    for offset, special in enumerate(plants.articles):
        col = by_key[special.column]
        topic = topics_by_name.get(special.topic, Topic(name=special.topic, dept=site.identity.sponsor))
        day = today - timedelta(days=special.age_days)
        columns[col.key].append(
            Article(
                SPECIAL_ID_BASE + offset, col, day, _clock(rng), special.title, topic, text.towns[0], special
            )
        )

    counts = _counts(site, pages, len(plants.articles) + len(plants.policies))
    next_id = GENERATED_ID_BASE
    for col in site.columns:
        n = counts.get(col.key, 0)
        if col.kind == "interpretation" or n == 0:
            continue  # interpretations are made from the policies below
        for age in _ages(col.newest_days, n, site, rng):
            topic = rng.choice(text.topics)
            town = rng.choice(text.towns)
            day = today - timedelta(days=age)
            event = rng.randrange(len(text.news.events))
            templates = text.news.events[event].titles if col.kind == "news" else text.titles[col.kind]
            title = _title(rng, templates, topic, town, day.year, rng.choice(text.units))
            art = Article(next_id, col, day, _clock(rng), title, topic, town, event=event)
            next_id += 1
            if col.kind == "news":
                art.photo = rng.randrange(len(text.photo_captions))
            elif col.kind == "notice" and art.id % 4 == 0:
                art.attachment = ("pdf", "docx", "xlsx")[art.id % 3]
            columns[col.key].append(art)

    _add_policy_details(site, columns, by_key, text, today, rng)
    _pair_interpretations(columns, by_key, counts, rng)
    for arts in columns.values():
        arts.sort(key=lambda a: (a.day, a.id), reverse=True)
    return columns


def _add_policy_details(
    site: SiteSpec,
    columns: dict[str, list[Article]],
    by_key: dict[str, ColumnSpec],
    text: TextSpec,
    today: date,
    rng: random.Random,
) -> None:
    policy_cols = [k for k, c in by_key.items() if c.kind == "policy"]
    if not policy_cols:
        return
    key = policy_cols[0]
    topics_by_name = {t.name: t for t in text.topics}
    for offset, exp in enumerate(plant_spec().policies):
        effective = today - timedelta(days=exp.effective_days_ago)
        day = effective - timedelta(days=7)
        topic = topics_by_name.get(exp.topic, Topic(name=exp.topic, dept=site.identity.sponsor))
        art = Article(POLICY_ID_BASE + offset, by_key[key], day, _clock(rng), exp.title, topic, text.towns[0])
        art.policy = PolicyInfo("", "", "", day, effective, exp.validity_years, exp.label, exp)
        columns[key].append(art)
    arts = sorted(columns[key], key=lambda a: (a.day, a.id))
    serial: dict[int, int] = {}
    for n, art in enumerate(arts, start=1):
        serial[art.day.year] = serial.get(art.day.year, 0) + 1
        by_office = art.id % 3 == 0
        doc_no = f"宁政{'办' if by_office else ''}发〔{art.day.year}〕{serial[art.day.year]}号"
        publisher = "宁川县人民政府办公室" if by_office else "宁川县人民政府"
        index_no = f"{site.identity.site_code}/{art.day.year}-{n:05d}"
        written = art.day - timedelta(days=rng.randint(2, 6))
        if art.policy is not None:  # a planted expired policy: keep its validity, fill in the numbers
            p = art.policy
            art.policy = PolicyInfo(
                doc_no, index_no, publisher, written, p.effective, p.validity_years, p.label, p.expired
            )
            continue
        choice = rng.choice(site.policy_validity_years)
        years = None if choice == "long" else int(choice)
        art.policy = PolicyInfo(doc_no, index_no, publisher, written, art.day, years, "有效")


def _pair_interpretations(
    columns: dict[str, list[Article]],
    by_key: dict[str, ColumnSpec],
    counts: dict[str, int],
    rng: random.Random,
) -> None:
    """Give the newest policies an interpretation each (same day), linked both ways."""
    interp = [c for c in by_key.values() if c.kind == "interpretation"]
    policy_cols = [k for k, c in by_key.items() if c.kind == "policy"]
    if not interp or not policy_cols:
        return
    col = interp[0]
    policies = sorted(
        (a for a in columns[policy_cols[0]] if a.policy and a.policy.expired is None),
        key=lambda a: (a.day, a.id),
        reverse=True,
    )
    next_id = max((a.id for arts in columns.values() for a in arts), default=GENERATED_ID_BASE) + 1
    for policy in policies[: counts.get(col.key, 0)]:
        title = f"《{policy.title}》政策解读"
        art = Article(next_id, col, policy.day, _clock(rng), title, policy.topic, policy.town)
        next_id += 1
        art.partner, policy.partner = policy, art
        columns[col.key].append(art)

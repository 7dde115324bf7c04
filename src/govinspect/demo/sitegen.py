"""build_site: the bundled demo government portal, with every detectable problem planted in a known place.

The site is a fictional county portal (宁川县人民政府) in the style of a TRS site. It is deterministic
for a given (pages, now's date, seed, hosts) and cheap to build: pages are rendered on request.
``expected`` lists every planted problem; ``must_not_flag`` lists look-alikes a scan must leave alone.
All dates are relative to ``now`` (default: today in Asia/Shanghai).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from govinspect.demo import board, subsite, traps
from govinspect.demo.assets import asset_resources
from govinspect.demo.bodies import validity_clause
from govinspect.demo.build import Build
from govinspect.demo.columns import column_expectations, column_resources
from govinspect.demo.content import DemoDataError, plant_spec, site_spec, text_spec
from govinspect.demo.external import good_resources, spam_page
from govinspect.demo.home import home_expectations, render_home
from govinspect.demo.model import DemoHosts, DemoSite, ExpectedFinding, NotAFinding, Resource
from govinspect.demo.plan import plan_articles
from govinspect.demo.special import SLOW_PATH, expectations, soft404_path
from govinspect.demo.util import monitoring_now

MAX_PAGES = 1_000_000


def build_site(*, pages: int = 300, now: datetime | None = None, seed: int = 1, hosts: DemoHosts) -> DemoSite:
    """The demo portal for ``hosts``, with about ``pages`` HTML pages (at least a few dozen)."""
    if not isinstance(pages, int) or not 1 <= pages <= MAX_PAGES:
        raise ValueError(f"演示站点页面数应为 1 到 {MAX_PAGES} 之间的整数，收到：{pages!r}")
    moment = monitoring_now(now)
    site, text = site_spec(), text_spec()
    b = Build(hosts, moment.date(), seed, site, text, plan_articles(site, text, pages, moment.date(), seed))
    messages = board.plan_messages(b, pages)
    sub_columns = subsite.plan_subsite(b)

    paths: dict[str, Resource] = {}
    paths.update(asset_resources(len(text.photo_captions)))
    paths["/"] = Resource(
        "text/html; charset=utf-8", render=partial(render_home, b, messages), encoding="utf-8"
    )
    paths.update(column_resources(b))
    paths.update(board.board_resources(b, messages))
    paths.update(subsite.subsite_resources(b, sub_columns))
    paths.update(traps.loop_resources())
    paths[soft404_path(b.today)] = Resource(
        "text/html; charset=utf-8", data=traps.soft404_page(b), encoding="utf-8"
    )

    # generated paths are already in normal form, so plain concatenation is the normalised URL
    resources = {hosts.main + path: res for path, res in paths.items()}
    resources.update({hosts.good + path: res for path, res in good_resources().items()})
    resources[hosts.spam + "/"] = spam_page()
    _check_planted_files(b, resources)

    expected, must_not = home_expectations(b)
    for arts in b.columns.values():
        for a in arts:
            if a.special is not None:
                exp, nots = expectations(b, a)
                expected += exp
                must_not += nots
    expected += column_expectations(b)
    pol_exp, pol_not = _policy_expectations(b)
    expected += pol_exp
    must_not += pol_not
    expected += board.board_expectations(b, messages, plant_spec().messages.spam.words)
    expected += subsite.subsite_expectations(b, sub_columns)
    return DemoSite(
        hosts=hosts,
        now=moment,
        seed=seed,
        resources=resources,
        expected=expected,
        must_not_flag=must_not,
        calendar_path=traps.CALENDAR_PATH,
        slow_path=SLOW_PATH,
        site_config=_site_config(b),
        context=b,
    )


def _site_config(b: Build) -> dict[str, Any]:
    config: dict[str, Any] = {"subsites": [b.url(subsite.prefix(b))]}
    if b.site.site_words:
        config["text"] = {"allow": list(b.site.site_words)}
    return config


def _policy_expectations(b: Build) -> tuple[list[ExpectedFinding], list[NotAFinding]]:
    expected: list[ExpectedFinding] = []
    not_flag: list[NotAFinding] = []
    for arts in b.columns.values():
        for a in arts:
            info = a.policy
            if info is None or info.expired is None or info.validity_years is None:
                continue
            page = b.url(a.path)
            evidence = validity_clause(b.text, info)
            ended = info.effective + timedelta(days=365 * info.validity_years)
            detail = {
                "effective": info.effective.isoformat(),
                "ended": ended.isoformat(),
                "label": info.label,
            }
            for p in info.expired.plants:
                expected.append(ExpectedFinding(p.code, page, None, evidence, None, detail))
            for nf in info.expired.not_flag:
                not_flag.append(NotAFinding(nf.code, page, evidence, nf.reason))
    return expected, not_flag


def _check_planted_files(b: Build, resources: dict[str, Resource]) -> None:
    """The planted pages may only miss what they are meant to miss."""
    for arts in b.columns.values():
        for a in arts:
            if a.special is not None and a.special.video and b.hosts.main + a.special.video not in resources:
                raise DemoDataError(f"演示站点数据有误：{a.special.key} 的视频 {a.special.video} 不存在")

"""Crawler traps of the demo: the endless calendar, the slow page, the soft 404, the redirect loop.

The calendar and the slow page are answered by the server itself (they are not in ``resources``);
the others are ordinary resources.
"""

from __future__ import annotations

import calendar

from govinspect.demo.build import Build
from govinspect.demo.content import plant_spec
from govinspect.demo.layout import VIEWPORT, document, header_html
from govinspect.demo.model import Resource
from govinspect.demo.special import LOOP_PATHS
from govinspect.demo.util import esc

CALENDAR_PATH = "/calendar/"
_WEEKDAYS = "一二三四五六日"
_MAX_YEAR = 9999  # the calendar is endless in practice: ~95,000 months forward from now


def calendar_href(year: int, month: int) -> str:
    return f"{CALENDAR_PATH}?y={year}&amp;m={month}"


def _shift(year: int, month: int, delta: int) -> tuple[int, int]:
    shifted_year, month_index = divmod(year * 12 + (month - 1) + delta, 12)
    return shifted_year, month_index + 1


def calendar_page(b: Build, year: int, month: int) -> bytes | None:
    """The activity calendar of one month, linking the previous and the next month forever.

    None for a month that cannot exist (the server answers 404).
    """
    if not (1 <= year <= _MAX_YEAR and 1 <= month <= 12):
        return None
    head = "".join(f"<th>{d}</th>" for d in _WEEKDAYS)
    weeks = "".join(
        "<tr>" + "".join(f"<td>{day or ''}</td>" for day in week) + "</tr>"
        for week in calendar.monthcalendar(year, month)
    )
    links = []
    if (year, month) > (1, 1):
        links.append(f'<a href="{calendar_href(*_shift(year, month, -1))}">上一月</a>')
    if (year, month) < (_MAX_YEAR, 12):
        links.append(f'<a href="{calendar_href(*_shift(year, month, 1))}">下一月</a>')
    inner = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; 活动日历</div>'
        f"<h2>活动日历　{year}年{month}月</h2><p>{'　'.join(links)}</p>"
        f'<table class="calendar"><tr>{head}</tr>{weeks}</table><p>活动安排以各单位通知为准。</p>'
    )
    body = (
        header_html(b.site.identity.name, b.nav) + f'<div class="wrap" id="content">{inner}</div>' + b.footer
    )
    return document(title=f"活动日历_{b.site.identity.name}", body=body, meta=b.site_meta()).encode("utf-8")


def slow_page(b: Build) -> bytes:
    inner = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; 水雨情查询</div>'
        "<h2>全县水雨情实时查询</h2><p>数据每小时更新一次，仅供参考。</p>"
    )
    body = (
        header_html(b.site.identity.name, b.nav) + f'<div class="wrap" id="content">{inner}</div>' + b.footer
    )
    return document(title=f"水雨情查询_{b.site.identity.name}", body=body, meta=b.site_meta()).encode("utf-8")


def soft404_page(b: Build) -> bytes:
    """What many CMSs answer for a deleted article: status 200, a short apology and the footer."""
    text = esc(plant_spec().soft404_text)
    body = f'<div class="wrap error"><p>{text}</p><p><a href="/">返回首页</a></p></div>{b.footer}'
    return document(title="提示信息", body=body, meta=b.site_meta(), scripts=()).encode("utf-8")


def not_found_page() -> bytes:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{VIEWPORT}<title>404 页面未找到</title></head>'
        '<body><h1>404</h1><p>您访问的页面不存在。</p><p><a href="/">返回首页</a></p></body></html>\n'
    ).encode()


def loop_resources() -> dict[str, Resource]:
    """/loop/a → /loop/b → /loop/a …: a redirect loop (a planted broken link)."""
    a, b = LOOP_PATHS
    body = (
        b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Redirect</title></head><body></body></html>'
    )
    return {
        a: Resource(
            "text/html; charset=utf-8", status=302, headers={"Location": b}, data=body, encoding="utf-8"
        ),
        b: Resource(
            "text/html; charset=utf-8", status=302, headers={"Location": a}, data=body, encoding="utf-8"
        ),
    }

"""The demo's "outside world": a good external host (127.0.0.2) and a gambling spam host (127.0.0.4).

The good host stands in for the real sites a portal links to. In particular the ICP filing number
links to its /beian/ page instead of the real filing system, and the 党政机关标识 to its /conac/
page: the demo never names or contacts a real domain.
"""

from __future__ import annotations

from govinspect.demo.layout import VIEWPORT
from govinspect.demo.model import Resource
from govinspect.demo.util import esc

GOOD_PAGES = {
    "/": ("省人民政府门户网站（演示）", "本页在演示环境中代表省人民政府门户网站。"),
    "/beian/": (
        "ICP备案查询（演示镜像）",
        "本页在演示环境中代替工业和信息化部ICP/IP地址/域名信息备案管理系统。",
    ),
    "/conac/": ("党政机关网站标识核验（演示镜像）", "本页在演示环境中代替党政机关网站标识的核验页面。"),
    "/zhaocuo/": ("我为政府网站找错（演示镜像）", "本页在演示环境中代替“我为政府网站找错”监督平台。"),
    "/slt/": ("省水利厅防汛抗旱信息网（演示）", "本页在演示环境中代表省水利厅网站。"),
}

SPAM_TEXT = "欢迎光临，注册即送体验金。"


def _page(title: str, text: str, links: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{VIEWPORT}<title>{esc(title)}</title></head>'
        f"<body><h1>{esc(title)}</h1><p>{esc(text)}</p>{links}</body></html>\n"
    ).encode()


def good_resources() -> dict[str, Resource]:
    nav = "".join(f'<a href="{path}">{esc(title)}</a> ' for path, (title, _) in GOOD_PAGES.items())
    return {
        path: Resource("text/html; charset=utf-8", data=_page(title, text, f"<p>{nav}</p>"), encoding="utf-8")
        for path, (title, text) in GOOD_PAGES.items()
    }


def spam_page() -> Resource:
    """What the gambling host answers for any path."""
    return Resource("text/html; charset=utf-8", data=_page("娱乐城", SPAM_TEXT), encoding="utf-8")

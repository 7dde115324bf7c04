"""Static assets of the portal: style sheet, scripts, logos, badges, news photos, the video, robots.txt."""

from __future__ import annotations

from functools import partial

from govinspect.demo.files import CONTENT_TYPES, mp4_stub, png
from govinspect.demo.layout import COMMON_JS, CSS, PAGE_JS
from govinspect.demo.model import Resource

# (path, width, height, top colour, bottom colour)
_IMAGES: tuple[tuple[str, int, int, tuple[int, int, int], tuple[int, int, int]], ...] = (
    ("/images/logo.png", 360, 60, (182, 15, 15), (142, 11, 11)),
    ("/images/jyj_logo.png", 360, 60, (20, 90, 160), (10, 60, 120)),
    ("/images/banner.png", 600, 120, (200, 40, 30), (250, 200, 120)),
    ("/images/dzjg.png", 60, 70, (200, 20, 20), (230, 60, 40)),
    ("/images/gongan.png", 20, 20, (30, 80, 170), (30, 80, 170)),
    ("/images/zhaocuo.png", 110, 55, (240, 240, 240), (200, 30, 30)),
    ("/images/news/photo1.png", 320, 200, (90, 140, 200), (40, 90, 60)),
    ("/images/news/photo2.png", 320, 200, (150, 180, 210), (120, 100, 80)),
    ("/images/news/photo3.png", 320, 200, (200, 190, 150), (90, 90, 90)),
    ("/images/news/photo4.png", 320, 200, (120, 170, 120), (60, 110, 60)),
    ("/images/news/photo5.png", 320, 200, (210, 150, 120), (150, 60, 40)),
)

VIDEO_PATH = "/video/yanlian.mp4"
ROBOTS = "User-agent: *\nAllow: /\n"


def asset_resources(photo_count: int) -> dict[str, Resource]:
    if photo_count > sum(1 for p, *_ in _IMAGES if p.startswith("/images/news/")):
        raise ValueError(f"新闻配图数量不足：需要 {photo_count} 张")
    out: dict[str, Resource] = {
        "/css/style.css": Resource("text/css; charset=utf-8", data=CSS.encode("utf-8"), encoding="utf-8"),
        "/js/page.js": Resource(
            "application/javascript; charset=utf-8", data=PAGE_JS.encode("utf-8"), encoding="utf-8"
        ),
        "/js/common.js": Resource(
            "application/javascript; charset=utf-8", data=COMMON_JS.encode("utf-8"), encoding="utf-8"
        ),
        "/robots.txt": Resource("text/plain", data=ROBOTS.encode("ascii"), encoding="ascii"),
        VIDEO_PATH: Resource(CONTENT_TYPES["mp4"], data=mp4_stub()),
    }
    for path, width, height, top, bottom in _IMAGES:
        out[path] = Resource(CONTENT_TYPES["png"], render=partial(_png_cached, width, height, top, bottom))
    return out


_PNG_CACHE: dict[tuple[int, int, tuple[int, int, int], tuple[int, int, int]], bytes] = {}


def _png_cached(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    key = (width, height, top, bottom)
    if key not in _PNG_CACHE:
        _PNG_CACHE[key] = png(width, height, top, bottom)
    return _PNG_CACHE[key]

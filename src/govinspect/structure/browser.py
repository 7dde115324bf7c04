"""Rendering pages in Debian's headless Chromium (Playwright's sync API, never a downloaded browser)
to measure whether they fit a phone screen.

Runs in the site-check worker thread, where no asyncio loop runs (so it starts its own). Each page
gets a fresh tab with a phone viewport; the measurement is the document's scroll width against the screen width, and the
element that sticks out furthest (named like ``table.list``) for the report.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # one renderer process for all tabs, no extensions: the browser's memory is most of a scan's peak
    "--renderer-process-limit=1",
    "--disable-extensions",
    "--disable-dev-shm-usage",
]
MOBILE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36 govinspect"
)
_MEASURE_JS = """() => {
  const doc = document.documentElement;
  const body = document.body;
  const width = Math.max(doc.scrollWidth, body ? body.scrollWidth : 0);
  let widest = null, right = 0;
  if (body) {
    for (const el of body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 0.5) { right = r.right; widest = el; }
    }
  }
  let name = null;
  if (widest) {
    name = widest.tagName.toLowerCase();
    if (widest.id) name += '#' + widest.id;
    if (typeof widest.className === 'string' && widest.className.trim())
      name += '.' + widest.className.trim().split(/\\s+/).join('.');
  }
  return {scrollWidth: width, innerWidth: window.innerWidth, widest: name, widestRight: Math.round(right)};
}"""


@dataclass(frozen=True, slots=True)
class Measurement:
    url: str
    screen_width: int
    page_width: int | None = None
    widest: str | None = None
    error: str | None = None

    def overflow(self) -> int:
        return max(0, (self.page_width or 0) - self.screen_width)


def find_chromium() -> str | None:
    """Debian's chromium binary, or None (GOVINSPECT_CHROMIUM may point elsewhere)."""
    configured = os.environ.get("GOVINSPECT_CHROMIUM")
    for path in ((configured,) if configured else ()) + CHROMIUM_PATHS:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium")
    return found


class BrowserUnavailable(RuntimeError):
    """No Chromium to render with; the message says why in Chinese."""


def measure_pages(urls: list[str], width: int, timeout: float, parallel: int = 3) -> list[Measurement]:
    """Open each URL at a phone's width and measure how wide its content is (``parallel`` tabs at once).

    Uses Playwright's async API in an event loop of its own: site checks run in a worker thread
    where no loop runs, and tabs that load side by side take a fraction of the time.
    """
    path = find_chromium()
    if path is None:
        raise BrowserUnavailable("未找到 Chromium（/usr/bin/chromium），无法渲染页面")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError as exc:  # the dependency is declared; this guards a broken install
        raise BrowserUnavailable(f"无法加载 Playwright：{exc}") from exc
    return asyncio.run(_measure_all(path, urls, width, timeout, max(1, parallel)))


async def _measure_all(
    path: str, urls: list[str], width: int, timeout: float, parallel: int
) -> list[Measurement]:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    try:
        async with async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
            try:
                context = await browser.new_context(
                    viewport={"width": width, "height": 800},
                    is_mobile=True,
                    has_touch=True,
                    device_scale_factor=2,
                    user_agent=MOBILE_USER_AGENT,
                )
                gate = asyncio.Semaphore(parallel)

                async def one(url: str) -> Measurement:
                    async with gate:
                        tab = await context.new_page()
                        try:
                            await tab.goto(url, wait_until="load", timeout=timeout * 1000)
                            data = await tab.evaluate(_MEASURE_JS)
                            return Measurement(url, width, int(data["scrollWidth"]), data.get("widest"))
                        except PlaywrightError as exc:
                            return Measurement(url, width, error=str(exc).splitlines()[0][:200])
                        finally:
                            await tab.close()

                return list(await asyncio.gather(*(one(u) for u in urls)))
            finally:
                await browser.close()
    except PlaywrightError as exc:
        raise BrowserUnavailable(f"Chromium 启动失败：{str(exc).splitlines()[0][:200]}") from exc

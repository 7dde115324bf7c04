"""Small synchronous HTTP fetches for network site checks (no event loop runs there).

Never uses a proxy from the environment (checks talk to the inspected site only) and always has a
short timeout, so a dead host cannot hang a scan.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from govinspect.parse.encoding import decode_html

_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int
    html: str


class FetchError(Exception):
    """A fetch that gave no page; the message is Chinese and names the reason."""


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def header_safe(value: str) -> str:
    """HTTP header values are Latin-1: characters outside it (a Chinese note in a User-Agent) are dropped."""
    return " ".join(value.encode("latin-1", "ignore").decode("latin-1").split())


def fetch(url: str, user_agent: str, timeout: float) -> Fetched:
    headers = {"User-Agent": header_safe(user_agent), "Accept": "text/html,*/*;q=0.8"}
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener().open(request, timeout=timeout) as response:
            data = response.read(_MAX_BYTES)
            text, _ = decode_html(data, response.headers.get("Content-Type"))
            return Fetched(response.geturl(), response.status, text)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} 返回 HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"无法访问 {url}：{reason}") from exc

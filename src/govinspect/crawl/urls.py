"""URL hygiene: one normal form per resource, so that the frontier never fetches a page twice."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SESSION_PARAM = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
_SESSION_QUERY_KEYS = {"jsessionid", "phpsessid", "sessionid", "sid", "aspsessionid"}
# characters kept as they are when re-quoting a path (RFC 3986 pchar plus '/')
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


class BadURL(ValueError):
    """A URL that cannot be fetched (no http(s) scheme, no host, unparsable)."""


def normalize(url: str, base: str | None = None) -> str:
    """Absolute, normalised form of ``url`` (resolved against ``base``).

    Lower-case scheme and host, default port dropped, dot segments removed, fragment and
    session ids dropped, query parameters sorted, path percent-encoding made uniform.
    """
    url = url.strip()
    if base is not None and not url.startswith(("http://", "https://")):
        if url.startswith("/") and not url.startswith("//"):
            url = _origin(base) + url  # the common case on every page: a site-absolute path
        else:
            url = urljoin(base, url)
    return _normalize_absolute(url)


@lru_cache(maxsize=4096)
def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


# navigation, footers and pagers repeat the same URLs on every page: normalise each once
@lru_cache(maxsize=16384)
def _normalize_absolute(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"无法解析的网址：{url}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadURL(f"不支持的网址协议：{url}")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise BadURL(f"网址缺少主机名：{url}")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _SESSION_PARAM.sub("", parts.path) or "/"
    path = quote(unquote(path), safe=_PATH_SAFE)
    trailing = path.endswith("/")
    path = posixpath.normpath(path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if trailing and not path.endswith("/"):
        path += "/"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _SESSION_QUERY_KEYS
    ]
    query = urlencode(sorted(query_pairs), doseq=True) if query_pairs else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower()


_DIGITS = re.compile(r"\d+")


def path_pattern(url: str) -> str:
    """The shape of a URL with numbers and query values blanked: /col/N/N/tN_N.html?y=.

    Many URLs of one shape are normal (articles); tens of thousands are a trap (calendars).
    """
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    shape = _DIGITS.sub("N", parts.path)
    return f"{parts.netloc}{shape}?{'&'.join(keys)}"


def max_segment_repeats(url: str) -> int:
    """How often the most repeated path segment occurs (/a/b/a/b/a/ → 3): a sign of a loop."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return 0
    counts: dict[str, int] = {}
    for s in segments:
        counts[s] = counts.get(s, 0) + 1
    return max(counts.values())


class Scope:
    """Which URLs are crawled (the start host and --include prefixes); all others are only checked."""

    def __init__(self, start_url: str, include: list[str] | None = None) -> None:
        start = urlsplit(start_url)
        self._hosts: set[str] = {start.netloc.lower()}
        self._prefixes: list[str] = []
        for item in include or []:
            item = item.strip()
            if not item:
                continue
            if "://" in item:
                self._prefixes.append(normalize(item))
            else:
                self._hosts.add(item.lower().rstrip("/"))

    def contains(self, url: str) -> bool:
        if urlsplit(url).netloc.lower() in self._hosts:
            return True
        return any(url.startswith(p) for p in self._prefixes)

    def describe(self) -> list[str]:
        return sorted(self._hosts) + self._prefixes

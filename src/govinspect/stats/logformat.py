"""Access-log line formats: nginx/Apache combined (and common), IIS W3C extended.

A parser turns one line into a record ``(ip, epoch seconds UTC, method, path, status, user agent)``,
into ``None`` when the line is garbage, or into ``()`` for a line that is neither (an IIS
``#`` directive). The combined parser splits on double quotes (nginx escapes quotes inside fields
as \\x22, so the split is exact) and falls back to a regular expression for Apache's \\" escapes.
Timestamps are parsed once per minute and cached: at a few hundred thousand lines a second,
strptime would be the bottleneck.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Protocol

from govinspect.stats.errors import StatsError

Record = tuple[str, int, str, str, str, str]

_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CACHE_LIMIT = 200_000
# the agent of a format that records none (Apache common, IIS without cs(User-Agent)): such a
# request is never taken for a robot, and its visitor is its IP address alone
NO_AGENT = "\x00"

# user and ident may contain spaces in odd logs; quoted fields may hold \" escapes (Apache)
_COMBINED_RE = re.compile(
    r'^(\S+) \S+ .*?\[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?'
)


class LineParser(Protocol):
    name: str

    def parse(self, line: str) -> Record | tuple[()] | None: ...


def _day_epoch(year: int, month: int, day: int) -> int:
    return (date(year, month, day).toordinal() - _EPOCH_ORDINAL) * 86400


def _split_target(target: str) -> str:
    """The path of a request target (absolute-form targets of proxies included)."""
    if target.startswith(("http://", "https://")):
        slash = target.find("/", target.find("//") + 2)
        return target[slash:] if slash >= 0 else "/"
    return target


class CombinedParser:
    """``ip ident user [10/Oct/2023:13:55:36 +0800] "GET /p HTTP/1.1" 200 123 "ref" "agent"``."""

    name = "combined"

    def __init__(self) -> None:
        self._minutes: dict[str, int | None] = {}
        self._last_stamp = ""
        self._last_moment: int | None = None

    def epoch(self, stamp: str) -> int | None:
        """Seconds since 1970 (UTC) of ``10/Oct/2023:13:55:36 +0800``, or None when malformed."""
        if len(stamp) != 26:
            return None
        key = stamp[:17] + stamp[20:]
        base = self._minutes.get(key)
        if base is None:
            if key in self._minutes:
                return None
            base = self._minute_epoch(stamp)
            if len(self._minutes) > _CACHE_LIMIT:
                self._minutes.clear()
            self._minutes[key] = base
            if base is None:
                return None
        second = stamp[18:20]
        if not second.isdigit():
            return None
        return base + int(second)

    @staticmethod
    def _minute_epoch(stamp: str) -> int | None:
        if stamp[2] != "/" or stamp[6] != "/" or stamp[11] != ":" or stamp[14] != ":" or stamp[17] != ":":
            return None
        if stamp[20] != " " or stamp[21] not in "+-":
            return None
        month = _MONTHS.get(stamp[3:6])
        digits = stamp[0:2] + stamp[7:11] + stamp[12:14] + stamp[15:17] + stamp[22:26]
        if month is None or not digits.isdigit():
            return None
        hour, minute = int(stamp[12:14]), int(stamp[15:17])
        if hour > 23 or minute > 59:
            return None
        try:
            day_start = _day_epoch(int(stamp[7:11]), month, int(stamp[0:2]))
        except ValueError:
            return None
        offset = int(stamp[22:24]) * 3600 + int(stamp[24:26]) * 60
        if stamp[21] == "-":
            offset = -offset
        return day_start + hour * 3600 + minute * 60 - offset

    def parse(self, line: str) -> Record | None:
        parts = line.split('"')
        count = len(parts)
        if count == 3 or (count >= 7 and parts[4] == " "):
            head = parts[0]
            left = head.find("[")
            right = head.find("]", left)
            space = head.find(" ")
            middle = parts[2].split()
            if left > 0 and right > left and 0 < space < left and middle:
                status = middle[0]
                stamp = head[left + 1 : right]
                if len(status) == 3 and status.isdigit():
                    # neighbouring lines often share their second: skip even the cache lookup
                    if stamp == self._last_stamp:
                        moment: int | None = self._last_moment
                    else:
                        moment = self.epoch(stamp)
                        self._last_stamp, self._last_moment = stamp, moment
                    if moment is not None:
                        request = parts[1].split(" ")
                        agent = parts[5] if count >= 7 else NO_AGENT
                        if len(request) >= 2:
                            target = request[1]
                            if not target.startswith("/"):
                                target = _split_target(target)
                            return head[:space], moment, request[0], target, status, agent
                        return head[:space], moment, "", "", status, agent
        return self._parse_slow(line)

    def _parse_slow(self, line: str) -> Record | None:
        match = _COMBINED_RE.match(line)
        if match is None:
            return None
        moment = self.epoch(match.group(2))
        if moment is None:
            return None
        request = match.group(3).split(" ")
        method, target = (request[0], _split_target(request[1])) if len(request) >= 2 else ("", "")
        agent = match.group(7) if match.group(7) is not None else NO_AGENT
        return match.group(1), moment, method, target, match.group(4), agent


_W3C_REQUIRED = {"date": "date", "time": "time", "c-ip": "c-ip", "cs-method": "cs-method",
                 "cs-uri-stem": "cs-uri-stem", "sc-status": "sc-status"}


class W3CParser:
    """IIS W3C extended logs: space-separated fields named by the last ``#Fields:`` directive.

    Times are UTC, as the W3C format prescribes. Spaces in the user agent are written as '+'.
    """

    name = "iis-w3c"

    def __init__(self) -> None:
        self._fields = 0
        self._index: dict[str, int] = {}
        self._minutes: dict[str, int | None] = {}

    def set_fields(self, directive: str) -> None:
        names = directive.split(":", 1)[1].split()
        index = {n.lower(): i for i, n in enumerate(names)}
        missing = [f for f in _W3C_REQUIRED if f not in index]
        if missing:
            raise StatsError(f"IIS 日志的 #Fields 缺少字段：{'、'.join(missing)}")
        self._fields = len(names)
        self._index = index

    def _epoch(self, day: str, time: str) -> int | None:
        if len(day) != 10 or len(time) < 8:
            return None
        key = day + time[:5]
        base = self._minutes.get(key)
        if base is None:
            if key in self._minutes:
                return None
            base = None
            if day[4] == "-" and day[7] == "-" and time[2] == ":" and time[5] == ":":
                digits = day[:4] + day[5:7] + day[8:10] + time[:2] + time[3:5]
                if digits.isdigit() and int(time[:2]) < 24 and int(time[3:5]) < 60:
                    try:
                        base = _day_epoch(int(day[:4]), int(day[5:7]), int(day[8:10]))
                        base += int(time[:2]) * 3600 + int(time[3:5]) * 60
                    except ValueError:
                        base = None
            if len(self._minutes) > _CACHE_LIMIT:
                self._minutes.clear()
            self._minutes[key] = base
            if base is None:
                return None
        second = time[6:8]
        return base + int(second) if second.isdigit() else None

    def parse(self, line: str) -> Record | tuple[()] | None:
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                self.set_fields(line)
            return ()
        if not self._fields:
            return None  # data before any #Fields directive: nothing says what the columns are
        values = line.split(" ")
        if len(values) != self._fields:
            return None
        index = self._index
        status = values[index["sc-status"]]
        if len(status) != 3 or not status.isdigit():
            return None
        moment = self._epoch(values[index["date"]], values[index["time"]])
        if moment is None:
            return None
        agent_at = index.get("cs(user-agent)")
        agent = values[agent_at].replace("+", " ") if agent_at is not None else NO_AGENT
        return values[index["c-ip"]], moment, values[index["cs-method"]], values[index["cs-uri-stem"]], status, agent


def detect_format(lines: list[str]) -> LineParser | None:
    """The parser for a log whose first non-empty lines are ``lines``; None when none fits."""
    for line in lines:
        if line.startswith(("#Software: Microsoft", "#Fields:", "#Version:")):
            return W3CParser()
    combined = CombinedParser()
    if any(combined.parse(line) for line in lines):
        return CombinedParser()
    return None

"""Small hand-made logs whose figures are worked out by hand in the tests (not by running the code)."""

from __future__ import annotations

A = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0"
B = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1"
C = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:125.0) Firefox/125.0"
D = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Firefox/120.0"
BAIDU = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"


def _line(ip: str, when: str, request: str, status: int, agent: str) -> str:
    return f'{ip} - - [{when} +0800] "{request}" {status} 512 "-" "{agent}"'


# Line numbers matter: the garbage lines are 9 and 15.
COMBINED_LINES = [
    _line("10.0.0.1", "01/Apr/2026:09:00:00", "GET /index.html HTTP/1.1", 200, A),  # 1  PV  A visit 1
    _line("10.0.0.1", "01/Apr/2026:09:00:01", "GET /css/main.css HTTP/1.1", 200, A),  # 2  static
    _line("10.0.0.2", "01/Apr/2026:09:05:00", "GET / HTTP/1.1", 200, B),  # 3  PV  B visit 1 (bounce)
    _line("10.0.0.2", "01/Apr/2026:09:06:00", "POST /col/hdjl/submit.do HTTP/1.1", 200, B),  # 4  not GET
    _line("10.0.0.2", "01/Apr/2026:09:07:00", "GET /col/xxgk/missing.html HTTP/1.1", 404, B),  # 5  404
    _line("10.0.0.9", "01/Apr/2026:09:08:00", "GET /col/tzgg/index.html HTTP/1.1", 200, BAIDU),  # 6  robot
    _line("10.0.0.1", "01/Apr/2026:09:10:00", "GET /col/tzgg/index.html HTTP/1.1", 200, A),  # 7  PV  A visit 1
    _line("10.0.0.1", "01/Apr/2026:09:35:00", "GET /col/tzgg/202604/t20260401_1.html HTTP/1.1", 200, A),  # 8  PV, gap 25 min
    "this is not a log line",  # 9  garbage
    _line("10.0.0.1", "01/Apr/2026:10:10:00", "GET /col/zwdt/ HTTP/1.1", 304, A),  # 10 PV  gap 35 min: A visit 2 (bounce)
    _line("10.0.0.1", "01/Apr/2026:23:50:00", "GET /col/xxgk/index.html HTTP/1.1", 200, C),  # 11 PV  C visit 1
    _line("10.0.0.1", "02/Apr/2026:00:10:00", "GET /col/xxgk/202604/t20260402_2.html?from=home HTTP/1.1", 200, C),  # 12 PV day 2, C visit 1
    _line("10.0.0.1", "02/Apr/2026:08:00:00", "GET /index.html HTTP/1.1", 200, A),  # 13 PV  A visit 3 (bounce)
    _line("10.0.0.2", "02/Apr/2026:08:00:30", "GET /images/a.png HTTP/1.1", 200, B),  # 14 static
    _line("10.0.0.2", "32/Apr/2026:08:00:00", "GET / HTTP/1.1", 200, B),  # 15 garbage: no 32 April
    '10.0.0.5 - - [02/Apr/2026:09:00:00 +0800] "-" 400 0 "-" "-"',  # 16 valid line, no agent: robot
    _line("10.0.0.2", "02/Apr/2026:12:00:00", "GET /col/zwdt/index.html HTTP/1.1", 200, B),  # 17 PV  B visit 2 (bounce)
    # 18: Apache escapes a quote inside the request as \" (the slow path): PV, D visit 1 (bounce)
    f'10.0.0.7 - - [02/Apr/2026:13:00:00 +0800] "GET /col/tzgg/a\\"b.html HTTP/1.1" 200 5 "-" "{D}"',
]
COMBINED = "\n".join(COMBINED_LINES) + "\n"

IIS_X = "Mozilla/5.0+(Windows+NT+10.0)+Chrome/120"
IIS_Y = "Mozilla/5.0+(iPhone)+Safari"
IIS = "\r\n".join(
    [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Version: 1.0",
        "#Date: 2026-04-01 00:00:00",
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
        "cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
        # times are UTC: 01:00Z is 09:00 in Beijing
        f"2026-04-01 01:00:00 192.168.1.1 GET /index.aspx - 80 - 10.1.1.1 {IIS_X} - 200 0 0 15",  # 5  PV X
        f"2026-04-01 01:00:01 192.168.1.1 GET /css/site.css - 80 - 10.1.1.1 {IIS_X} - 200 0 0 2",  # 6  static
        f"2026-04-01 01:20:00 192.168.1.1 GET /col/tzgg/list.aspx page=2 80 - 10.1.1.1 {IIS_X} - 200 0 0 20",  # 7  PV X
        f"2026-04-01 15:59:00 192.168.1.1 GET /index.aspx - 80 - 10.1.1.2 {IIS_Y} - 200 0 0 15",  # 8  PV Y 23:59 Apr 1
        f"2026-04-01 16:05:00 192.168.1.1 GET /col/zwdt/ - 80 - 10.1.1.2 {IIS_Y} - 200 0 0 15",  # 9  PV Y 00:05 Apr 2
        "2026-04-01 16:10:00 192.168.1.1 GET /index.aspx - 80 - 10.1.1.3 Mozilla/5.0+(compatible;+bingbot/2.0) - 200 0 0 9",  # 10 robot
        "broken line",  # 11 garbage
        "#Fields: date time c-ip cs-method cs-uri-stem sc-status",  # 12 the fields change mid-file
        "2026-04-02 02:00:00 10.1.1.4 GET /index.html 200",  # 13 PV Z (no agent recorded: not a robot)
    ]
) + "\r\n"

"""govinspect — 政府网站与政务新媒体自查整改系统.

Flow of data, one direction only: crawl (fetch) → parse → checks → store → scoring → reports.
"""

__version__ = "0.1.0"

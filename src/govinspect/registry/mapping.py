"""Which unit answers for a finding.

Order: a column rule naming the finding's column (detail.column) wins; then the longest URL-prefix
rule matching the finding's page; then the site's owner unit. A prefix that starts with "/" is a path
prefix on the site's own host(s); otherwise it is compared with the absolute URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from govinspect.registry.model import Site


def _path_of(url: str) -> str:
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return ""


class UnitResolver:
    def __init__(self, site: Site) -> None:
        self.owner = site.owner_unit_id
        self.columns: dict[str, int] = {}
        self.prefixes: list[tuple[str, int]] = []
        for rule in sorted(site.rules, key=lambda r: r.position):
            if rule.match == "column":
                self.columns.setdefault(rule.pattern.strip(), rule.unit_id)
            else:
                self.prefixes.append((rule.pattern.strip(), rule.unit_id))
        # the longest prefix is the most specific
        self.prefixes.sort(key=lambda item: len(item[0]), reverse=True)

    def unit_for(self, page: str, detail: dict[str, Any] | None = None) -> int | None:
        column = (detail or {}).get("column")
        if isinstance(column, str) and column.strip() in self.columns:
            return self.columns[column.strip()]
        path = _path_of(page)
        for prefix, unit_id in self.prefixes:
            if (prefix.startswith("/") and path.startswith(prefix)) or page.startswith(prefix):
                return unit_id
        return self.owner

"""A finished scan with given page facts, written through the store's own interface."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from govinspect.store.db import Database

MOMENT = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def stored_scan(db: Database, site_id: int, start_url: str, pages: dict[str, dict[str, Any]]) -> int:
    scan_id = db.create_scan(site_id, start_url, {}, MOMENT)
    new_urls = [
        {"seq": seq, "url": url, "role": "page", "depth": 0, "state": "queued"} for seq, url in enumerate(pages, 1)
    ]
    results = [
        {"seq": seq, "state": "done", "status": 200, "ok": True, "content_type": "text/html", "facts": facts}
        for seq, facts in enumerate(pages.values(), 1)
    ]
    db.write_batch(scan_id, new_urls, results, [], [])
    db.finish_scan(scan_id, len(pages))
    return scan_id

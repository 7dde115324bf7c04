"""What the console computes ahead, in a background thread at start-up: each site's current score,
its recent scores (the trends), and the column tree of its latest scan — so the first visitors do
not wait for them. Anything not ready yet is computed by the page that needs it."""

from __future__ import annotations

import logging
from datetime import datetime

from govinspect.settings import Settings
from govinspect.store import registry_repo
from govinspect.store.db import Database
from govinspect.web import queries, scores, services
from govinspect.web.config import ConsoleConfig

log = logging.getLogger(__name__)


def warm(db: Database, settings: Settings, config: ConsoleConfig, *, now: datetime) -> dict[str, int]:
    done = {"scores": 0, "column_trees": 0}
    try:
        done["scores"] = scores.warm(db, now=now, rows=config.pages.evidence_rows,
                                     history=config.overview.score_history_scans)
        sites = {s.id: s for s in registry_repo.list_sites(db)}
        for site_id, scan_id in queries.latest_scans(db, list(sites), now).items():
            if services.stored_column_tree(db, scan_id) is None:
                services.build_column_tree(db, settings, sites[site_id], scan_id)
                done["column_trees"] += 1
    except Exception:  # a warm-up must never stop the server
        log.exception("预先计算失败")
    return done

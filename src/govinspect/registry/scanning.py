"""What a scan of a registered site takes from the registry: its scope and its settings."""

from __future__ import annotations

from typing import Any

from govinspect.settings import Settings
from govinspect.store import registry_repo as repo
from govinspect.store.db import Database


def scan_inputs(db: Database, url: str, settings: Settings) -> tuple[Settings, dict[str, Any]]:
    """Settings with the site's scope added to the crawl, and the site_config for ScanJob.

    A site not registered yet gets the settings unchanged and an empty config (the scan registers it).
    """
    site = repo.site_for_url(db, url)
    if site is None:
        return settings, {}
    if site.scope:
        include = list(dict.fromkeys([*settings.crawl.include, *site.scope]))
        settings = settings.with_overrides(include=include)
    return settings, dict(site.settings)

"""--site: an id, a registered name or a URL (a new URL is added only by the import commands)."""

from __future__ import annotations

import pytest

from govinspect.stats.errors import StatsError
from govinspect.store.stats_repo import resolve_site


def test_site_by_url_id_and_variants(db):
    created = resolve_site(db, "http://127.0.0.1:8080", create=True)
    assert created.url == "http://127.0.0.1:8080/"
    assert resolve_site(db, str(created.id)).id == created.id
    assert resolve_site(db, "http://127.0.0.1:8080/").id == created.id
    assert resolve_site(db, "127.0.0.1:8080", create=False).id == created.id


def test_unknown_sites_are_clear_errors(db):
    with pytest.raises(StatsError, match="42"):
        resolve_site(db, "42")
    with pytest.raises(StatsError, match="没有找到站点"):
        resolve_site(db, "http://127.0.0.9/", create=False)
    with pytest.raises(StatsError, match="没有找到站点"):
        resolve_site(db, "不存在的网站")
    with pytest.raises(StatsError, match="--site"):
        resolve_site(db, "  ")

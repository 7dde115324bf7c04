"""The whole pipeline on the bundled demo site: every planted problem found, nothing else flagged,
traps bounded, and SQLite and PostgreSQL agreeing finding for finding."""

from __future__ import annotations

from collections import Counter

import pytest

from govinspect.demo.server import start_demo
from govinspect.scan import ScanJob, ScanResult
from govinspect.store import open_database
from tests.conftest import fast_settings


async def _scan_demo(db_url: str, **crawl: object) -> tuple[ScanResult, object]:
    server = await start_demo(port=0, pages=300, slow_seconds=6.0)
    try:
        settings = fast_settings(db_url, concurrency=16, timeout=3.0, **crawl)
        job = ScanJob(settings, open_database(db_url), server.base_url + "/", now=server.site.now)
        result = await job.run()
    finally:
        await server.close()
    return result, server.site


def _relative(url: str | None, site: object) -> str | None:
    """The URL without the demo server's port, which differs between two runs."""
    port = site.hosts.main.rsplit(":", 1)[1]  # type: ignore[attr-defined]
    return url.replace(f":{port}", ":P") if url else url


async def test_demo_scan_finds_exactly_the_planted_problems(sqlite_url):
    result, site = await _scan_demo(sqlite_url)
    found = Counter((f.code, f.page) for f in result.findings)
    expected = Counter((e.code, e.page) for e in site.expected)  # type: ignore[attr-defined]
    assert set(found) == set(expected), {"missing": set(expected) - set(found), "extra": set(found) - set(expected)}
    # link-type problems: the exact target too
    link_codes = ("broken_link", "broken_resource", "hidden_link")
    got_targets = {(f.code, f.page, f.target) for f in result.findings if f.code in link_codes}
    want_targets = {(e.code, e.page, e.target) for e in site.expected if e.code in link_codes}  # type: ignore[attr-defined]
    assert got_targets == want_targets
    for trap in site.must_not_flag:  # type: ignore[attr-defined]
        assert not any(
            f.code == trap.code and f.page == trap.page and (trap.evidence is None or f.evidence == trap.evidence)
            for f in result.findings
        ), trap.reason
    # every code the project detects on a website is planted and found (new-media and probe codes aside)
    assert {f.code for f in result.findings} >= {
        "broken_link", "broken_resource", "hidden_link", "typo", "serious_error", "sensitive_word",
        "privacy_leak", "secret_marking", "numbering_error", "homepage_stale", "column_stale", "column_empty",
        "policy_expired_unlabeled", "review_footer_missing", "attachment_name_unclear", "mobile_unfriendly",
        "footer_info_missing", "https_missing", "ipv6_missing", "message_overdue",
    }
    # the traps stay bounded: the endless calendar is cut by the per-pattern limit, the scan ends
    assert result.pages_fetched < 2500


@pytest.mark.postgres
async def test_demo_scan_identical_on_postgres(sqlite_url, postgres_url):
    lite, site_a = await _scan_demo(sqlite_url)
    pg, site_b = await _scan_demo(postgres_url)

    def key(result: ScanResult, site: object) -> list[tuple[str, str | None, str | None, str | None]]:
        return sorted((f.code, _relative(f.page, site), _relative(f.target, site), f.evidence) for f in result.findings)

    assert key(lite, site_a) == key(pg, site_b)
    assert lite.pages_fetched == pg.pages_fetched

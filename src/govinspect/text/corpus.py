"""What a whole site's text says about a spelling: a statistical typo candidate that recurs on many
pages of the same site is that site's normal usage (a place or unit name such as 宁川), not a typo.

Only statistical candidates (those carrying a ``gain``) are judged this way; a curated misuse such as
布署 stays a typo however often it appears — a template error repeated on every page is still wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from govinspect.findings import Finding

MIN_PAGES = 5  # fewer pages prove nothing either way
MIN_SHARE = 0.02  # of the pages fetched


def is_statistical_candidate(finding: Finding) -> bool:
    return finding.code == "typo" and "gain" in finding.detail


def normal_on_site(findings: Iterable[Finding], pages_fetched: int) -> set[str]:
    """Spellings that recur as statistical typo candidates on enough distinct pages to be the site's norm."""
    pages_by_spelling: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if is_statistical_candidate(f) and f.evidence:
            pages_by_spelling[f.evidence].add(f.page)
    threshold = max(MIN_PAGES, MIN_SHARE * pages_fetched)
    return {spelling for spelling, pages in pages_by_spelling.items() if len(pages) >= threshold}

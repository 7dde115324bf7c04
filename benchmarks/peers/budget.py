"""How large a site the benchmark can still afford: the whole run should stay within its time budget."""

from __future__ import annotations

# how much longer than a 5,000-page scan's rate predicts a big scan may take (site checks, larger DB)
BIG_RUN_SAFETY = 1.5
GENERATE_S_PER_PAGE = 0.0015  # building and exporting the demo site, measured here: ~1.5 s per 1,000 pages


def big_size(wanted: int, base_pages: int, pages_per_s: float, seconds_left: float) -> int:
    """The large site's size: ``wanted`` if its predicted run fits the time left, else the largest
    multiple of 5,000 that fits, or 0 when not even twice the comparison site fits."""
    per_page_s = BIG_RUN_SAFETY / max(pages_per_s, 1.0) + GENERATE_S_PER_PAGE
    if wanted * per_page_s <= seconds_left:
        return wanted
    fitting = int(seconds_left / per_page_s) // 5000 * 5000
    return fitting if fitting >= 2 * base_pages else 0

"""Fact ``pub_date``: when the page says it was published (``{"date": "2023-05-12", "source": …}``)."""

from __future__ import annotations

from govinspect.parse.dates import PubDate, publication_date
from govinspect.parse.extractors._memo import memo
from govinspect.parse.facts import fact
from govinspect.parse.page import ParsedPage


def page_pub_date(page: ParsedPage) -> PubDate | None:
    return memo(page, "pub_date", publication_date)


@fact("pub_date")
def pub_date_fact(page: ParsedPage) -> dict[str, str] | None:
    found = page_pub_date(page)
    return found.to_fact() if found else None

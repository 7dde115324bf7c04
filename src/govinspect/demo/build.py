"""What every page renderer of one demo build shares: hosts, dates, specs, the article plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from govinspect.crawl.urls import normalize
from govinspect.demo.content import SiteSpec, TextSpec
from govinspect.demo.layout import NavGroup, footer_html, main_nav
from govinspect.demo.model import DemoHosts
from govinspect.demo.plan import Article


@dataclass
class Build:
    hosts: DemoHosts
    today: date
    seed: int
    site: SiteSpec
    text: TextSpec
    columns: dict[str, list[Article]]
    nav: list[NavGroup] = field(init=False)
    footer: str = field(init=False)

    def __post_init__(self) -> None:
        self.nav = main_nav(self.site.columns)
        ident = self.site.identity
        self.footer = footer_html(ident, self.hosts.good, sponsor=ident.sponsor, phone=ident.phone)

    def url(self, path: str) -> str:
        return normalize(self.hosts.main + path)

    def site_meta(self) -> dict[str, str]:
        ident = self.site.identity
        return {
            "SiteName": ident.name,
            "SiteDomain": self.hosts.main.split("//", 1)[1],
            "SiteIDCode": ident.site_code,
        }

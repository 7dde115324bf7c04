"""https_missing and ipv6_missing: network site checks on the site's host (short timeouts)."""

from __future__ import annotations

from collections.abc import Iterator

from govinspect.checks.registry import CheckContext, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.structure.config import config_from
from govinspect.structure.transport import probe_https, probe_ipv6


@site_check("https", "https_missing", network=True)
def check_https(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    config = config_from(ctx)
    if not config.https_required:
        return
    result = probe_https(site.start_url, config.network_timeout)
    if not result.ok:
        yield Finding(
            "https_missing",
            page=site.start_url,
            target=result.tried,
            evidence=None,
            suggestion="为网站部署有效的 HTTPS 证书，并将 HTTP 访问跳转到 HTTPS",
            detail={"reason": result.reason},
        )


@site_check("ipv6", "ipv6_missing", network=True)
def check_ipv6(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    result = probe_ipv6(site.start_url, config_from(ctx).network_timeout)
    if not result.ok:
        yield Finding(
            "ipv6_missing",
            page=site.start_url,
            evidence=None,
            suggestion="为网站域名配置 AAAA 记录并确保经 IPv6 可以访问",
            detail={"reason": result.reason, "host": result.tried, "addresses": result.addresses},
        )

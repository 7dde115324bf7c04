"""Check stage: small functions from a parsed page (or a whole site) to findings.

Every module in this package registers its checks in the one table of ``registry`` by decorating
them with ``@page_check`` or ``@site_check``; adding a check touches one module and one test file.
"""

from govinspect.checks.registry import (
    CHECKS,
    CheckContext,
    all_checks,
    page_check,
    run_page_checks,
    site_check,
)

__all__ = ["CHECKS", "CheckContext", "all_checks", "page_check", "run_page_checks", "site_check"]

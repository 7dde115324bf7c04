from __future__ import annotations

from govinspect.findings import Finding
from govinspect.text.corpus import normal_on_site


def _typo(evidence: str, page: str, statistical: bool = True) -> Finding:
    detail = {"rule": f"{evidence}→x", "gain": 9.0} if statistical else {"rule": f"{evidence}→x"}
    return Finding("typo", page=page, evidence=evidence, suggestion="x", detail=detail)


def test_recurring_statistical_candidate_is_site_norm() -> None:
    findings = [_typo("宁川", f"http://x/{i}.html") for i in range(40)]
    findings += [_typo("帐号", "http://x/1.html"), _typo("帐号", "http://x/2.html")]
    assert normal_on_site(findings, pages_fetched=100) == {"宁川"}


def test_curated_misuse_is_never_a_norm() -> None:
    findings = [_typo("布署", f"http://x/{i}.html", statistical=False) for i in range(40)]
    assert normal_on_site(findings, pages_fetched=40) == set()


def test_share_threshold_grows_with_site() -> None:
    findings = [_typo("宁川", f"http://x/{i}.html") for i in range(10)]
    assert normal_on_site(findings, pages_fetched=100) == {"宁川"}
    assert normal_on_site(findings, pages_fetched=5000) == set()

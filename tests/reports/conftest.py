"""Fixtures of the report tests: one database built from the demo site, shared by the module tests
(building it scans the demo once, which is the slow part)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from govinspect.reports.pdf import office_binary
from tests.reports.builders import ReportWorld, build_world


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "libreoffice: needs Debian's libreoffice-writer (skipped without it)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if office_binary() is not None:
        return
    skip = pytest.mark.skip(reason="libreoffice/soffice 未安装（Debian: apt-get install libreoffice-writer）")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportWorld]:
    built = asyncio.run(build_world(tmp_path_factory.mktemp("reports-world")))
    yield built
    built.db.close()


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports-out")

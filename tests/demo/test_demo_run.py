"""`make demo` end to end on a small demo site: the scan, the registry entry, the report files."""

from __future__ import annotations

from pathlib import Path

from govinspect.demo.run import _demo
from govinspect.store import open_database, registry_repo


async def test_make_demo_registers_the_portal_and_writes_its_files(tmp_path: Path) -> None:
    missed = await _demo(port=0, pages=120, out_dir=tmp_path)
    assert missed == 0  # every planted problem found
    for name in ("demo.db", "demo-scan.json", "demo-quarterly.docx"):
        assert (tmp_path / name).stat().st_size > 0
    db = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    portal = registry_repo.list_sites(db)[0]
    assert portal.kind == "portal" and portal.name == "宁川县人民政府"
    assert portal.settings.get("subsites")  # the demo's site settings are the registry's: rescans use them
    db.close()

"""Word → PDF with LibreOffice (Debian's libreoffice-writer), headless, for checking and printing.

Each conversion uses its own throw-away LibreOffice profile, so conversions running side by side
(tests, the console) never wait on one another's profile lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from govinspect.reports.errors import ReportError

CONVERT_TIMEOUT_S = 180  # a long report with charts takes a few seconds; a hung office never ends


def office_binary() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert_to_pdf(docx: Path, out_dir: Path | None = None) -> Path:
    """Convert ``docx``; the PDF lands beside it (or in ``out_dir``) with the same stem."""
    binary = office_binary()
    if binary is None:
        raise ReportError("未找到 LibreOffice（libreoffice 或 soffice），无法转换为 PDF：请安装 Debian 的 libreoffice-writer")
    if not docx.is_file():
        raise ReportError(f"文件不存在：{docx}")
    target_dir = out_dir or docx.parent
    pdf = target_dir / (docx.stem + ".pdf")
    pdf.unlink(missing_ok=True)  # an old PDF must not pass for this conversion's
    with tempfile.TemporaryDirectory(prefix="govinspect-office-") as profile:
        command = [
            binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(target_dir), str(docx),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"LibreOffice 转换 {docx.name} 超时（{CONVERT_TIMEOUT_S} 秒）") from exc
    if done.returncode != 0 or not pdf.is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["无输出"]
        raise ReportError(f"LibreOffice 未能把 {docx.name} 转换为 PDF：{detail[0]}")
    return pdf

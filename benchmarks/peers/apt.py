"""Installing a Debian package the benchmark needs (nginx, linkchecker): only when missing, only as root."""

from __future__ import annotations

import os
import shutil
import subprocess


def apt_install(package: str, binary: str) -> str | None:
    """Make ``binary`` available, installing ``package`` when it is missing; a Chinese reason when it cannot be."""
    if shutil.which(binary):
        return None
    if os.geteuid() != 0:
        return f"未安装 {binary}，且当前不是 root 用户，无法自动安装（请执行 apt-get install {package}）"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, check=False, capture_output=True)
    if done.returncode != 0 or not shutil.which(binary):
        return f"用 apt-get 安装 {package} 失败"
    return None

"""Run one tool as a subprocess and measure it: wall time, CPU seconds and peak memory of its process tree.

CPU is user+sys from ``os.wait4`` on the tool's top process, which includes every descendant that
process waited for. Memory is read from /proc every ``SAMPLE_INTERVAL_S`` over the whole process
tree, two ways, and the larger is kept as "peak RSS": the largest ``VmHWM`` of a single process
(the kernel's own high-water mark, exact up to the last sample) and the largest sum of ``VmRSS``
over the tree (catches multi-process tools). ``ru_maxrss`` is not used: a child forked from this
Python process inherits its resident size until exec, which inflates small tools such as wget.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INTERVAL_S = 0.05


@dataclass
class Measurement:
    """What one run of one tool cost."""

    wall_s: float
    cpu_s: float
    max_single_rss_mb: float  # the largest VmHWM of one process of the tree
    sampled_tree_rss_mb: float  # the largest summed VmRSS of the tree over the samples
    returncode: int
    timed_out: bool = False

    @property
    def peak_rss_mb(self) -> float:
        return max(self.max_single_rss_mb, self.sampled_tree_rss_mb)


def children_map() -> dict[int, list[int]]:
    """Parent pid → child pids, read from /proc in one pass."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # the process ended meanwhile
        # the command name may contain spaces and parentheses: parse after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of one process in kB; zeros when it is gone or a kernel thread."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return rss, hwm


def tree_memory_kb(root: int) -> tuple[int, int]:
    """(summed VmRSS of ``root`` and all its descendants, largest VmHWM among them) now."""
    children = children_map()
    total = largest = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        rss, hwm = _memory_kb(pid)
        total += rss
        largest = max(largest, hwm)
        stack.extend(children.get(pid, []))
    return total, largest


class _Sampler(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_tree_kb = 0
        self.peak_single_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            total, largest = tree_memory_kb(self.root)
            self.peak_tree_kb = max(self.peak_tree_kb, total)
            self.peak_single_kb = max(self.peak_single_kb, largest)
            self._stop_event.wait(SAMPLE_INTERVAL_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    timeout_s: float = 1800.0,
) -> Measurement:
    """Run ``cmd`` to its end (killing its process group after ``timeout_s``) and measure it."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115 - closed below
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL  # noqa: SIM115 - closed below
    timed_out = threading.Event()
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=dict(env) if env is not None else None,
            stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        sampler = _Sampler(proc.pid)
        sampler.start()

        def kill_group() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        killer = threading.Timer(timeout_s, kill_group)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen we reaped it ourselves
        # a tool's helper processes left behind (daemonised) are not ours to keep
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    finally:
        for fh in (out, err):
            if fh is not subprocess.DEVNULL and hasattr(fh, "close"):
                fh.close()  # type: ignore[union-attr]
    return Measurement(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_single_rss_mb=sampler.peak_single_kb / 1024,
        sampled_tree_rss_mb=sampler.peak_tree_kb / 1024,
        returncode=proc.returncode,
        timed_out=timed_out.is_set(),
    )

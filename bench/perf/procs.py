"""A server as a process tree (PostgreSQL's postmaster and its backends, riffq with workers):
CPU seconds and memory summed over the tree, and a sampler of its peak RSS."""

from __future__ import annotations

import threading
import time
from typing import List

import psutil


def tree(pid: int) -> List[psutil.Process]:
    """The process and all its descendants alive now."""
    root = psutil.Process(pid)
    return [root] + root.children(recursive=True)


def _sum(pid: int, read) -> float:
    total = 0.0
    for p in tree(pid):
        try:
            total += read(p)
        except psutil.Error:  # a backend that exited meanwhile
            pass
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the live processes of the tree."""
    return _sum(pid, lambda p: sum(p.cpu_times()[:2]))


def tree_rss(pid: int) -> int:
    """Summed RSS (shared pages count once per process that maps them)."""
    return int(_sum(pid, lambda p: p.memory_info().rss))


def tree_pss(pid: int) -> int:
    """Summed PSS: shared pages split between the processes mapping them, so a forked tree
    (PostgreSQL) is not charged its shared buffers once per backend."""
    return int(_sum(pid, lambda p: p.memory_full_info().pss))


class TreeSampler:
    """Inside `with`: samples the tree's RSS every 20 ms (`base`, `peak`, bytes) and its CPU
    seconds (`cpu_s`, set on exit)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.base = self.peak = 0
        self.cpu_s = 0.0
        self._cpu0 = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, tree_rss(self.pid))

    def __enter__(self) -> "TreeSampler":
        self.base = self.peak = tree_rss(self.pid)
        self._cpu0 = tree_cpu_seconds(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.pid))
        self.cpu_s = tree_cpu_seconds(self.pid) - self._cpu0

"""Sampling a server process's resident memory while a test streams a result from it."""
from __future__ import annotations

import threading
from typing import Any, Protocol, Tuple

import psutil
import psycopg


#: ``n`` rows of ~500 bytes each (Spark SQL and DuckDB alike): 100 000 of them are ~50 MB.
WIDE_ROWS = "SELECT id, repeat('x', 500) AS pad FROM range({n})"


class HasRss(Protocol):
    def rss(self) -> int:
        """The process's resident set size in bytes."""


class ProcessRss:
    """The RSS of the process with id ``pid``."""

    def __init__(self, pid: int) -> None:
        self.ps = psutil.Process(pid)

    def rss(self) -> int:
        return self.ps.memory_info().rss


class RssSampler:
    """Samples a process's RSS every 20 ms in a background thread; ``peak`` is the highest."""

    def __init__(self, server: HasRss) -> None:
        self.server = server
        self.peak = server.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.server.rss())
            except psutil.NoSuchProcess:
                return
            self._stop.wait(0.02)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(5)
        self.peak = max(self.peak, self.server.rss())


def stream_growth(dsn: str, sql: str, server: HasRss) -> Tuple[int, int]:
    """Streams ``sql`` through psycopg's ``cursor.stream`` (rows read as they arrive) and
    returns ``(rows, bytes)``: how many rows came and how far the server's RSS rose above
    what it was before the query."""
    baseline = server.rss()
    n = 0
    with RssSampler(server) as sampler:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for _ in conn.cursor().stream(sql, size=5000):
                n += 1
    return n, sampler.peak - baseline

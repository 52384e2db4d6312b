"""Observability on the Python side: a one-line log per connection, a slow-query log, and the
per-state connection counts the Prometheus endpoint adds to :meth:`riffq.Server.stats`.

Everything is logged through the ``riffq`` logger (``logging.getLogger("riffq")``):

- INFO: ``connection 3 from 127.0.0.1:50432 closed: 12 statements, 1 error, 4.2 s``;
- WARNING: ``slow statement (1530 ms, connection 3): select …`` above the threshold;
- DEBUG: each failed statement's SQLSTATE and message.

Nothing is logged per row or per column.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

__all__ = ["Observer"]

logger = logging.getLogger("riffq")


@dataclass
class _ConnInfo:
    ip: str
    port: int
    opened: float
    statements: int = 0
    errors: int = 0
    running: int = 0


class _ObservedCallback:
    """Wraps the core's query callback: notes the end of the statement, then forwards. Other
    attributes (``notice``, ``cancelled``) are the wrapped callback's."""

    __slots__ = ("_cb", "_done")

    def __init__(self, cb: Callable[..., None], done: Callable[[bool], None]) -> None:
        self._cb = cb
        self._done: Optional[Callable[[bool], None]] = done

    def __call__(self, result: Any, *, is_tag: bool = False, is_error: bool = False,
                 **kwargs: Any) -> None:
        done, self._done = self._done, None
        if done is not None:
            done(is_error)
        self._cb(result, is_tag=is_tag, is_error=is_error, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cb, name)


class Observer:
    """Tracks connections and statements for logging and metrics.

    Args:
        slow_query_ms: Statements whose answer takes longer than this many milliseconds are
            logged at WARNING (``None``: no slow-query log).
    """

    def __init__(self, slow_query_ms: Optional[float] = None) -> None:
        self.slow_query_ms = slow_query_ms
        self.slow_queries = 0
        self._lock = threading.Lock()
        self._conns: Dict[int, _ConnInfo] = {}

    def connected(self, connection_id: int, ip: str, port: int) -> None:
        """Notes a new connection."""
        with self._lock:
            self._conns[connection_id] = _ConnInfo(ip, port, time.monotonic())

    def disconnected(self, connection_id: int) -> None:
        """Logs the connection's one-line summary at INFO."""
        with self._lock:
            info = self._conns.pop(connection_id, None)
        if info is None:
            return
        secs = time.monotonic() - info.opened
        logger.info("connection %d from %s:%d closed: %d statement%s, %d error%s, %.1f s",
                    connection_id, info.ip, info.port, info.statements,
                    "" if info.statements == 1 else "s", info.errors,
                    "" if info.errors == 1 else "s", secs)

    def wrap(self, connection_id: int, sql: str, callback: Callable[..., None],
             do_describe: bool = False) -> Callable[..., None]:
        """A callback that records the statement's outcome and duration, then forwards."""
        if do_describe:
            return callback
        started = time.monotonic()
        with self._lock:
            info = self._conns.get(connection_id)
            if info is not None:
                info.running += 1

        def done(is_error: bool) -> None:
            ms = (time.monotonic() - started) * 1000.0
            with self._lock:
                info = self._conns.get(connection_id)
                if info is not None:
                    info.running = max(0, info.running - 1)
                    info.statements += 1
                    info.errors += int(is_error)
                slow = self.slow_query_ms is not None and ms >= self.slow_query_ms
                if slow:
                    self.slow_queries += 1
            if slow:
                logger.warning("slow statement (%.0f ms, connection %d): %s", ms, connection_id,
                               " ".join(sql.split())[:1000])

        return _ObservedCallback(callback, done)

    def connection_states(self) -> Dict[str, int]:
        """Open connections by state: ``active`` (a statement running in the handler) and
        ``idle``."""
        with self._lock:
            active = sum(1 for c in self._conns.values() if c.running)
            return {"active": active, "idle": len(self._conns) - active}

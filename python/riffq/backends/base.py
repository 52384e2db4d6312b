"""What every ready backend shares: the query entry point the core calls, work on a thread
pool, per-connection state, errors sent as ErrorResponses, and serving in one call.

A backend is any object with the :class:`Backend` methods; :class:`ExecutorBackend` is the
base of the DuckDB, polars and pandas backends: subclasses implement :meth:`execute`, which
runs one statement synchronously and returns ``(result, is_tag)``.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Protocol

from ..answers import Result, error_tuple

__all__ = ["Backend", "ExecutorBackend"]

logger = logging.getLogger("riffq")


class Backend(Protocol):
    """The interface :func:`riffq.runner.run` serves: the core's query callback plus the
    connection lifecycle and the catalog."""

    def handle_query(self, sql: str, callback: Callable[..., None], *, do_describe: bool = False,
                     connection_id: int = 0, query_args: Optional[List[Any]] = None,
                     **kwargs: Any) -> None:
        """Answers one statement through ``callback`` (possibly later, from another thread)."""

    def connection_closed(self, connection_id: int) -> None:
        """Releases what the backend held for a closed connection."""

    def cancel(self, connection_id: int) -> None:
        """Stops the connection's running statement, if any."""

    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers the backend's tables under ``database`` for catalog emulation."""


class ExecutorBackend:
    """Base of the ready backends: statements run on a thread pool of ``workers`` threads, one
    at a time per connection; exceptions become ErrorResponses with mapped SQLSTATEs.

    Args:
        workers: Threads that run statements (statements of different connections run in
            parallel up to this number).
        executor: An executor to use instead of creating one.
    """

    def __init__(self, workers: int = 4, executor: Optional[ThreadPoolExecutor] = None) -> None:
        self.executor = executor or ThreadPoolExecutor(max_workers=max(1, workers),
                                                       thread_name_prefix="riffq-worker")
        self._lock = threading.Lock()
        self._state: Dict[int, Any] = {}

    # -- to implement ----------------------------------------------------------------------
    def execute(self, sql: str, connection_id: int, query_args: Optional[List[Any]],
                do_describe: bool) -> Result:
        """Runs one statement and returns ``(result, is_tag)``; raises on error."""
        raise NotImplementedError

    def new_state(self, connection_id: int) -> Any:
        """Per-connection state, created on the connection's first statement."""
        return None

    def close_state(self, state: Any) -> None:
        """Releases per-connection state."""

    def cancel_state(self, state: Any) -> None:
        """Interrupts the statement running with ``state``."""

    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers the backend's tables under ``database``; returns ``schema.table`` names."""
        return []

    def copy_in(self, reader: Any, connection_id: int, schema: Optional[str], table: str,
                columns: List[str]) -> Optional[str]:
        """Stores the rows of ``COPY table [(columns)] FROM STDIN`` (``reader`` is a
        :class:`riffq.CopyInReader` of Arrow batches); returns a tag or None (``COPY n``).
        Backends that do not override it leave COPY FROM STDIN refused (``0A000``)."""
        raise NotImplementedError

    @property
    def accepts_copy_in(self) -> bool:
        """Whether this backend implements :meth:`copy_in`."""
        return type(self).copy_in is not ExecutorBackend.copy_in

    # -- the core's entry points -------------------------------------------------------------
    def state(self, connection_id: int) -> Any:
        """The connection's state, created on first use."""
        with self._lock:
            st = self._state.get(connection_id)
            if st is None:
                st = self.new_state(connection_id)
                self._state[connection_id] = st
            return st

    def handle_query(self, sql: str, callback: Callable[..., None], *, do_describe: bool = False,
                     connection_id: int = 0, query_args: Optional[List[Any]] = None,
                     **kwargs: Any) -> None:
        """The core's ``on_query`` callback: runs the statement on the executor."""
        self.executor.submit(self._run, sql, callback, connection_id, query_args, do_describe)

    def handle_copy_in(self, sql: str, reader: Any, callback: Callable[..., None], *,
                       connection_id: int = 0, schema: Optional[str] = None, table: str = "",
                       columns: Optional[List[str]] = None, **kwargs: Any) -> None:
        """The core's ``on_copy_in`` callback: runs :meth:`copy_in` on the executor."""
        def run() -> None:
            try:
                tag = self.copy_in(reader, connection_id, schema, table, list(columns or []))
            except Exception as exc:  # noqa: BLE001 - bad data is reported by the core itself
                callback(error_tuple(exc), is_error=True)
                return
            callback(tag)

        self.executor.submit(run)

    def __call__(self, sql: str, callback: Callable[..., None], **kwargs: Any) -> None:
        self.handle_query(sql, callback, **kwargs)

    def _run(self, sql: str, callback: Callable[..., None], connection_id: int,
             query_args: Optional[List[Any]], do_describe: bool) -> None:
        try:
            result, is_tag = self.execute(sql, connection_id, query_args, do_describe)
        except Exception as exc:  # noqa: BLE001 - every error goes to the client
            severity, sqlstate, message = error_tuple(exc)
            logger.debug("statement failed (%s): %s", sqlstate, message)
            callback((severity, sqlstate, message), is_error=True)
            return
        try:
            callback(result, is_tag=is_tag)
        except Exception as exc:  # noqa: BLE001 - a result the core cannot read
            callback(("ERROR", "XX000", f"unusable result: {exc}"), is_error=True)

    def connection_closed(self, connection_id: int) -> None:
        """The core's ``on_disconnect``: releases the connection's state."""
        with self._lock:
            st = self._state.pop(connection_id, None)
        if st is not None:
            self.close_state(st)

    def cancel(self, connection_id: int) -> None:
        """The core's ``on_cancel``: interrupts the connection's running statement."""
        with self._lock:
            st = self._state.get(connection_id)
        if st is not None:
            self.cancel_state(st)

    def serve(self, host: str = "127.0.0.1", port: int = 5433, **options: Any) -> None:
        """Serves this backend until SIGINT/SIGTERM, with catalog emulation filled from
        :meth:`register_catalog`; ``options`` are those of :func:`riffq.runner.run`
        (``tls_cert``, ``tls_key``, ``users``, ``metrics_port``, …)."""
        from ..runner import run

        run(self, host=host, port=port, **options)

    def close(self) -> None:
        """Closes every connection's state and stops the executor."""
        with self._lock:
            states = list(self._state.values())
            self._state.clear()
        for st in states:
            self.close_state(st)
        self.executor.shutdown(wait=False, cancel_futures=True)

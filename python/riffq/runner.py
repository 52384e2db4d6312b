"""Serving a backend (:mod:`riffq.backends`) in one call: the core server, TLS, SCRAM users,
the catalog filled from the backend, logging, the slow-statement log and the metrics endpoint.

    from riffq.backends.duckdb import DuckDBBackend
    from riffq.runner import BackendServer

    with BackendServer(DuckDBBackend(con), port=0) as srv:   # background thread
        print(srv.port)

``riffq serve``, :func:`riffq.serve` and ``backend.serve()`` all run through
:class:`BackendServer`.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable, Dict, Iterable, List, Optional

from ._riffq import Server
from .metrics import MetricsServer
from .observe import Observer

__all__ = ["BackendServer", "run", "listen_address"]

logger = logging.getLogger("riffq")


def listen_address(host: str, port: int) -> str:
    """``host:port`` for :class:`riffq.Server`, with IPv6 addresses in brackets."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


class BackendServer:
    """A :class:`riffq.Server` answering with ``backend``.

    Args:
        backend: The object answering statements (``handle_query``, ``connection_closed``,
            ``cancel``, ``register_catalog``; see :class:`riffq.backends.base.Backend`).
        host: Address to listen on.
        port: Port (0: any free port, see :attr:`port`).
        tls_cert: PEM certificate chain; with ``tls_key`` turns TLS on.
        tls_key: PEM private key.
        require_tls: Refuse clients that do not use TLS.
        users: ``{user: password}`` for SCRAM-SHA-256 authentication (none: no password).
        auth: ``auth(user, password) -> bool`` checking cleartext passwords (use with TLS);
            a two-argument function, or one that also takes ``host`` and ``database``.
        databases: Database names under which the backend's tables are registered (clients
            must connect to one of them, or to ``postgres``).
        catalog_emulation: Answer ``pg_catalog`` / ``information_schema`` queries from the
            registered tables (psql's ``\\d``, JDBC metadata, BI tools).
        metrics_port: Serve Prometheus metrics on this port (``None``: off).
        slow_query_ms: Log statements slower than this at WARNING (``None``: off).
        server_version: Reported PostgreSQL version (default: the emulated catalog's).
        limits: Other keyword options of :meth:`riffq.Server.start` (``max_connections``, …).
    """

    def __init__(self, backend: Any, host: str = "127.0.0.1", port: int = 5433, *,
                 tls_cert: Optional[str] = None, tls_key: Optional[str] = None,
                 require_tls: bool = False, users: Optional[Dict[str, str]] = None,
                 auth: Optional[Callable[..., bool]] = None,
                 databases: Iterable[str] = ("riffq",), catalog_emulation: bool = True,
                 metrics_port: Optional[int] = None, slow_query_ms: Optional[float] = None,
                 server_version: Optional[str] = None, **limits: Any) -> None:
        self.backend = backend
        self.host = host
        self.observer = Observer(slow_query_ms)
        self.server = Server(listen_address(host, port))
        self._tls = bool(tls_cert or tls_key)
        if self._tls:
            if not (tls_cert and tls_key):
                raise OSError("TLS needs both a certificate and a key")
            for path in (tls_cert, tls_key):
                if not os.path.exists(path):
                    raise OSError(f"{path}: no such file")
            self.server.set_tls(tls_cert, tls_key)
        if users:
            self.server.set_scram_users(dict(users))
        if auth is not None:
            self.server.on_authentication(_auth_callback(auth))
        self.server.on_query(self._on_query)
        self.server.on_connect(self._on_connect)
        self.server.on_disconnect(self._on_disconnect)
        self.server.on_cancel(self._on_cancel)
        if getattr(backend, "accepts_copy_in", False):
            self.server.on_copy_in(backend.handle_copy_in)
        self.databases = list(dict.fromkeys(databases))
        self.catalog_emulation = catalog_emulation
        self.registered: List[str] = []
        if catalog_emulation:
            for db in self.databases:
                self.registered = list(backend.register_catalog(self.server, db))
        self.metrics_port = metrics_port
        self.metrics: Optional[MetricsServer] = None
        self._start_kwargs: Dict[str, Any] = dict(limits, require_tls=require_tls)
        self._server_version = server_version
        self._thread: Optional[threading.Thread] = None
        self._error: Optional[BaseException] = None

    # -- the core's callbacks ------------------------------------------------------------------
    def _on_query(self, sql: str, callback: Callable[..., None], *, do_describe: bool = False,
                  connection_id: int = 0, **kwargs: Any) -> None:
        cb = self.observer.wrap(connection_id, sql, callback, do_describe)
        self.backend.handle_query(sql, cb, do_describe=do_describe, connection_id=connection_id,
                                  **kwargs)

    def _on_connect(self, connection_id: int, ip: str, port: int, *, callback: Any,
                    server_name: Optional[str] = None) -> None:
        self.observer.connected(connection_id, ip, port)
        callback(True)

    def _on_disconnect(self, connection_id: int, ip: str, port: int) -> None:
        self.observer.disconnected(connection_id)
        self.backend.connection_closed(connection_id)

    def _on_cancel(self, connection_id: int) -> None:
        self.backend.cancel(connection_id)

    # -- running -------------------------------------------------------------------------------
    def _start_metrics(self) -> None:
        if self.metrics_port is not None and self.metrics is None:
            self.metrics = MetricsServer(self.metrics_port, self.server.stats,
                                         self.observer.connection_states,
                                         lambda: self.observer.slow_queries).start()

    def _stop_metrics(self) -> None:
        if self.metrics is not None:
            self.metrics.stop()
            self.metrics = None

    def start(self, **process_options: Any) -> None:
        """Serves until SIGINT/SIGTERM (from the main thread) or :meth:`stop`. ``OSError`` if
        the address is busy. ``process_options`` are the multi-process options of
        :meth:`riffq.Server.start` (``reuse_port``, ``worker_index``, …; see
        :mod:`riffq.workers`)."""
        self._start_metrics()
        try:
            self.server.start(tls=self._tls, catalog_emulation=self.catalog_emulation,
                              server_version=self._server_version,
                              **dict(self._start_kwargs, **process_options))
        finally:
            self._stop_metrics()

    def start_in_background(self, timeout: float = 10.0) -> "BackendServer":
        """Serves from a daemon thread; returns once connections are accepted."""
        def target() -> None:
            try:
                self.start()
            except BaseException as exc:  # reported below
                self._error = exc

        self._thread = threading.Thread(target=target, name="riffq-server", daemon=True)
        self._thread.start()
        while not self.server.wait_until_serving(0.05):
            if not self._thread.is_alive():
                break
            timeout -= 0.05
            if timeout <= 0:
                raise TimeoutError("riffq server did not start in time")
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        """Stops serving (and the background thread, if any)."""
        self.server.stop()
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
        self._stop_metrics()

    @property
    def port(self) -> int:
        """The bound port while serving."""
        return int(self.server.port)

    def stats(self) -> Dict[str, Any]:
        """:meth:`riffq.Server.stats` plus ``connections_by_state``."""
        out = dict(self.server.stats())
        out["connections_by_state"] = self.observer.connection_states()
        return out

    def __enter__(self) -> "BackendServer":
        return self.start_in_background()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _auth_callback(auth: Callable[..., bool]) -> Callable[..., None]:
    import inspect

    try:
        wide = len(inspect.signature(auth).parameters) >= 4
    except (TypeError, ValueError):
        wide = False

    def on_auth(connection_id: int, user: str, password: str, host: str, *,
                callback: Any, database: Optional[str] = None) -> None:
        try:
            ok = bool(auth(user, password, host, database) if wide else auth(user, password))
        except Exception:  # noqa: BLE001 - a failing check rejects
            logger.exception("authentication check failed")
            ok = False
        callback(ok)

    return on_auth


def run(backend: Any, host: str = "127.0.0.1", port: int = 5433, **options: Any) -> None:
    """Serves ``backend`` until SIGINT/SIGTERM; ``options`` are :class:`BackendServer`'s."""
    BackendServer(backend, host, port, **options).start()

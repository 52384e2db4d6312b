"""Connection primitives and the high-level server wrapper.

- :class:`BaseConnection`: an abstract per-client connection that you subclass to implement
  authentication, query execution and lifecycle hooks.
- :class:`RiffqServer`: owns the core :class:`riffq.Server`, creates one connection object per
  client on demand, and forwards events to it.

The core invokes Python callbacks with a ``callback`` argument that must be called to deliver
results: query callbacks accept an Arrow C stream (capsule or any object with
``__arrow_c_stream__``), Arrow IPC bytes, a ``(schema_desc, rows)`` tuple, a command tag
(``is_tag=True``) or an error tuple ``(severity, sqlstate, message)`` (``is_error=True``).
"""

from __future__ import annotations

import inspect
import logging
import threading
from abc import ABCMeta, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Type, Union

from ._riffq import CopyInReader, Server
from .observe import Observer

logger = logging.getLogger("riffq")


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


class BaseConnection(metaclass=ABCMeta):
    """Abstract per-client connection.

    Subclass this to implement authentication and query handling. One instance is created
    per remote client and reused for its lifetime.

    Args:
        conn_id: Unique identifier assigned by the server (starts at 1).
        executor: Thread pool used for offloading blocking work.
    """

    conn_id: Optional[int] = None

    def __init__(self, conn_id: int, executor: ThreadPoolExecutor) -> None:
        self.conn_id = conn_id
        self.executor = executor
        #: Facts about the client, filled in by :class:`RiffqServer` as they become known.
        self.ip: Optional[str] = None
        self.port: Optional[int] = None
        self.server_name: Optional[str] = None  # TLS SNI
        self.user: Optional[str] = None
        self.database: Optional[str] = None

    def send_reader(self, reader: Any, callback: Callable[..., None]) -> None:
        """Sends a ``pyarrow.RecordBatchReader`` (or any object implementing
        ``__arrow_c_stream__``) back to the server through ``callback``."""
        if hasattr(reader, "__arrow_c_stream__"):
            callback(reader.__arrow_c_stream__())
            return
        # Older producers: let pyarrow wrap anything it can read as a stream.
        import pyarrow as pa

        callback(pa.RecordBatchReader.from_stream(reader).__arrow_c_stream__())

    def arrow_batch(self, values: Sequence[Any], names: Sequence[str]) -> Any:
        """Creates a single-batch ``pyarrow.RecordBatchReader`` from arrays and names."""
        import pyarrow as pa

        batch = pa.RecordBatch.from_arrays(list(values), names=list(names))
        return pa.RecordBatchReader.from_batches(batch.schema, [batch])

    @abstractmethod
    def handle_auth(self, user: str, password: str, host: str, database: Optional[str] = None,
                    callback: Callable[..., None] = _noop) -> None:
        """Authenticates a client: call ``callback(True)`` to accept, ``callback(False)`` (or
        ``callback(False, message, severity, sqlstate)``) to reject. ``host`` is the client's
        IP address."""
        callback(user == "user" and password == "secret")

    def handle_connect(self, ip: str, port: int, server_name: Optional[str] = None,
                       callback: Callable[..., None] = _noop) -> None:
        """Admits or denies a connection (e.g. an IP allow-list); the default accepts.
        ``server_name`` is the TLS SNI, if any."""
        callback(True)

    @abstractmethod
    def handle_query(self, sql: str, callback: Callable[..., None] = _noop, **kwargs: Any) -> None:
        """Executes one SQL statement and delivers its result through ``callback``.

        ``kwargs`` carries ``do_describe`` (only the result schema is needed) and, for the
        extended protocol, ``query_args`` (decoded parameter values). An exception raised here
        reaches the client as an ``XX000`` error.
        """

    def handle_copy_in(self, sql: str, table: str, columns: List[str], reader: "CopyInReader",
                       callback: Callable[..., None] = _noop, **kwargs: Any) -> None:
        """Takes the rows of ``COPY table [(columns)] FROM STDIN`` (psql ``\\copy … from``,
        psycopg ``cursor.copy()``, asyncpg ``copy_records_to_table``, pgjdbc ``CopyManager``).

        ``reader`` is a :class:`riffq.CopyInReader`: Arrow record batches decoded from the
        upload (text, CSV or binary format) as they are pulled, typed from the table registered
        with :meth:`RiffqServer.register_table` (text otherwise); hand it to DuckDB, polars or
        pyarrow. The upload waits while nobody reads, so memory stays bounded. When done, call
        ``callback(None)`` (the client gets ``COPY n`` with the rows received) or
        ``callback(("ERROR", sqlstate, message), is_error=True)``. Bad input (``22P02``,
        ``22P04`` with PostgreSQL's CONTEXT line) and the client's ``CopyFail`` (``57014``) end
        the reader with an error and reach the client as PostgreSQL reports them.

        ``kwargs`` carries ``schema`` (or None), ``format`` (``"text"``, ``"csv"``,
        ``"binary"``) and ``connection_id``. Not overriding this method refuses COPY FROM STDIN
        with ``0A000`` before any data is sent."""
        callback(("ERROR", "0A000", "COPY FROM STDIN is not supported by this server"),
                 is_error=True)

    def handle_disconnect(self, ip: str, port: int, callback: Callable[..., None] = _noop) -> None:
        """Cleans up after the client disconnected."""
        callback(True)

    def handle_cancel(self) -> None:
        """Called (on a worker thread) when this connection's running statement was cancelled:
        a CancelRequest (psql's Ctrl-C), ``statement_timeout``, or the client gone mid-statement.
        The client has its error already; stop the work (interrupt a DuckDB connection, say).
        The query callback's ``cancelled`` property is True from then on. Does nothing by
        default."""


def _accepts_keyword(fn: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


class _RunningGroup:
    """A started :class:`riffq.workers.WorkerGroup` and the socket reserving its port."""

    def __init__(self, group: Any, reservation: Any) -> None:
        self.group = group
        self.reservation = reservation

    def run(self) -> None:
        from .workers import run_group

        run_group(self.group, self.reservation)


class RiffqServer:
    """High-level server that manages connection objects and forwards events to them.

    Args:
        listen_addr: Address to bind, e.g. ``"127.0.0.1:5433"``, ``"[::1]:5433"`` or
            ``"localhost:5433"``.
        connection_cls: Subclass of :class:`BaseConnection` instantiated per client.
    """

    def __init__(self, listen_addr: str, connection_cls: Type[BaseConnection] = BaseConnection) -> None:
        self._server = Server(listen_addr)
        self.executor = ThreadPoolExecutor(max_workers=4)
        self.connections: Dict[int, BaseConnection] = {}
        self.connection_cls = connection_cls
        self._lock = threading.Lock()
        self.metrics: Any = None
        self._thread: Optional[threading.Thread] = None
        self._thread_error: Optional[BaseException] = None
        self._group: Optional[_RunningGroup] = None
        #: Connection and statement tracking for logs and metrics (see :mod:`riffq.observe`).
        self.observer = Observer()
        self._server.on_authentication(self.handle_auth)
        self._server.on_connect(self.handle_connect)
        self._server.on_disconnect(self.handle_disconnect)
        self._server.on_cancel(self.handle_cancel)
        self._server.on_query(self.handle_query)
        # Only a connection class that implements COPY FROM STDIN takes uploads; otherwise the
        # core refuses them (0A000) before the client sends any data.
        if connection_cls.handle_copy_in is not BaseConnection.handle_copy_in:
            self._server.on_copy_in(self.handle_copy_in)

    # -- configuration -------------------------------------------------------------------
    def set_tls(self, crt: str, key: str) -> None:
        """Enables TLS with PEM certificate and key files; ``OSError`` if they are missing
        or unusable."""
        import os

        for path in (crt, key):
            if not os.path.exists(path):
                raise OSError(f"Certificate not found in {path}")
        self._server.set_tls(crt, key)

    def set_scram_users(self, users: Dict[str, str]) -> None:
        """Turns on SCRAM-SHA-256 authentication for these users (password or stored
        verifier); ``handle_auth`` is then not called, ``handle_connect`` still is."""
        self._server.set_scram_users(users)

    def set_md5_users(self, users: Dict[str, str]) -> None:
        """Turns on MD5 password authentication for these users (password or stored ``md5…``
        verifier), for clients too old for SCRAM; ``handle_auth`` is then not called for them."""
        self._server.set_md5_users(users)

    def set_hba_rules(self, rules: Optional[List[Union[str, Dict[str, Any]]]]) -> None:
        """Sets host-based rules as in ``pg_hba.conf``, first match decides: each item is a
        line (``"hostssl all all 127.0.0.1/32 scram-sha-256"``) or a dict with ``type``,
        ``database``, ``user``, ``address`` and ``method`` (``database``/``user`` may be lists).
        ``None`` removes them. ``ValueError`` names the first bad rule."""
        self._server.set_hba_rules(rules)

    def load_hba_file(self, path: str) -> None:
        """Sets host-based rules from a file in ``pg_hba.conf`` syntax; ``OSError`` if it
        cannot be read, ``ValueError`` naming the line of the first bad rule."""
        self._server.load_hba_file(path)

    def set_lazy_catalog(self, source: Any) -> None:
        """Installs a lazy (callback-driven) catalog source for catalog emulation."""
        self._server.set_lazy_catalog(source)

    def register_database(self, database_name: str) -> None:
        """Registers a database for catalog emulation."""
        self._server.register_database(database_name)

    def register_schema(self, database_name: str, schema_name: str) -> None:
        """Registers a schema under a database for catalog emulation."""
        self._server.register_schema(database_name, schema_name)

    def register_table(self, database_name: str, schema_name: str, table_name: str,
                       columns: List[Dict[str, Dict[str, Any]]], *,
                       primary_key: Optional[Sequence[str]] = None,
                       unique: Optional[Sequence[Sequence[str]]] = None,
                       foreign_keys: Optional[Sequence[Dict[str, Any]]] = None,
                       indexes: Optional[Sequence[Dict[str, Any]]] = None,
                       comment: Optional[str] = None, kind: str = "table",
                       view_sql: Optional[str] = None,
                       checks: Optional[Sequence[Dict[str, str]]] = None) -> None:
        """Registers a table (or view) for catalog emulation.

        ``columns`` is a list of single-key dicts ``{name: {"type": str, "nullable": bool}}``
        (optionally ``"default"`` and ``"comment"``); ``type`` is any PostgreSQL type name or a
        ``helpers.to_arrow`` short name. The keyword arguments add what tools display: a
        primary key, unique keys, foreign keys ``{"columns", "references", "ref_columns"}``,
        indexes ``{"name", "columns", "unique"}``, a comment, the kind (``"table"``,
        ``"view"``, ``"materialized_view"``), a view's SQL and CHECK constraints ``{"expr",
        "name"?}`` (expr as PostgreSQL's pg_get_constraintdef prints it, e.g.
        ``"(price > (0)::numeric)"``). Registering again replaces it."""
        self._server.register_table(database_name, schema_name, table_name, columns,
                                    primary_key=primary_key, unique=unique,
                                    foreign_keys=foreign_keys, indexes=indexes, comment=comment,
                                    kind=kind, view_sql=view_sql, checks=checks)

    def handle_shutdown(self, callback: Callable[[], None]) -> None:
        """Registers a callable run once after the server stopped, before ``start()`` returns."""
        self._server.handle_shutdown(callback)

    # -- event forwarding ----------------------------------------------------------------
    def get_connection(self, connection_id: int) -> BaseConnection:
        """Gets or creates the connection object for ``connection_id``."""
        with self._lock:
            conn = self.connections.get(connection_id)
            if conn is None:
                conn = self.connection_cls(connection_id, self.executor)
                self.connections[connection_id] = conn
            return conn

    def handle_auth(self, connection_id: int, user: str, password: str, host: str,
                    database: Optional[str] = None, callback: Callable[..., None] = _noop) -> None:
        """Forwards an authentication request to the connection object."""
        conn = self.get_connection(connection_id)
        conn.user, conn.database, conn.ip = user, database, host
        conn.handle_auth(user, password, host, database=database, callback=callback)

    def handle_connect(self, connection_id: int, ip: str, port: int,
                       server_name: Optional[str] = None,
                       callback: Callable[..., None] = _noop) -> None:
        """Forwards a connect notification. Subclasses written as in the original README,
        ``handle_connect(self, ip, port, callback)``, keep working."""
        conn = self.get_connection(connection_id)
        conn.ip, conn.port, conn.server_name = ip, port, server_name
        self.observer.connected(connection_id, ip, port)
        logger.debug("connection %s from %s:%s", connection_id, ip, port)
        if _accepts_keyword(conn.handle_connect, "server_name"):
            conn.handle_connect(ip, port, callback=callback, server_name=server_name)
        else:
            conn.handle_connect(ip, port, callback=callback)

    def handle_query(self, sql: str, callback: Callable[..., None],
                     connection_id: Optional[int] = None, **kwargs: Any) -> None:
        """Forwards a query to the connection object."""
        cid = connection_id if connection_id is not None else 0
        conn = self.get_connection(cid)
        callback = self.observer.wrap(cid, sql, callback, bool(kwargs.get("do_describe")))
        conn.handle_query(sql, callback=callback, **kwargs)

    def handle_copy_in(self, sql: str, reader: CopyInReader, callback: Callable[..., None], *,
                       connection_id: int, table: str, columns: List[str],
                       **kwargs: Any) -> None:
        """Forwards a COPY … FROM STDIN to the connection object."""
        conn = self.get_connection(connection_id)
        conn.handle_copy_in(sql, table, columns, reader, callback=callback,
                            connection_id=connection_id, **kwargs)

    def handle_cancel(self, connection_id: int) -> None:
        """Forwards a cancelled statement to its connection object."""
        with self._lock:
            conn = self.connections.get(connection_id)
        if conn is not None:
            conn.handle_cancel()

    def handle_disconnect(self, connection_id: int, ip: str, port: int,
                          callback: Callable[..., None] = _noop) -> None:
        """Forwards a disconnect notification and releases the connection object."""
        with self._lock:
            conn = self.connections.pop(connection_id, None)
        self.observer.disconnected(connection_id)
        if conn is None:
            logger.debug("disconnect for unknown connection %s", connection_id)
            return
        try:
            conn.handle_disconnect(ip, port, callback=callback)
        except TypeError:
            conn.handle_disconnect(ip, port)

    # -- running -------------------------------------------------------------------------
    def start(self, tls: bool = False, catalog_emulation: bool = False,
              server_version: Optional[str] = None, *, metrics_port: Optional[int] = None,
              slow_query_ms: Optional[float] = None, workers: int = 1,
              worker_init: Optional[Callable[[int], None]] = None, **limits: Any) -> None:
        """Serves until SIGINT/SIGTERM (when called from the main thread) or :meth:`stop`.

        ``metrics_port`` serves Prometheus metrics (``GET /metrics``, see :mod:`riffq.metrics`)
        from a Python thread while the server runs; ``slow_query_ms`` logs statements slower
        than that at WARNING on the ``riffq`` logger. ``limits`` are the keyword-only options
        of :meth:`riffq.Server.start`: ``require_tls``, ``max_connections``,
        ``max_message_size``, ``startup_timeout``, ``idle_timeout``, ``shutdown_grace``,
        ``busy_poll_us``.

        ``workers=N`` (N > 1) serves from N forked processes sharing the port (see
        :mod:`riffq.workers`): Python handlers then run in parallel on N cores. Each process has
        its own connection objects; ``worker_init(index)`` runs in each one before it serves
        (open per-process resources there). ``max_connections`` applies per process; metrics
        are not available with workers (``ValueError``).
        """
        if workers > 1:
            self._start_workers(workers, worker_init, tls, catalog_emulation, server_version,
                                metrics_port, slow_query_ms, limits).run()
            return
        if worker_init is not None:
            worker_init(0)
        self._start_one(tls, catalog_emulation, server_version, metrics_port, slow_query_ms,
                        limits)

    def _start_one(self, tls: bool, catalog_emulation: bool, server_version: Optional[str],
                   metrics_port: Optional[int], slow_query_ms: Optional[float],
                   limits: Dict[str, Any]) -> None:
        from .metrics import MetricsServer

        self.observer.slow_query_ms = slow_query_ms
        metrics = None
        if metrics_port is not None:
            metrics = MetricsServer(metrics_port, self._server.stats,
                                    self.observer.connection_states,
                                    lambda: self.observer.slow_queries).start()
        self.metrics = metrics
        try:
            self._server.start(tls=tls, catalog_emulation=catalog_emulation,
                               server_version=server_version, **limits)
        finally:
            if metrics is not None:
                metrics.stop()

    def _start_workers(self, workers: int, worker_init: Optional[Callable[[int], None]],
                       tls: bool, catalog_emulation: bool, server_version: Optional[str],
                       metrics_port: Optional[int], slow_query_ms: Optional[float],
                       limits: Dict[str, Any]) -> "_RunningGroup":
        from . import workers as wk
        from .runner import listen_address

        if metrics_port is not None:
            raise ValueError("metrics_port is not available with workers > 1 (each process "
                             "has its own counters)")
        host, port = wk.split_listen_address(self._server.listen_address)
        reservation = wk.reserve_port(host, port)  # port 0 becomes one port for every worker
        self._server.listen_address = listen_address(host, reservation.getsockname()[1])

        def serve(index: int, count: int, cancel_dir: str) -> None:
            # The parent's pool threads do not exist in the fork: this process gets its own.
            self.executor = ThreadPoolExecutor(max_workers=4)
            self._start_one(tls, catalog_emulation, server_version, None, slow_query_ms,
                            dict(limits, reuse_port=True, worker_index=index,
                                 worker_count=count, cancel_dir=cancel_dir))

        group = wk.start_group(reservation, workers, serve, self._server.wait_until_serving,
                               worker_init)
        self._group = _RunningGroup(group, reservation)
        return self._group

    def start_in_background(self, tls: bool = False, catalog_emulation: bool = False,
                            server_version: Optional[str] = None, timeout: float = 10.0,
                            **limits: Any) -> "RiffqServer":
        """Starts serving on a background thread and returns once connections are accepted.
        Raises the start error (e.g. ``OSError`` for a busy port). ``workers=N`` forks N
        processes as :meth:`start` does and returns once all of them accept connections."""
        workers = int(limits.pop("workers", 1))
        if workers > 1:
            worker_init = limits.pop("worker_init", None)
            running = self._start_workers(workers, worker_init, tls, catalog_emulation,
                                          server_version, limits.pop("metrics_port", None),
                                          limits.pop("slow_query_ms", None), limits)
            self._thread = threading.Thread(target=running.run, name="riffq-workers",
                                            daemon=True)
            self._thread.start()
            return self

        def run() -> None:
            try:
                self.start(tls=tls, catalog_emulation=catalog_emulation,
                           server_version=server_version, **limits)
            except BaseException as exc:  # reported to the caller below
                self._thread_error = exc

        self._thread_error = None
        self._thread = threading.Thread(target=run, name="riffq-server", daemon=True)
        self._thread.start()
        while not self._server.wait_until_serving(0.05):
            if not self._thread.is_alive():
                break
            timeout -= 0.05
            if timeout <= 0:
                raise TimeoutError("riffq server did not start in time")
        if self._thread_error is not None:
            raise self._thread_error
        return self

    def stop(self, timeout: Optional[float] = 10.0) -> None:
        """Stops the server (every worker process, with ``workers``) and waits for a
        background thread started by :meth:`start_in_background`."""
        if self._group is not None:
            self._group.group.stop()
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def worker_pids(self) -> List[int]:
        """Process ids of the running worker processes (empty without ``workers``)."""
        return sorted(self._group.group.pids) if self._group is not None else []

    def notify(self, channel: str, payload: str = "") -> None:
        """Delivers a notification to every session that ran ``LISTEN channel`` (psql prints
        it, psycopg yields it from ``conn.notifies()``), as PostgreSQL's NOTIFY does."""
        self._server.notify(channel, payload)

    def stats(self) -> Dict[str, Any]:
        """Counters and latency percentiles of the running server (see
        :meth:`riffq.Server.stats`), plus ``connections_by_state`` (``active``: a statement
        running in the handler; ``idle``)."""
        out = dict(self._server.stats())
        out["connections_by_state"] = self.observer.connection_states()
        return out

    @property
    def port(self) -> int:
        """The bound port while serving (useful with port 0), else 0."""
        if self._group is not None and self._group.reservation.fileno() != -1:
            return int(self._group.reservation.getsockname()[1])
        return self._server.port

    def __enter__(self) -> "RiffqServer":
        if self._thread is None:
            self.start_in_background()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

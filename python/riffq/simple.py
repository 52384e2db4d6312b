"""The seeds' simplest API: a plain function that *returns* its answer.

    import duckdb, riffq

    @riffq.query_handler
    def handle_sql(sql):
        df = duckdb.query(sql).to_df()
        return df.to_dict(orient="records"), [(n, str(t)) for n, t in zip(df.columns, df.dtypes)]

    riffq.serve(port=5432)

The function gets the SQL text and returns ``(rows, columns)`` (rows as dicts, columns as
``(name, pandas dtype)``), a pandas or polars frame, any Arrow producer, or a command tag
string; what it raises becomes an ErrorResponse (see :mod:`riffq.answers`). A function with
a second parameter receives the extended protocol's parameter values.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from .answers import Result, SQLError, to_result
from .backends.base import ExecutorBackend

__all__ = ["query_handler", "serve", "FunctionBackend"]

F = TypeVar("F", bound=Callable[..., Any])

_handler: Optional[Callable[..., Any]] = None


def query_handler(fn: F) -> F:
    """Decorator: makes ``fn(sql)`` the handler that :func:`serve` answers with. Returns
    ``fn`` unchanged."""
    global _handler
    _handler = fn
    return fn


def _takes_args(fn: Callable[..., Any]) -> bool:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)


class FunctionBackend(ExecutorBackend):
    """Answers every statement by calling ``fn(sql)`` (or ``fn(sql, params)``) on a worker
    thread and converting what it returns.

    Describe (the extended protocol asks for a result's columns before running it) calls the
    function too, and the answer is kept for the Execute that follows, so the function runs
    once per statement.

    Args:
        fn: The handler.
        workers: Threads calling ``fn`` (default 1: handlers such as ``duckdb.query`` on
            DuckDB's default connection are not safe to call from several threads at once).
    """

    def __init__(self, fn: Callable[..., Any], workers: int = 1) -> None:
        super().__init__(workers=workers)
        self.fn = fn
        self._with_args = _takes_args(fn)

    def new_state(self, connection_id: int) -> Dict[str, Any]:
        return {}

    def _call(self, sql: str, query_args: Optional[List[Any]]) -> Result:
        if self._with_args:
            value = self.fn(sql, list(query_args or []))
        elif query_args:
            raise SQLError("this query handler takes no parameters (it has one argument, sql)",
                           "0A000")
        else:
            value = self.fn(sql)
        return to_result(value, sql)

    def execute(self, sql: str, connection_id: int, query_args: Optional[List[Any]],
                do_describe: bool) -> Result:
        state: Dict[str, Any] = self.state(connection_id)
        key: Tuple[str, str] = (sql, repr(list(query_args or [])))
        kept = state.pop("described", None)
        if not do_describe and kept is not None and kept[0] == key:
            return kept[1]
        result, is_tag = self._call(sql, query_args)
        if do_describe and not is_tag and hasattr(result, "__arrow_c_stream__"):
            import pyarrow as pa

            table = pa.RecordBatchReader.from_stream(result).read_all()
            state["described"] = (key, (table, False))
            return table.slice(0, 0), False
        if do_describe:
            state["described"] = (key, (result, is_tag))
        return result, is_tag

    def register_catalog(self, server: Any, database: str) -> List[str]:
        server.register_database(database)
        return []


def serve(port: int = 5432, host: str = "127.0.0.1", *, handler: Optional[Callable[..., Any]] = None,
          tls_cert: Optional[str] = None, tls_key: Optional[str] = None,
          users: Optional[Dict[str, str]] = None,
          auth: Optional[Callable[..., bool]] = None, workers: int = 1,
          catalog_emulation: bool = False, background: bool = False, **options: Any) -> Any:
    """Serves the :func:`query_handler` function (or ``handler``) until SIGINT/SIGTERM.

    Args:
        port: TCP port.
        host: Address to listen on.
        handler: The function, if not set with :func:`query_handler`.
        tls_cert: PEM certificate chain (TLS on with ``tls_key``).
        tls_key: PEM private key.
        users: ``{user: password}``: SCRAM-SHA-256 authentication.
        auth: ``auth(user, password) -> bool``: cleartext password check (use with TLS).
        workers: Threads calling the handler.
        catalog_emulation: Answer catalog queries from riffq's emulated catalog (off: they
            reach the handler, as in riffq 0.1.11).
        background: Return a started :class:`riffq.runner.BackendServer` instead of blocking.
        options: More :class:`riffq.runner.BackendServer` options (``metrics_port``,
            ``slow_query_ms``, ``require_tls``, …).
    """
    from .runner import BackendServer

    fn = handler or _handler
    if fn is None:
        raise RuntimeError("no query handler: decorate a function with @riffq.query_handler")
    srv = BackendServer(FunctionBackend(fn, workers=workers), host, port, tls_cert=tls_cert,
                        tls_key=tls_key, users=users, auth=auth,
                        catalog_emulation=catalog_emulation, **options)
    if background:
        return srv.start_in_background()
    srv.start()
    return None

"""A ready polars backend: SQL over registered frames with ``polars.SQLContext``.

    import polars as pl
    from riffq.backends.polars import PolarsBackend

    PolarsBackend({"trips": pl.read_parquet("trips.parquet")}).serve(port=5433)

Supports what polars SQL supports (SELECT with joins, GROUP BY, window functions, CTEs,
``SHOW TABLES``); frames may be ``DataFrame`` or ``LazyFrame`` (scanned at each query).
It is read-only: statements that would write get ``25006``; BEGIN / COMMIT / ROLLBACK and
savepoints are accepted as no-ops (nothing can change, so every rollback is true).
Parameters (``$1``) are not supported by polars SQL (``0A000``). Errors: polars'
``ColumnNotFoundError`` → ``42703``, ``TableNotFoundError`` → ``42P01``, ``SQLSyntaxError``
→ ``42601``, ``SQLInterfaceError`` → ``0A000``, other ``ComputeError`` → ``22000``.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Mapping, Optional

from ..answers import Result, SQLError, statement_tag
from .base import ExecutorBackend
from .statements import ROW_WORDS, TX_WORDS, first_word, savepoint_command, strip_sql

__all__ = ["PolarsBackend", "polars_sqlstate"]

_POLARS_STATES = {
    "ColumnNotFoundError": "42703",
    "TableNotFoundError": "42P01",
    "SQLSyntaxError": "42601",
    "SQLInterfaceError": "0A000",
    "SchemaError": "42804",
    "InvalidOperationError": "22023",
    "ComputeError": "22000",
    "DuplicateError": "42710",
    "OutOfBoundsError": "22003",
    "SchemaFieldNotFoundError": "42703",
}


def polars_sqlstate(exc: BaseException) -> Optional[str]:
    """The SQLSTATE for a polars exception, or ``None`` if it is not one."""
    low = str(exc).lower()
    if "polars" in (type(exc).__module__ or "") and "relation" in low and "not found" in low:
        return "42P01"
    for cls in type(exc).__mro__:
        if cls.__name__ in _POLARS_STATES and "polars" in (cls.__module__ or ""):
            return _POLARS_STATES[cls.__name__]
    return None


class PolarsBackend(ExecutorBackend):
    """Answers SQL with ``polars.SQLContext`` over ``frames`` (name → DataFrame/LazyFrame).

    Args:
        frames: Tables to serve, by name.
        workers: Threads that run queries.
        schema: The schema the frames are shown in by the catalog.
    """

    def __init__(self, frames: Optional[Mapping[str, Any]] = None, *, workers: int = 4,
                 schema: str = "public") -> None:
        super().__init__(workers=workers)
        import polars as pl

        self._pl = pl
        self.schema = schema
        self.frames: Dict[str, Any] = dict(frames or {})
        self._ctx_lock = threading.Lock()
        self.ctx = pl.SQLContext(frames=self.frames)

    def register(self, name: str, frame: Any) -> None:
        """Adds or replaces a table (not shown by the catalog until ``register_catalog``)."""
        with self._ctx_lock:
            self.frames[name] = frame
            self.ctx.register(name, frame)

    def execute(self, sql: str, connection_id: int, query_args: Optional[List[Any]],
                do_describe: bool) -> Result:
        stmt = strip_sql(sql)
        word = first_word(stmt)
        sp = savepoint_command(stmt)
        if sp is not None:
            return {"savepoint": "SAVEPOINT", "release": "RELEASE",
                    "rollback_to": "ROLLBACK"}[sp[0]], True
        if word in TX_WORDS:
            return statement_tag(stmt), True
        if word not in ROW_WORDS:
            raise SQLError(f"cannot execute {statement_tag(stmt).split()[0]}: the polars "
                           "backend is read-only", "25006")
        if query_args:
            raise SQLError("polars SQL has no query parameters", "0A000")
        try:
            with self._ctx_lock:
                lf = self.ctx.execute(stmt, eager=False)
            frame = (lf.limit(0) if do_describe else lf).collect()
        except Exception as exc:
            state = polars_sqlstate(exc)
            if state is None:
                raise
            raise SQLError(str(exc).split("\n")[0], state) from exc
        return frame.to_arrow(), False

    def arrow_schema(self, name: str) -> Any:
        """The Arrow schema of a served frame."""
        frame = self.frames[name]
        if isinstance(frame, self._pl.LazyFrame):
            frame = frame.limit(0).collect()
        return frame.head(0).to_arrow().schema

    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers every frame under ``database``.``schema`` with its Arrow types."""
        from ..catalog import register_arrow_schema

        server.register_database(database)
        server.register_schema(database, self.schema)
        names = []
        for name in sorted(self.frames):
            register_arrow_schema(server, database, self.schema, name, self.arrow_schema(name))
            names.append(f"{self.schema}.{name}")
        return names

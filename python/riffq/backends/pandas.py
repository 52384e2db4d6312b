"""A ready pandas backend: pandas DataFrames served as tables, queried with DuckDB.

    import pandas as pd
    from riffq.backends.pandas import PandasBackend

    PandasBackend({"sales": pd.read_csv("sales.csv")}).serve(port=5433)

pandas has no SQL engine, so the frames are registered in an in-memory DuckDB database
(zero-copy, ``DuckDBPyConnection.register``, on every client's cursor) and everything the DuckDB backend does applies:
streaming Arrow results, parameters, SQLSTATEs, Describe. Read-only by default (a frame is not
a table DuckDB can insert into); ``register()`` adds or replaces a frame while serving.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional

from .duckdb import DuckDBBackend

__all__ = ["PandasBackend"]


class PandasBackend(DuckDBBackend):
    """Serves ``frames`` (name → ``pandas.DataFrame``) through DuckDB.

    Args:
        frames: Tables to serve, by name.
        read_only: Refuse statements that write (default True).
        workers: Threads that run queries.
    """

    def __init__(self, frames: Optional[Mapping[str, Any]] = None, *, read_only: bool = True,
                 workers: int = 4) -> None:
        import duckdb

        super().__init__(duckdb.connect(), read_only=read_only, workers=workers,
                         schema_map={"main": "public"})
        self.frames = dict(frames or {})
        for name, frame in self.frames.items():
            self.con.register(name, frame)

    def new_state(self, connection_id: int) -> Any:
        state = super().new_state(connection_id)
        for name, frame in list(self.frames.items()):
            state.cursor.register(name, frame)
        return state

    def register(self, name: str, frame: Any) -> None:
        """Adds or replaces a frame for every connection (the catalog shows it after
        ``register_catalog``)."""
        self.frames[name] = frame
        self.con.register(name, frame)
        with self._lock:
            states = list(self._state.values())
        for state in states:
            state.cursor.register(name, frame)

    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers every frame as a table of ``public``, typed as DuckDB reads it."""
        from ..catalog import register_duckdb

        return register_duckdb(server, self.con, database=database, duckdb_database="temp",
                               schema_map={"main": "public"}, kind="table")

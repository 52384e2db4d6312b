"""pg_rs: compatibility module for the `pg_rs` package, on riffq's C++ client.

    from pg_rs import connect
    conn = connect(DSN)               # or connect(DSN, 30) for a keep-alive every 30 idle s
    lf = conn.scan_pq("select * from big_table")
    lf.sink_parquet("big_file.parquet")

As in pg_rs: ``connect`` and ``await async_connect`` return the same class; ``fetchall`` is
awaitable on either; ``check_connection`` answers True/False within 1 s; uuid columns arrive
as 16-byte binary (``UUID(bytes=...)``), enums as strings. Unlike pg_rs the query runs at
``collect()``, the schema comes from a Describe (empty results keep their columns), filters
are never dropped, and numeric, arrays, bpchar and time work.
"""

from __future__ import annotations

import asyncio
from typing import Any, Sequence

from riffq import client as _rc

__all__ = ["Connection", "connect", "async_connect"]


class Connection:
    """A pg_rs connection (same class from connect and async_connect)."""

    def __init__(self, dsn: str, keep_alive_seconds: float | None = None) -> None:
        self._c = _rc.Connection(dsn, keep_alive_seconds, numeric="decimal", uuid="binary",
                                 interval="duration")

    def scan_pq(self, query: str, params: Sequence[Any] | None = None):
        """A polars LazyFrame over query; it runs when the frame is collected or sunk."""
        return self._c.scan_pq(query, params)

    async def fetchall(self, query: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """The rows of query as a list of tuples (awaitable, as in pg_rs)."""
        return await asyncio.to_thread(self._c.fetchall, query, params)

    def check_connection(self) -> bool:
        """True when the server answers within 1 second, else False."""
        return self._c.check_connection()

    def close(self) -> None:
        self._c.close()


def connect(dsn: str, keep_alive_seconds: float | None = None) -> Connection:
    """Connects; with keep_alive_seconds, `select 1` is sent after that long idle."""
    return Connection(dsn, keep_alive_seconds)


async def async_connect(dsn: str, keep_alive_seconds: float | None = None) -> Connection:
    """Connects without blocking the event loop; returns the same class as connect."""
    return await asyncio.to_thread(Connection, dsn, keep_alive_seconds)

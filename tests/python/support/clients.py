"""Small helpers for driving real clients from synchronous tests."""

from __future__ import annotations

import asyncio
from typing import Any


def asyncpg_call(port: int, method: str, sql: str, *args: Any, user: str = "u",
                 password: str | None = None, database: str = "d") -> Any:
    """Connects with asyncpg, runs ``conn.<method>(sql, *args)`` (fetch, fetchval, …), closes.
    Exceptions (a refused login, an error response) propagate as asyncpg raises them."""
    import asyncpg

    async def run() -> Any:
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user=user, password=password,
                                     database=database)
        try:
            return await getattr(conn, method)(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(run())

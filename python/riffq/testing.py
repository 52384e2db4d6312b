"""Test helpers for riffq-backed servers."""

from __future__ import annotations

import time
from typing import Any, Optional


def stop_server(proc: Any, grace: float = 2.0) -> None:
    """Stops a server subprocess (``multiprocessing.Process``) without leaking it: SIGTERM,
    wait ``grace`` seconds, then SIGKILL."""
    if proc is None:
        return
    proc.terminate()
    proc.join(grace)
    if proc.is_alive():
        proc.kill()
        proc.join()


def _dsn(port: int, database: str, user: str, password: Optional[str]) -> str:
    dsn = f"host=127.0.0.1 port={port} dbname={database} user={user}"
    if password is not None:
        dsn += f" password={password}"
    return dsn


def _connect(port: int, database: str, user: str, password: Optional[str]) -> Any:
    import psycopg

    return psycopg.connect(_dsn(port, database, user, password), connect_timeout=2, autocommit=True)


def _probe_value(port: int, database: str, probe_sql: str, user: str, password: Optional[str]) -> Any:
    with _connect(port, database, user, password) as conn:
        row = conn.execute(probe_sql).fetchone()
        return None if row is None else row[0]


def wait_for_catalog(port: int, database: str, probe_sql: str, expected_value: Any,
                     user: str = "user", password: Optional[str] = None,
                     attempts: int = 300) -> float:
    """Polls every 0.1 s until the first cell of ``probe_sql`` equals ``expected_value``.

    Returns the seconds waited; raises ``RuntimeError`` with the last value or error.
    """
    start = time.monotonic()
    last: Any = None
    for _ in range(attempts):
        try:
            last = _probe_value(port, database, probe_sql, user, password)
            if last == expected_value:
                return time.monotonic() - start
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"catalog probe {probe_sql!r} on port {port} never returned "
                       f"{expected_value!r}; last: {last!r}")

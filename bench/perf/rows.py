"""The rows every contender serves, defined once so that PostgreSQL, riffq (pyarrow) and
buenavista (DuckDB) hold the same values: row i (1-based) is

    id int8 = i, x float8 = i / 7.0, s text = 'row-' + i zero-padded to 16 digits (20 chars),
    ts timestamp = 2020-01-01 00:00:00 + i seconds

`t100` has rows 1..100 (the 100-row select); `big` has rows 1..N (the large result).
This module is imported by riffq_server.py too, so it needs nothing but the standard library
(pyarrow only inside arrow_table).
"""

from __future__ import annotations

from typing import Any

USER = "bench"
PASSWORD = "bench-pass"  # SCRAM on riffq and PostgreSQL, MD5 on buenavista (it has no SCRAM)
SMALL_ROWS = 100
COLUMNS = ["id", "x", "s", "ts"]


def postgres_sql(table: str, rows: int) -> str:
    """CREATE TABLE … AS for PostgreSQL 15."""
    return (f"create table {table} as select i::int8 as id, i::float8 / 7.0 as x, "
            f"'row-' || lpad(i::text, 16, '0') as s, "
            f"timestamp '2020-01-01' + i * interval '1 second' as ts "
            f"from generate_series(1, {rows}) as i")


def duckdb_sql(table: str, rows: int) -> str:
    """The same table for DuckDB (buenavista's engine)."""
    return (f"create table {table} as select i::bigint as id, i::double / 7.0 as x, "
            f"'row-' || lpad(i::varchar, 16, '0') as s, "
            f"timestamp '2020-01-01' + i * interval 1 second as ts "
            f"from range(1, {rows} + 1) t(i)")


def arrow_table(rows: int) -> Any:
    """The same rows as a pyarrow Table (riffq's handlers serve it). Built without
    pyarrow.compute, whose libraries would add tens of MB to the server's RSS (the idle-connection
    memory point measures the server, not the compute kernels)."""
    import numpy as np
    import pyarrow as pa

    ids = np.arange(1, rows + 1, dtype=np.int64)
    return pa.table({
        "id": pa.array(ids),
        "x": pa.array(ids / 7.0),
        "s": pa.array([f"row-{i:016d}" for i in range(1, rows + 1)], pa.string()),
        "ts": pa.array(1577836800_000_000 + ids * 1_000_000, pa.timestamp("us")),
    })

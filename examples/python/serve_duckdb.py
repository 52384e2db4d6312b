"""Serve a DuckDB database with the ready DuckDB backend: keys, comments and types in the
catalog, DuckDB's transactions, SQLSTATEs, streaming.

    python examples/python/serve_duckdb.py [127.0.0.1:5433] [shop.duckdb]

Then:  psql -h 127.0.0.1 -p 5433 -c '\\d orders'
"""
from __future__ import annotations

import logging
import sys

import duckdb

from riffq.backends.duckdb import DuckDBBackend


def open_database(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """The database to serve (a small shop when it is empty)."""
    con = duckdb.connect(path)
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchone()[0]:
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL)")
        con.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INTEGER NOT NULL "
                    "REFERENCES customers (id), total DECIMAL(10,2) NOT NULL, placed TIMESTAMP)")
        con.execute("COMMENT ON TABLE orders IS 'one row per order'")
        con.execute("INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob')")
        con.execute("INSERT INTO orders SELECT i, 1 + i % 2, (i * 7 % 100) + 0.99, "
                    "TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR FROM range(1, 1001) t(i)")
    return con


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433").rsplit(":", 1)
    con = open_database(sys.argv[2] if len(sys.argv) > 2 else ":memory:")
    # DuckDB's schema "main" is shown as "public", where PostgreSQL tools look first.
    DuckDBBackend(con).serve(host=host, port=int(port), databases=["shop", "postgres"])


if __name__ == "__main__":
    main()

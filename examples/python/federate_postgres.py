"""Federation: tables of a real PostgreSQL, read with riffq's client scanner (binary COPY
straight into Arrow), joined in DuckDB with local data, served as one database.

    python examples/python/federate_postgres.py 127.0.0.1:5433 "host=... dbname=... user=..." customers

Every named PostgreSQL table is read at start-up into DuckDB (``pg_<table>``) next to a local
table ``targets``; clients query both together:
    psql -h 127.0.0.1 -p 5433 -c 'select * from pg_customers c join targets t using (id)'
"""
from __future__ import annotations

import sys

import duckdb

import riffq.client as rc
from riffq.backends.duckdb import DuckDBBackend


def build(dsn: str, tables: list) -> duckdb.DuckDBPyConnection:
    """A DuckDB database holding the PostgreSQL tables and a local table."""
    con = duckdb.connect()
    pg = rc.connect(dsn)
    for table in tables:
        frame = pg.read_pq(f"SELECT * FROM {table}")  # polars DataFrame, via the scanner
        con.register("incoming", frame.to_arrow())
        con.execute(f'CREATE TABLE "pg_{table}" AS SELECT * FROM incoming')
        con.unregister("incoming")
        con.execute(f"COMMENT ON TABLE \"pg_{table}\" IS 'copied from PostgreSQL table {table}'")
    con.execute("CREATE TABLE targets (id INTEGER PRIMARY KEY, target DOUBLE NOT NULL)")
    con.execute("INSERT INTO targets VALUES (1, 100.0), (2, 250.0)")
    return con


def main() -> None:
    host, port = sys.argv[1].rsplit(":", 1)
    dsn, tables = sys.argv[2], sys.argv[3:]
    DuckDBBackend(build(dsn, tables)).serve(host=host, port=int(port),
                                             databases=["riffq", "postgres"])


if __name__ == "__main__":
    main()

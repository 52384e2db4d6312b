"""Every runnable example in examples/python/ that uses the ready backends or the simple API,
run unchanged as a separate process and queried with psycopg and psql."""
from __future__ import annotations

import psycopg
import pytest

from support.pg_cluster import PgCluster, free_port
from support.serve_process import psql
from support.servers import ExampleProcess


def _rows(port: int, sql: str, dbname: str = "riffq"):
    with psycopg.connect(f"host=127.0.0.1 port={port} dbname={dbname} user=postgres",
                         autocommit=True) as c:
        return c.execute(sql).fetchall()


def test_serve_duckdb_example() -> None:
    with ExampleProcess("serve_duckdb.py", free_port()) as p:
        assert _rows(p.port, "SELECT count(*) FROM orders", "shop") == [(1000,)]
        out = psql(p.port, r"\d orders", dbname="shop")
        assert "REFERENCES customers(id)" in out.stdout and "numeric(10,2)" in out.stdout, out.stderr


def test_serve_polars_example() -> None:
    with ExampleProcess("serve_polars.py", free_port()) as p:
        rows = _rows(p.port, "SELECT c.country, count(*) AS n FROM trips t JOIN cities c "
                             "ON c.city = t.city GROUP BY c.country ORDER BY c.country")
        assert rows == [("JP", 1), ("NO", 3), ("PE", 2)]


def test_serve_pandas_example() -> None:
    with ExampleProcess("serve_pandas.py", free_port()) as p:
        assert _rows(p.port, "SELECT sku FROM sales ORDER BY qty DESC LIMIT 1") == [(102,)]


def test_simple_duckdb_example() -> None:
    with ExampleProcess("simple_duckdb.py", free_port()) as p:
        assert _rows(p.port, "SELECT 40 + 2 AS answer") == [(42,)]


def test_rest_api_example() -> None:
    with ExampleProcess("rest_api_tables.py", free_port()) as p:
        rows = _rows(p.port, "SELECT u.name, count(*), sum(o.total) FROM orders o JOIN users u "
                             "ON u.id = o.user_id GROUP BY u.name ORDER BY u.name")
        assert rows == [("Ann", 2, 29.5), ("Bob", 1, 3.25)]
        assert "GET http://127.0.0.1" in psql(p.port, r"\dt+", dbname="riffq").stdout


def test_serve_spark_example(tmp_path, monkeypatch) -> None:
    # No URL: the example starts a local Sail server (a Spark Connect server) itself, which
    # keeps its tables in ./spark-warehouse: run it in a temporary directory.
    monkeypatch.chdir(tmp_path)
    with ExampleProcess("serve_spark.py", free_port()) as p:
        rows = _rows(p.port, "SELECT city, count(*) AS n FROM trips GROUP BY city ORDER BY city")
        assert rows == [("Lima", 10), ("Oslo", 10), ("Tokyo", 10)]
        assert "trips" in psql(p.port, r"\dt", dbname="riffq").stdout


@pytest.fixture(scope="module")
def pg_customers(pg: PgCluster) -> PgCluster:
    pg.psql("CREATE DATABASE fed")
    pg.psql("CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, spent numeric(10,2))", "fed")
    pg.psql("INSERT INTO customers VALUES (1, 'Ann', 120.50), (2, 'Bob', 80.00)", "fed")
    return pg


def test_federate_postgres_example(pg_customers) -> None:
    dsn = pg_customers.dsn("fed")
    with ExampleProcess("federate_postgres.py", free_port(), args=(dsn, "customers")) as p:
        rows = _rows(p.port, "SELECT c.name, c.spent >= t.target AS reached FROM pg_customers c "
                             "JOIN targets t USING (id) ORDER BY c.id")
        assert rows == [("Ann", True), ("Bob", False)]

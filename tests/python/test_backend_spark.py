"""riffq.backends.spark.SparkBackend and ``riffq serve --spark`` against Sail (``pysail``, a
Spark Connect server started in this process): tables from Spark's catalog in psql's ``\\dt``
and ``\\d``, SQL passed to ``spark.sql()``, results streamed as Spark's Arrow batches, errors
as SQLSTATEs, parameters, and the transaction rule (no writes inside BEGIN)."""
from __future__ import annotations

import os
import warnings
from typing import Iterator

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pysail.spark as pysail
import pytest

from riffq.backends.spark import SparkBackend, spark_type_to_pg, to_spark_sql
from riffq.runner import BackendServer
from support.pg_cluster import free_port
from support.rss import WIDE_ROWS, ProcessRss, stream_growth
from support.serve_process import ServeProcess, psql


MB = 1024 * 1024


@pytest.fixture(scope="module")
def sail(tmp_path_factory) -> Iterator[str]:
    # Sail keeps tables made by CREATE TABLE … AS in ./spark-warehouse of its process: run it
    # in a temporary directory, not in the checkout.
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("sail"))
    server = pysail.SparkConnectServer(ip="127.0.0.1", port=0)
    try:
        server.start(background=True)
        host, port = server.listening_address
        yield f"sc://{host}:{port}"
    finally:
        server.stop()
        os.chdir(cwd)


@pytest.fixture(scope="module")
def trades_dir(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("trades")
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("sym", pa.string()),
                        pa.field("price", pa.decimal128(10, 2)), pa.field("tags", pa.list_(pa.string()))])
    pq.write_table(pa.table({"id": [1, 2, 3], "sym": ["A", "B", "A"],
                             "price": [pa.scalar(1, pa.decimal128(10, 2)).as_py()] * 3,
                             "tags": [["x"], [], None]}, schema=schema), d / "part-0.parquet")
    return str(d)


INIT = ["CREATE TABLE trades USING parquet LOCATION '{dir}'",
        "CREATE DATABASE IF NOT EXISTS sales",
        "CREATE TABLE sales.regions AS SELECT 1 AS id, 'north' AS name"]


@pytest.fixture(scope="module")
def served(sail, trades_dir) -> Iterator[ServeProcess]:
    args = ["--spark", sail]
    for stmt in INIT:
        args += ["--init-sql", stmt.format(dir=trades_dir)]
    with ServeProcess(free_port(), *args) as p:
        yield p


def _c(port: int, **kw) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={port} dbname=riffq user=x", **kw)


def test_dt_and_d_from_sparks_catalog(served) -> None:
    out = psql(served.port, r"\dt", r"\d trades", r"\dt sales.*")
    assert out.returncode == 0, out.stderr
    assert "trades" in out.stdout and "regions" in out.stdout
    assert "numeric(10,2)" in out.stdout and "text[]" in out.stdout


def test_queries_go_to_spark(served) -> None:
    with _c(served.port, autocommit=True) as c:
        assert c.execute("SELECT sym, count(*) AS n FROM trades GROUP BY sym ORDER BY sym").fetchall() == \
            [("A", 2), ("B", 1)]
        assert c.execute('SELECT "name" FROM "sales"."regions"').fetchall() == [("north",)]
        assert c.execute("SELECT count(*) FROM public.trades").fetchone() == (3,)
        assert c.execute("SELECT id FROM trades WHERE sym = %s AND id > %s ORDER BY id", ["A", 1]).fetchall() == [(3,)]


def test_100000_rows_stream(served) -> None:
    with _c(served.port, autocommit=True) as c:
        total = n = 0
        for (i,) in c.cursor().stream("SELECT id FROM range(100000)"):
            total += i
            n += 1
    assert n == 100000 and total == sum(range(100000))


def test_100000_wide_rows_stream_with_flat_memory(served) -> None:
    dsn = f"host=127.0.0.1 port={served.port} dbname=riffq user=x"
    server = ProcessRss(served.proc.pid)
    stream_growth(dsn, WIDE_ROWS.format(n=20000), server)  # warm-up: imports, allocator arenas
    n, growth = stream_growth(dsn, WIDE_ROWS.format(n=100000), server)
    assert n == 100000
    # Collected whole, the result would be ~50 MB of Arrow data in the server at once.
    assert growth < 25 * MB, f"riffq serve grew by {growth / MB:.0f} MB while streaming"


def test_errors(served) -> None:
    with _c(served.port, autocommit=True) as c:
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("SELECT * FROM nope")
        with pytest.raises(psycopg.errors.SyntaxError):
            c.execute("SELEC 1")
        assert c.execute("SELECT 1 AS one").fetchone() == (1,)


def test_no_writes_inside_a_transaction(served) -> None:
    with _c(served.port) as c:
        assert c.execute("SELECT count(*) FROM trades").fetchone() == (3,)
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="no transactions"):
            c.execute("CREATE TABLE t2 AS SELECT 1 AS x")
        c.rollback()
    with _c(served.port, autocommit=True) as c:
        c.execute("CREATE TABLE t3 AS SELECT 1 AS x")
    assert "t3" in psql(served.port, r"\dt").stdout  # the catalog follows DDL


def test_results_are_streamed_in_batches(sail) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        backend = SparkBackend(sail)
    try:
        reader, is_tag = backend.execute("SELECT id FROM range(100000)", 1, None, False)
        assert not is_tag
        sizes = [b.num_rows for b in reader]
        assert sum(sizes) == 100000 and len(sizes) > 1  # Spark's batches, not one table
        schema, _ = backend.execute("SELECT id, CAST(id AS STRING) AS s FROM range(3)", 1, None,
                                    True)
        assert schema.num_rows == 0 and schema.column_names == ["id", "s"]
    finally:
        backend.close()  # else pyspark's exit hook retries the stopped Sail at exit


def test_backend_in_process(sail) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        backend = SparkBackend(sail, init_sql=["CREATE TABLE IF NOT EXISTS kv AS SELECT 1 AS k, 'v' AS v"])
    try:
        with BackendServer(backend, port=0) as s:
            with _c(s.port, autocommit=True) as c:
                assert c.execute("SELECT v FROM kv WHERE k = %s", [1]).fetchall() == [("v",)]
    finally:
        backend.close()


def test_type_names_and_dialect() -> None:
    assert spark_type_to_pg("decimal(10,2)") == "numeric(10,2)"
    assert spark_type_to_pg("array<array<int>>") == "integer[]"
    assert spark_type_to_pg("struct<a:int>") == "record"
    assert spark_type_to_pg("map<string,int>") == "jsonb"
    assert spark_type_to_pg("timestamp_ntz") == "timestamp"
    sql, args = to_spark_sql("""SELECT "a", '$1 public.x' FROM public.t WHERE b = $2 AND c = $1""", [10, 20])
    assert sql == "SELECT `a`, '$1 public.x' FROM default.t WHERE b = ? AND c = ?"
    assert args == [20, 10]

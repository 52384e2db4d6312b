"""``riffq serve --spark`` against Apache Spark itself: the local Spark Connect server of the
full ``pyspark`` package (a JVM, Java 17), where test_backend_spark.py uses Sail.

Slow (the JVM starts in about a minute on two busy cores, and the first run downloads
``pyspark``, ~480 MB, through scripts/install_pyspark.sh), so pytest deselects it by default
(``-m "not spark_jvm"`` in pyproject.toml). Run it with::

    python -m pytest -m spark_jvm tests/python/test_backend_spark_jvm.py

It checks psql's answers and ``\\dt`` / ``\\d`` from Spark's catalog, the catalog columns
against Spark's own ``listColumns``, and that a 100 000-row result streams through riffq with
flat memory.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from typing import Iterator

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from riffq.backends.spark import spark_type_to_pg
from support.pg_cluster import free_port
from support.rss import WIDE_ROWS, ProcessRss, stream_growth
from support.serve_process import ServeProcess, psql
from support.servers import wait_port

pytestmark = pytest.mark.spark_jvm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MB = 1024 * 1024


@pytest.fixture(scope="module")
def spark_home() -> str:
    """The full pyspark package's Spark home (installed outside the environment on first use)."""
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "install_pyspark.sh")],
                       env=dict(os.environ, PYTHON=sys.executable), capture_output=True,
                       text=True, timeout=1200)
    assert r.returncode == 0, f"scripts/install_pyspark.sh failed:\n{r.stderr[-3000:]}"
    return r.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def spark_connect(spark_home, tmp_path_factory) -> Iterator[str]:
    """A local Spark Connect server (Spark's own, in a JVM) in a temporary directory."""
    work = tmp_path_factory.mktemp("spark_jvm")
    port = free_port()
    cmd = ["bash", os.path.join(spark_home, "bin", "spark-submit"),
           "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
           "--master", "local[2]", "--driver-memory", "1g", "--name", "riffq-test",
           "--conf", f"spark.connect.grpc.binding.port={port}",
           "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
           "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
           "--conf", "spark.sql.catalogImplementation=in-memory",
           "--conf", f"spark.sql.warehouse.dir={work / 'warehouse'}"]
    log = open(work / "spark.log", "w")
    proc = subprocess.Popen(cmd, cwd=work, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, SPARK_HOME=spark_home), start_new_session=True)
    try:
        try:
            wait_port(port, timeout=300, proc=proc)
        except Exception:
            log.flush()
            raise AssertionError("the Spark Connect server did not start:\n"
                                 + (work / "spark.log").read_text()[-3000:])
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # spark-submit execs the JVM in its own group
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def trades_dir(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("trades")
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("sym", pa.string()),
                        pa.field("price", pa.decimal128(10, 2)), pa.field("tags", pa.list_(pa.string()))])
    price = pa.scalar(1, pa.decimal128(10, 2)).as_py()
    pq.write_table(pa.table({"id": [1, 2, 3], "sym": ["A", "B", "A"], "price": [price] * 3,
                             "tags": [["x"], [], None]}, schema=schema), d / "part-0.parquet")
    return str(d)


@pytest.fixture(scope="module")
def served(spark_connect, trades_dir) -> Iterator[ServeProcess]:
    with ServeProcess(free_port(), "--spark", spark_connect,
                      "--init-sql", f"CREATE TABLE trades USING parquet LOCATION '{trades_dir}'",
                      "--init-sql", "CREATE DATABASE IF NOT EXISTS sales",
                      "--init-sql", "CREATE TABLE sales.regions (id INT, name STRING) USING parquet",
                      "--init-sql", "INSERT INTO sales.regions VALUES (1, 'north')") as p:
        yield p


def _dsn(port: int) -> str:
    return f"host=127.0.0.1 port={port} dbname=riffq user=x"


def test_psql_answers_from_spark(served) -> None:
    out = psql(served.port, "SELECT sym, count(*) AS n FROM trades GROUP BY sym ORDER BY sym",
               'SELECT "name" FROM "sales"."regions"', r"\dt", r"\d trades", r"\dt sales.*")
    assert out.returncode == 0, out.stderr
    assert " A   | 2\n B   | 1\n" in out.stdout
    assert " north\n" in out.stdout
    assert "trades" in out.stdout and "regions" in out.stdout
    assert "numeric(10,2)" in out.stdout and "text[]" in out.stdout


def test_catalog_is_sparks_catalog(served, spark_connect) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyspark's notes about pandas versions
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.remote(spark_connect).getOrCreate()
    expected = {(db, t.name, c.name, spark_type_to_pg(c.dataType))
                for db in ("default", "sales") for t in spark.catalog.listTables(db)
                for c in spark.catalog.listColumns(f"{db}.{t.name}")}
    with psycopg.connect(_dsn(served.port), autocommit=True) as c:
        rows = c.execute("SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
                         "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname IN ('public', 'sales') AND a.attnum > 0").fetchall()
    ours = {("default" if s == "public" else s, t, col, ty) for s, t, col, ty in rows}
    assert ours == expected
    assert ("default", "trades", "price", "numeric(10,2)") in ours


def test_100000_rows_stream_with_flat_memory(served) -> None:
    dsn = _dsn(served.port)
    server = ProcessRss(served.proc.pid)
    n, _ = stream_growth(dsn, WIDE_ROWS.format(n=100000), server)  # also the warm-up
    assert n == 100000
    # Spark sends batches of 10 000 rows (spark.sql.execution.arrow.maxRecordsPerBatch), ~5 MB
    # here; a few are in flight between Spark's client and the socket, whatever the size of the
    # result. Collected whole, 400 000 rows would be ~200 MB in the server at once.
    n, growth = stream_growth(dsn, WIDE_ROWS.format(n=400000), server)
    print(f"[spark jvm] 400000 rows (~200 MB): riffq serve RSS grew {growth / MB:.1f} MB")
    assert n == 400000
    assert growth < 100 * MB, f"riffq serve grew by {growth / MB:.0f} MB while streaming"

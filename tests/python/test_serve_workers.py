"""``riffq serve --workers N``: N processes on one port, each with its own DuckDB; the
same answers from every process, a DuckDB database file opened read-only by all, SIGTERM
stopping every process."""
from __future__ import annotations

import os

import duckdb
import psutil
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from support.pg_cluster import free_port
from support.serve_process import ServeProcess, psql


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("serve-workers")
    pq.write_table(pa.table({"id": list(range(1000)), "v": [i * 0.5 for i in range(1000)]}),
                   root / "points.parquet")
    con = duckdb.connect(str(root / "shop.duckdb"))
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL)")
    con.execute("INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob')")
    con.close()
    return str(root)


def test_serve_with_two_worker_processes(files):
    port = free_port()
    with ServeProcess(port, os.path.join(files, "points.parquet"),
                      os.path.join(files, "shop.duckdb"), "--workers", "2") as srv:
        srv.wait_for_output("with 2 worker processes", timeout=120)
        children = psutil.Process(srv.proc.pid).children()
        assert len(children) == 2
        dsn = f"host=127.0.0.1 port={port} dbname=riffq user=postgres"
        owners = set()
        for _ in range(16):
            with psycopg.connect(dsn, autocommit=True) as conn:
                pid = conn.execute("select pg_backend_pid()").fetchone()[0]
                owners.add(pid % 2)
                assert conn.execute("select count(*), sum(v) from points").fetchone() == (
                    1000, 249750.0)
                assert conn.execute("select name from customers order by id").fetchall() == [
                    ("Ann",), ("Bob",)]
                # Every process opened the DuckDB file read-only.
                with pytest.raises(psycopg.Error):
                    conn.execute("insert into customers values (3, 'Cy')")
        assert owners == {0, 1}  # 16 connections on one process: 2**-15
        out = psql(port, r"\d customers", dbname="riffq", user="postgres")
        assert out.returncode == 0, out.stderr
        assert "customers_pkey" in out.stdout and "not null" in out.stdout
        assert srv.stop() == 0
        for child in children:
            assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE


def test_metrics_port_with_workers_is_a_clear_error(files):
    from support.serve_process import run_cli

    res = run_cli("serve", os.path.join(files, "points.parquet"), "--workers", "2",
                  "--metrics-port", str(free_port()), "--port", str(free_port()))
    assert res.returncode == 2
    assert "--metrics-port is not available with --workers" in res.stderr
    assert "Traceback" not in res.stderr

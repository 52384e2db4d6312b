"""The seeds' minimal server and DuckDB example, run unchanged, answer psql, psycopg 3,
psycopg2 and asyncpg."""

from __future__ import annotations

import asyncio
import os
import subprocess

import asyncpg
import psycopg
import psycopg2
import pytest

from support.pg_cluster import free_port
from support.servers import ExampleProcess


def psql(port: int, *commands: str) -> subprocess.CompletedProcess:
    args = ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port), "-U", "user", "-d", "db"]
    for c in commands:
        args += ["-c", c]
    env = dict(os.environ, PGPASSWORD="secret", PGCONNECT_TIMEOUT="5")
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=30)


@pytest.fixture(scope="module")
def minimal():
    with ExampleProcess("minimal_server.py", free_port()) as p:
        yield p


@pytest.fixture(scope="module")
def duck():
    with ExampleProcess("duckdb_server.py", free_port()) as p:
        yield p


def dsn(port: int) -> str:
    return f"host=127.0.0.1 port={port} user=user password=secret dbname=db connect_timeout=5"


def test_minimal_psql(minimal):
    out = psql(minimal.port, "select 1", "select 'ok' as status")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "ok"]


def test_minimal_psql_error_keeps_session(minimal):
    out = psql(minimal.port, "select 2", "select 1")
    assert "unsupported demo query" in out.stderr
    assert out.stdout.split() == ["1"]


def test_minimal_wrong_password(minimal):
    env = dict(os.environ, PGPASSWORD="wrong")
    out = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(minimal.port), "-U", "user",
                          "-c", "select 1"], capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode != 0
    assert "Authentication failed" in out.stderr


def test_minimal_psycopg3(minimal):
    with psycopg.connect(dsn(minimal.port), autocommit=True) as conn:
        assert conn.execute("select 1").fetchall() == [(1,)]
        cur = conn.execute("select 'ok' as status")
        assert cur.description[0].name == "status"
        assert cur.fetchall() == [("ok",)]
        with pytest.raises(psycopg.errors.SyntaxError, match="unsupported demo query"):
            conn.execute("select 3")
        assert conn.execute("select 1").fetchone() == (1,)


def test_minimal_psycopg2(minimal):
    conn = psycopg2.connect(dsn(minimal.port))
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("select 1")
    assert cur.fetchall() == [(1,)]
    cur.execute("select 'ok' as status")
    assert cur.fetchall() == [("ok",)]
    conn.close()


def test_minimal_adbc(minimal):
    """ADBC reads every pg_attribute row when it connects (its type resolver); the core answers
    that (type introspection, SPEC §5) even though this handler knows only its two queries. In
    autocommit mode ADBC sends no BEGIN, which this handler would refuse."""
    import adbc_driver_postgresql.dbapi as adbc

    uri = f"postgresql://user:secret@127.0.0.1:{minimal.port}/db"
    with adbc.connect(uri, autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.execute("select 'ok' as status")
            assert cur.fetchall() == [("ok",)]
            cur.execute("select 1")
            assert cur.fetchall() == [(1,)]


def test_minimal_asyncpg(minimal):
    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=minimal.port, user="user",
                                     password="secret", database="db")
        try:
            assert await conn.fetchval("select 1") == 1
            assert await conn.fetchval("select 'ok' as status") == "ok"
        finally:
            await conn.close()

    asyncio.run(run())


def test_duckdb_psql(duck):
    out = psql(duck.port, "select 40 + 2 as answer, 'x' || 'y' as s, date '2024-02-29' as d")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "42|xy|2024-02-29"


def test_duckdb_psycopg3_text_and_binary(duck):
    with psycopg.connect(dsn(duck.port), autocommit=True) as conn:
        rows = conn.execute("select i, i * 1.5::double as f, 'n' || i as s from range(3) t(i)").fetchall()
        assert rows == [(0, 0.0, "n0"), (1, 1.5, "n1"), (2, 3.0, "n2")]
        cur = conn.cursor(binary=True)
        cur.execute("select 7::bigint as a, true as b, 'txt' as c")
        assert cur.fetchall() == [(7, True, "txt")]


def test_duckdb_psycopg2(duck):
    conn = psycopg2.connect(dsn(duck.port))
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("select range as r from range(4)")
    assert [r[0] for r in cur.fetchall()] == [0, 1, 2, 3]
    conn.close()


def test_duckdb_asyncpg(duck):
    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=duck.port, user="user",
                                     password="secret", database="db")
        try:
            rows = await conn.fetch("select 42 as x, 'hi' as s, 2.5::double as f, true as b")
            assert [tuple(r) for r in rows] == [(42, "hi", 2.5, True)]
            assert list(rows[0].keys()) == ["x", "s", "f", "b"]
        finally:
            await conn.close()

    asyncio.run(run())


def test_duckdb_error_is_reported(duck):
    with psycopg.connect(dsn(duck.port), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InternalError_, match="nonexistent"):
            conn.execute("select * from nonexistent_table")
        assert conn.execute("select 1 as one").fetchone() == (1,)

"""The pg_rs compatibility module behaves as the pg_rs package's README says."""

import asyncio
import os
import time
import uuid

import polars as pl
import pytest

README_EXAMPLE = '''
from pg_rs import connect
DSN ="host=postgres.com port=1234 dbname=yours user=postgres password=hunter2"
conn = connect(PG)

lf = conn.scan_pq("select * from big_table")

lf.sink_parquet("big_file.parquet")
'''


def test_readme_example_runs_unchanged(pg, tmp_path, monkeypatch):
    pg.psql("drop table if exists big_table; create table big_table as "
            "select g as id, md5(g::text) as h, g * 1.5 as x from generate_series(1, 50000) g")
    monkeypatch.chdir(tmp_path)
    exec(README_EXAMPLE, {"PG": pg.dsn()})
    df = pl.read_parquet(tmp_path / "big_file.parquet")
    assert df.height == 50000 and df.columns == ["id", "h", "x"]


def test_uuid_is_binary_like_the_readme(pg):
    from pg_rs import connect

    conn = connect(pg.dsn())
    df = conn.scan_pq("select uuid_col, uuid_col::text as str_col from "
                      "(select gen_random_uuid() as uuid_col) t").collect()
    assert str(uuid.UUID(bytes=df.item(0, 0))) == df.item(0, 1)


def test_positional_keepalive_and_check(pg):
    from pg_rs import connect

    conn = connect(pg.dsn(), 30)
    assert conn.check_connection() is True
    conn2 = connect(pg.dsn(), keep_alive_seconds=1)
    assert conn2.check_connection()


def test_async_connect_same_class_and_awaitable_fetchall(pg):
    import pg_rs

    async def main():
        a = await pg_rs.async_connect(pg.dsn())
        s = pg_rs.connect(pg.dsn())
        assert type(a) is type(s) is pg_rs.Connection
        return await a.fetchall("select 1, 'x'"), await s.fetchall("select $1::int", [5])

    assert asyncio.run(main()) == ([(1, "x")], [(5,)])


def test_scan_pq_params_and_types_seed_crashed_on(pg):
    from pg_rs import connect

    conn = connect(pg.dsn())
    df = conn.scan_pq("select $1::numeric(10,2) n, array[1,2] a, 'x'::char(3) c, "
                      "'01:02:03'::time t", [1.5]).collect()
    assert df.row(0)[1:] == ([1, 2], "x  ", __import__("datetime").time(1, 2, 3))
    assert str(df.item(0, 0)) == "1.50"


def test_enum_is_string(pg):
    from pg_rs import connect

    conn = connect(pg.dsn())
    asyncio.run(conn.fetchall("drop type if exists color cascade"))
    asyncio.run(conn.fetchall("create type color as enum ('red', 'green')"))
    assert conn.scan_pq("select 'red'::color as c").collect().item() == "red"

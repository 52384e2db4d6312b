"""Partitioned parallel reads (column ranges, ctid pages, one snapshot) and write_pq."""

import datetime as dt
import decimal
import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal


@pytest.fixture(scope="module")
def events(pg):
    pg.psql("drop table if exists events; create table events as "
            "select g as id, case when g % 11 = 0 then null else g % 1000 end as bucket, "
            "md5(g::text) as h, now()::timestamp - g * interval '1 minute' as at "
            "from generate_series(1, 30000) g")
    return "select * from events"


@pytest.mark.parametrize("n", [2, 3, 7])
def test_partition_on_column_equals_single(conn, events, n):
    single = conn.read_pq(events)
    part = conn.read_pq(events, partition_on="bucket", partitions=n)
    assert_frame_equal(part.sort("id"), single.sort("id"))


def test_partition_on_non_integer_column_is_a_clear_error(conn, events):
    with pytest.raises(ValueError, match="integer column"):
        conn.read_pq(events, partition_on="h", partitions=2)
    assert conn.fetchall("select 1") == [(1,)]


def test_partition_on_ctid_equals_single(conn, events):
    single = conn.read_pq(events)
    part = conn.read_pq("events", partition_on="ctid", partitions=4)
    assert_frame_equal(part.sort("id"), single.sort("id"))


def test_partitioned_lazy_with_filter(conn, events):
    full = conn.read_pq(events)
    pred = pl.col("bucket") < 100
    got = conn.scan_pq(events, partition_on="id", partitions=3).filter(pred).select("id", "h").collect()
    assert_frame_equal(got.sort("id"), full.filter(pred).select("id", "h").sort("id"))


def test_partitions_share_one_snapshot(pg, conn):
    # Rows keep moving between partitions (the partition column changes under a concurrent
    # writer, one committed transaction per move). Partitions read under one snapshot see each
    # row exactly once; partitions with snapshots of their own see a moved row twice or never.
    pg.psql("drop table if exists snap; create table snap as "
            "select g as id, g % 4 as part from generate_series(1, 4000) g")
    import threading

    import riffq.client

    stop = threading.Event()
    moves = [0]

    def writer():
        with riffq.client.connect(pg.dsn()) as w:
            i = 0
            while not stop.is_set():
                w.execute(f"update snap set part = (part + 1) % 4 where id = {i % 4000 + 1}")
                i += 1
                moves[0] = i

    th = threading.Thread(target=writer)
    th.start()
    try:
        while moves[0] < 50:  # the writer is running
            stop.wait(0.01)
        for _ in range(6):
            df = conn.read_pq("select id, part from snap", partition_on="part", partitions=4)
            assert sorted(df["id"].to_list()) == list(range(1, 4001))  # each row once
    finally:
        stop.set()
        th.join()
    assert moves[0] > 50


def test_write_round_trip_all_types(conn):
    df = pl.DataFrame({
        "i8": pl.Series([1, None, -3], dtype=pl.Int8),
        "i16": pl.Series([1, 2, None], dtype=pl.Int16),
        "i32": pl.Series([None, 2, 3], dtype=pl.Int32),
        "i64": pl.Series([2**40, 0, -1], dtype=pl.Int64),
        "u32": pl.Series([4000000000, 1, 2], dtype=pl.UInt32),
        "f32": pl.Series([1.5, float("nan"), None], dtype=pl.Float32),
        "f64": pl.Series([float("inf"), -0.5, None], dtype=pl.Float64),
        "b": [True, False, None],
        "s": ["héllo", None, "a much longer string than twelve bytes"],
        "bin": [b"\x00\x01", None, b""],
        "d": [dt.date(2020, 1, 1), None, dt.date(1900, 12, 31)],
        "ts": [dt.datetime(2001, 2, 3, 4, 5, 6, 7), None, dt.datetime(1970, 1, 1)],
        "tsz": pl.Series([dt.datetime(2001, 2, 3, 4, 5, 6), None, None],
                         dtype=pl.Datetime("us", "UTC")),
        "t": [dt.time(1, 2, 3, 4), None, dt.time(23, 59, 59)],
        "dur": [dt.timedelta(days=1, seconds=5), None, dt.timedelta(microseconds=-7)],
        "dec": pl.Series([decimal.Decimal("12.345"), None, decimal.Decimal("-0.001")],
                         dtype=pl.Decimal(10, 3)),
    })
    assert conn.write_pq(df, "rt", mode="replace") == 3
    back = conn.read_pq("select * from rt")
    expect = df.with_columns(pl.col("i8").cast(pl.Int16), pl.col("u32").cast(pl.Int64))
    assert_frame_equal(back, expect, check_dtypes=False)
    assert back.schema["dec"] == pl.Decimal(10, 3)


def test_write_is_read_back_by_postgresql_itself(pg, conn):
    """write_pq's binary COPY FROM encoder, judged by PostgreSQL and psycopg, not our reader."""
    import psycopg

    df = pl.DataFrame({
        "k": [1, 2, 3],
        "i16": pl.Series([-32768, None, 7], dtype=pl.Int16),
        "i64": pl.Series([2**62, -1, None], dtype=pl.Int64),
        "f32": pl.Series([1.5, float("nan"), None], dtype=pl.Float32),
        "f64": pl.Series([float("-inf"), -0.5, 1e300], dtype=pl.Float64),
        "b": [True, None, False],
        "s": ["héllo\ttab", None, "x" * 40],
        "bin": [b"\x00\xff", b"", None],
        "d": [dt.date(2020, 2, 29), None, dt.date(1, 1, 1)],
        "ts": [dt.datetime(1999, 12, 31, 23, 59, 59, 999999), None, dt.datetime(1900, 1, 1)],
        "tsz": pl.Series([dt.datetime(2001, 2, 3, 4, 5, 6), None, dt.datetime(1960, 1, 1)],
                         dtype=pl.Datetime("us", "UTC")),
        "t": [dt.time(0, 0), dt.time(23, 59, 59, 999999), None],
        "dur": [dt.timedelta(days=-1, microseconds=1), None, dt.timedelta(hours=30)],
        "dec": pl.Series([decimal.Decimal("-12.345"), None, decimal.Decimal("0.001")],
                         dtype=pl.Decimal(12, 3)),
        "li": pl.Series([[1, None], [], None], dtype=pl.List(pl.Int64)),
        "ls": pl.Series([["a b", None, '"q"'], None, []], dtype=pl.List(pl.String)),
    })
    conn.write_pq(df, "pg_reads", mode="replace")
    with psycopg.connect(pg.dsn(), options="-c TimeZone=UTC") as c:
        types = c.execute("select array_agg(format_type(atttypid, atttypmod) order by attnum) "
                          "from pg_attribute where attrelid = 'pg_reads'::regclass and attnum > 0"
                          ).fetchone()[0]
        rows = c.execute("select * from pg_reads order by k").fetchall()
        text = c.execute("select f64::text, dur::text, tsz::text from pg_reads order by k").fetchall()
    assert types == [
        "bigint", "smallint", "bigint", "real", "double precision", "boolean", "text", "bytea",
        "date", "timestamp without time zone", "timestamp with time zone",
        "time without time zone", "interval", "numeric(12,3)", "bigint[]", "text[]"]
    utc = dt.timezone.utc
    assert [r[:3] for r in rows] == [(1, -32768, 2**62), (2, None, -1), (3, 7, None)]
    assert rows[0][3] == 1.5 and math.isnan(rows[1][3]) and rows[2][3] is None
    assert [r[4:] for r in rows] == [
        (float("-inf"), True, "héllo\ttab", b"\x00\xff", dt.date(2020, 2, 29),
         dt.datetime(1999, 12, 31, 23, 59, 59, 999999), dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=utc),
         dt.time(0, 0), dt.timedelta(days=-1, microseconds=1), decimal.Decimal("-12.345"),
         [1, None], ["a b", None, '"q"']),
        (-0.5, None, None, b"", None, None, None, dt.time(23, 59, 59, 999999), None, None, [], None),
        (1e300, False, "x" * 40, None, dt.date(1, 1, 1), dt.datetime(1900, 1, 1),
         dt.datetime(1960, 1, 1, tzinfo=utc), None, dt.timedelta(hours=30),
         decimal.Decimal("0.001"), None, []),
    ]
    # A duration has no days or months: PostgreSQL keeps it as time, as for '-86399.999999 s'.
    assert text == [("-Infinity", "-23:59:59.999999", "2001-02-03 04:05:06+00"),
                    ("-0.5", None, None), ("1e+300", "30:00:00", "1960-01-01 00:00:00+00")]


def test_write_modes(conn):
    df = pl.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    conn.execute("drop table if exists wm")
    conn.write_pq(df, "wm")  # append creates
    conn.write_pq(df.lazy(), "wm", mode="append")
    assert conn.read_pq("select count(*) from wm").item() == 4
    with pytest.raises(RuntimeError, match="already exists"):
        conn.write_pq(df, "wm", mode="create")
    conn.write_pq(df, "wm", mode="replace")
    assert conn.read_pq("select count(*) from wm").item() == 2


def test_write_mixed_case_table_twice(conn):
    df = pl.DataFrame({"Id": [1], "Name": ["x"]})
    conn.execute('drop table if exists "MixedCase"')
    conn.write_pq(df, "MixedCase")
    conn.write_pq(df, "MixedCase")
    assert conn.fetchall('select "Id", "Name" from "MixedCase"') == [(1, "x"), (1, "x")]


def test_write_append_casts_to_existing_types(conn):
    conn.execute("drop table if exists typed; create table typed (a int2, b varchar(10), c numeric)")
    conn.write_pq(pl.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [1.5, 2.25]}), "typed")
    assert conn.fetchall("select a, b, c::text from typed order by a") == [(1, "x", "1.5"), (2, "y", "2.25")]


def test_write_large_frame(conn):
    n = 300000
    df = pl.DataFrame({"id": pl.int_range(n, eager=True), "v": pl.int_range(n, eager=True).cast(pl.String)})
    assert conn.write_pq(df, "big_w", mode="replace") == n
    assert_frame_equal(conn.read_pq("select * from big_w order by id"), df, check_dtypes=False)


def test_write_lists_as_arrays(conn):
    df = pl.DataFrame({
        "ints": pl.Series([[1, None, 3], [], None], dtype=pl.List(pl.Int64)),
        "strs": pl.Series([["a", "b"], None, ["a much longer string than twelve bytes"]],
                          dtype=pl.List(pl.String)),
        "dates": pl.Series([[dt.date(2020, 1, 1)], [], None], dtype=pl.List(pl.Date)),
    })
    conn.write_pq(df, "lists_w", mode="replace")
    assert conn.fetchall("select format_type(atttypid, atttypmod) from pg_attribute "
                         "where attrelid = 'lists_w'::regclass and attnum > 0 order by attnum") == \
        [("bigint[]",), ("text[]",), ("date[]",)]
    assert_frame_equal(conn.read_pq("select * from lists_w"), df)


def test_write_categorical_and_enum_as_text(conn):
    df = pl.DataFrame({
        "cat": pl.Series(["a", None, "b", "a"], dtype=pl.Categorical),
        "en": pl.Series(["x", "y", None, "x"], dtype=pl.Enum(["x", "y"])),
    })
    conn.write_pq(df, "cats_w", mode="replace")
    assert conn.fetchall("select cat, en from cats_w") == [("a", "x"), (None, "y"), ("b", None), ("a", "x")]

"""COPY … TO STDOUT: the bytes riffq sends for text, CSV and binary COPY are the bytes
PostgreSQL 15 sends for the same rows (differential), and real clients read them."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal

import psycopg
import pyarrow as pa
import pytest

ROWS = [
    (1, "plain", dt.date(2024, 1, 2), 1.5, Decimal("12.30"), True, dt.datetime(2024, 1, 2, 3, 4, 5, 120000)),
    (2, "tab\there, nl\nthere", None, -0.0, Decimal("-0.01"), False, None),
    (3, 'quote " comma , backslash \\', dt.date(1, 1, 1), 1e20, None, None, dt.datetime(1999, 12, 31)),
    (4, "", dt.date(9999, 12, 31), None, Decimal("0.00"), True, dt.datetime(2000, 1, 1)),
    (5, None, dt.date(2000, 2, 29), float("nan"), Decimal("99999999.99"), False, dt.datetime(2024, 2, 29, 23, 59, 59, 999999)),
    (6, "\\.", None, float("inf"), Decimal("1.00"), None, None),
]
COLUMNS = ["id", "s", "d", "f", "n", "b", "ts"]
PG_DDL = "create table t (id int8, s text, d date, f float8, n numeric(10,2), b bool, ts timestamp)"


def arrow_table() -> pa.Table:
    cols = list(zip(*ROWS))
    types = [pa.int64(), pa.utf8(), pa.date32(), pa.float64(), pa.decimal128(10, 2), pa.bool_(),
             pa.timestamp("us")]
    return pa.table([pa.array(list(c), t) for c, t in zip(cols, types)], names=COLUMNS)


@pytest.fixture(scope="module")
def pg_with_t(pg):
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        c.execute("drop table if exists t")
        c.execute(PG_DDL)
        with c.cursor() as cur:
            cur.executemany("insert into t values (%s, %s, %s, %s, %s, %s, %s)", ROWS)
    return pg


@pytest.fixture
def riffq_t(serve):
    table = arrow_table()
    seen = []

    def on_query(sql, callback, **kw):
        seen.append(sql)
        callback(table.to_reader(max_chunksize=2))  # several batches

    st = serve(on_query)
    st.seen = seen
    return st


def copy_bytes(dsn: str, sql: str) -> bytes:
    with psycopg.connect(dsn, autocommit=True) as c:
        with c.cursor().copy(sql) as cp:
            return b"".join(bytes(chunk) for chunk in cp)


@pytest.mark.parametrize("options", ["", "(format text)", "(format csv)", "(format csv, header)",
                                     "(format binary)", "(format text, delimiter '|', null 'NULL')",
                                     "with csv header"])
def test_copy_query_matches_postgresql(pg_with_t, riffq_t, options):
    sql = f"copy (select * from t order by id) to stdout {options}"
    expected = copy_bytes(pg_with_t.dsn(), sql)
    got = copy_bytes(riffq_t.dsn(), sql)
    assert got == expected
    assert riffq_t.seen[-1] == "select * from t order by id"  # the inner query, as written


def test_copy_table_form_sends_a_select(riffq_t):
    got = copy_bytes(riffq_t.dsn(), "copy t to stdout (format csv)")
    assert riffq_t.seen[-1] == "SELECT * FROM t"
    assert got.splitlines()[0] == b"1,plain,2024-01-02,1.5,12.30,t,2024-01-02 03:04:05.12"
    copy_bytes(riffq_t.dsn(), 'copy public."T x" (id, "S") to stdout')
    assert riffq_t.seen[-1] == 'SELECT id, "S" FROM public."T x"'


def test_psql_backslash_copy(riffq_t, tmp_path):
    out = tmp_path / "t.csv"
    r = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(riffq_t.port), "-U", "u", "-d", "d",
                        "-c", f"\\copy (select * from t) to '{out}' with (format csv, header)"],
                       capture_output=True, text=True, timeout=30, env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
    assert r.returncode == 0, r.stderr
    assert "COPY 6" in r.stdout
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(COLUMNS)


def test_binary_copy_rows_read_by_psycopg(riffq_t):
    with psycopg.connect(riffq_t.dsn(), autocommit=True) as c:
        with c.cursor().copy("copy (select * from t) to stdout (format binary)") as cp:
            cp.set_types(["int8", "text", "date", "float8", "numeric", "bool", "timestamp"])
            rows = list(cp.rows())
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[1][1] == "tab\there, nl\nthere"
    assert rows[0][4] == Decimal("12.30")


def test_riffq_client_reads_a_riffq_server(riffq_t):
    import riffq.client as rc

    conn = rc.connect(riffq_t.dsn())
    df = conn.read_pq("select * from t")
    assert df.columns == COLUMNS
    assert df["id"].to_list() == [1, 2, 3, 4, 5, 6]
    assert df["s"].to_list()[:2] == ["plain", "tab\there, nl\nthere"]


def test_copy_error_from_the_handler(serve):
    st = serve(lambda sql, callback, **kw: callback(("ERROR", "42P01", "no such table"), is_error=True))
    with psycopg.connect(st.dsn(), autocommit=True) as c:
        with pytest.raises(psycopg.errors.UndefinedTable):
            with c.cursor().copy("copy (select 1) to stdout") as cp:
                list(cp)
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


# Types whose COPY encodings have the most room to differ: timestamptz (session time zone),
# interval (months kept apart), bytea, arrays with NULLs and quoting, json, uuid and records.
RICH_PG_DDL = ("create table rich (id int8, tz timestamptz, iv interval, b bytea, ia int4[], "
               "ta text[], j json, u uuid, ra int4, rb text, rnull bool)")
RICH_PG_QUERY = ("select id, tz, iv, b, ia, ta, j, u, "
                 "case when rnull then null else row(ra, rb) end as r from rich order by id")
RICH_ROWS = [
    (1, dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.timezone.utc), (1, 2, 3_000_004_000),
     b"\x00\x01\xff", [1, None, 3], ["a", None, 'with "quote", comma', ""], '{"a": [1, 2]}',
     "00000000-0000-0000-0000-000000000001", 1, "x", False),
    (2, dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc), (-14, 0, 0),
     b"", [], [], "null", "123e4567-e89b-12d3-a456-426614174000", None, "has space", False),
    (3, None, None, None, None, None, None, None, None, None, True),
    (4, dt.datetime(2262, 4, 11, 23, 47, 16, tzinfo=dt.timezone.utc), (0, -3, -4_000_000),
     b"\\", [-2147483648], ["NULL", "{}"], '"s"', "ffffffff-ffff-ffff-ffff-ffffffffffff", -5, "",
     False),
]


def rich_arrow_table() -> pa.Table:
    import uuid

    cols = list(zip(*RICH_ROWS))
    ivs = [None if v is None else pa.MonthDayNano(v) for v in cols[2]]
    uuids = [None if u is None else uuid.UUID(u).bytes for u in cols[7]]
    rec = [None if n else {"ra": a, "rb": b} for a, b, n in zip(cols[8], cols[9], cols[10])]
    return pa.table({
        "id": pa.array(cols[0], pa.int64()),
        "tz": pa.array(cols[1], pa.timestamp("us", tz="UTC")),
        "iv": pa.array(ivs, pa.month_day_nano_interval()),
        "b": pa.array(cols[3], pa.binary()),
        "ia": pa.array(cols[4], pa.list_(pa.int32())),
        "ta": pa.array(cols[5], pa.list_(pa.utf8())),
        "j": pa.array(cols[6], pa.json_()),
        "u": pa.array(uuids, pa.uuid()),
        "r": pa.array(rec, pa.struct([("ra", pa.int32()), ("rb", pa.utf8())])),
    })


@pytest.fixture(scope="module")
def pg_with_rich(pg):
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        c.execute("drop table if exists rich")
        c.execute(RICH_PG_DDL)
        with c.cursor() as cur:
            cur.executemany("insert into rich values (%s, %s, %s::text::interval, %s, %s, %s, "
                            "%s, %s, %s, %s, %s)",
                            [r[:2] + (None if r[2] is None else _interval_text(r[2]),) + r[3:]
                             for r in RICH_ROWS])
    return pg


def _interval_text(v) -> str:
    months, days, nanos = v
    return f"{months} months {days} days {nanos // 1000} microseconds"


@pytest.mark.parametrize("options", ["", "(format csv)", "(format binary)"])
def test_copy_rich_types_match_postgresql(pg_with_rich, serve, options):
    table = rich_arrow_table()
    st = serve(lambda sql, callback, **kw: callback(table.to_reader(max_chunksize=3)))
    utc = " options='-c TimeZone=UTC'"
    sql = f"copy ({RICH_PG_QUERY}) to stdout {options}"
    expected = copy_bytes(pg_with_rich.dsn() + utc, sql)
    got = copy_bytes(st.dsn() + utc, sql)
    assert got == expected

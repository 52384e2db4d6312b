"""Every Arrow type of SPEC §4.1 comes back through psql as the exact text PostgreSQL 15 prints.

Each case is a one-column Arrow array served by a riffq handler (``select * from t``) and a list
of PostgreSQL expressions of the matching PostgreSQL type, one per row, that a real PostgreSQL 15
cluster evaluates. Both are fetched with ``psql -X -A -t`` under the same session settings and
compared row by row. The RowDescription type OIDs are checked with psycopg 3 against §4.1, and
the binary format of the basic types with psycopg 3 binary cursors and asyncpg.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import os
import subprocess
from typing import List, Sequence

import asyncpg
import numpy as np
import psycopg
import pyarrow as pa
import pytest

from support.arrow_cases import (
    BYTES,
    CASES,
    Case,
    D,
    F32_VALUES,
    FLOATS,
    NULL_MARK,
    RS,
    STRINGS,
)
from support.arrow_results import table_handler
from support.pg_cluster import free_port
from support.servers import ServerThread


def params(cases, marks_for=lambda c: c.xfail):
    out = []
    for c in cases:
        reason = marks_for(c)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------

QUERY = "select * from t"


@pytest.fixture(scope="module")
def riffq_server():
    tables: dict = {}
    st = ServerThread(table_handler(tables), port=free_port()).start()
    st.tables = tables
    yield st
    st.stop()


def psql_rows(dsn: str, settings: Sequence[str], sql: str) -> List[str]:
    args = ["psql", "-X", "-A", "-t", "-q", "-F", "|", "-R", RS, "-P", f"null={NULL_MARK}",
            "-v", "ON_ERROR_STOP=1", "-d", dsn]
    for s in settings:
        args += ["-c", s]
    args += ["-c", sql]
    env = {k: v for k, v in os.environ.items() if k not in ("PGTZ", "PGDATESTYLE", "PGOPTIONS")}
    env["PGCONNECT_TIMEOUT"] = "5"
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, f"psql failed on {sql!r}: {out.stderr}"
    text = out.stdout
    if text.endswith("\n"):
        text = text[:-1]
    return text.split(RS) if text else []


def pg_query(exprs: Sequence[str]) -> str:
    rows = ", ".join(f"({i}, {e})" for i, e in enumerate(exprs))
    return f"select x from (values {rows}) v(i, x) order by i"


def riffq_dsn(server) -> str:
    return f"host=127.0.0.1 port={server.port} user=u dbname=db"


def serve_case(server, source) -> None:
    server.tables[QUERY] = source


# ---------------------------------------------------------------------------------------------
# Text format through psql
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params(CASES))
def test_psql_text_matches_postgresql(case: Case, pg, riffq_server):
    expected = psql_rows(pg.dsn(), case.settings, pg_query(case.pg))
    assert len(expected) == len(case.pg)
    serve_case(riffq_server, case.source())
    got = psql_rows(riffq_dsn(riffq_server), case.settings, QUERY)
    assert got == expected


@pytest.mark.parametrize("case", params([c for c in CASES if c.sliceable]))
def test_psql_text_of_sliced_array(case: Case, pg, riffq_server):
    """The same values from an array with a non-zero offset (a slice of a larger array)."""
    expected = psql_rows(pg.dsn(), case.settings, pg_query(case.pg))[1:]
    table = pa.table({"x": case.arrow.slice(1)})
    serve_case(riffq_server, lambda: table)
    got = psql_rows(riffq_dsn(riffq_server), case.settings, QUERY)
    assert got == expected


def test_multi_batch_stream_matches_single_batch(pg, riffq_server):
    """A stream of one-row batches of every type gives the same text as one batch."""
    for case in CASES:
        if not isinstance(case.arrow, pa.Array) or case.xfail:
            continue
        table = pa.table({"x": case.arrow})
        serve_case(riffq_server, lambda: pa.RecordBatchReader.from_batches(
            table.schema, table.to_batches(max_chunksize=1)))
        got = psql_rows(riffq_dsn(riffq_server), case.settings, QUERY)
        expected = psql_rows(pg.dsn(), case.settings, pg_query(case.pg))
        assert got == expected, case.id


# ---------------------------------------------------------------------------------------------
# RowDescription: type OIDs (SPEC §4.1) and typlen, via psycopg 3
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params(CASES, marks_for=lambda c: None))
def test_row_description_oid(case: Case, pg, riffq_server):
    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        ref = conn.execute(pg_query(case.pg)).description[0]
    assert ref.type_code == case.oid, "test bug: the PostgreSQL literal has the wrong type"
    serve_case(riffq_server, case.source())
    with psycopg.connect(riffq_dsn(riffq_server), autocommit=True) as conn:
        got = conn.execute(QUERY).description[0]
    assert got.name == "x"
    assert got.type_code == case.oid
    assert got.internal_size == ref.internal_size


@pytest.mark.parametrize("t", [pa.decimal128(38, 10), pa.decimal128(10, 0), pa.decimal256(60, 20),
                               pa.decimal128(5, 2)], ids=str)
def test_row_description_numeric_typmod(t, pg, riffq_server):
    table = pa.table({"x": pa.array([D(1), None], t)})
    serve_case(riffq_server, lambda: table)
    with psycopg.connect(riffq_dsn(riffq_server), autocommit=True) as conn:
        got = conn.execute(QUERY).description[0]
    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        ref = conn.execute(f"select 1::numeric({t.precision},{t.scale}) as x").description[0]
    assert (ref.precision, ref.scale) == (t.precision, t.scale)
    assert (got.type_code, got.precision, got.scale) == (1700, t.precision, t.scale)


# ---------------------------------------------------------------------------------------------
# Binary format of the basic types: psycopg 3 binary cursors and asyncpg
# ---------------------------------------------------------------------------------------------

BINARY_CASES = [
    ("bool", pa.array([True, False, None])),
    ("int8", pa.array([-128, 127, None], pa.int8())),
    ("int16", pa.array([-32768, 32767, None], pa.int16())),
    ("int32", pa.array([-2**31, 2**31 - 1, None], pa.int32())),
    ("int64", pa.array([-2**63, 2**63 - 1, None], pa.int64())),
    ("uint8", pa.array([0, 255, None], pa.uint8())),
    ("uint16", pa.array([0, 65535, None], pa.uint16())),
    ("uint32", pa.array([0, 2**32 - 1, None], pa.uint32())),
    ("float32", pa.array(F32_VALUES, pa.float32())),
    ("float64", pa.array(FLOATS, pa.float64())),
    ("float16", pa.array(np.array([0.1, -2.5, 65504.0, np.inf], np.float16))),
    ("utf8", pa.array(STRINGS, pa.utf8())),
    ("large_utf8", pa.array(STRINGS, pa.large_utf8())),
    ("string_view", pa.array(STRINGS, pa.string_view())),
    ("binary", pa.array(BYTES, pa.binary())),
    ("large_binary", pa.array(BYTES, pa.large_binary())),
    ("binary_view", pa.array(BYTES, pa.binary_view())),
    ("fixed_size_binary", pa.array([b"abc", None, b"\x00\x00\x00"], pa.binary(3))),
    ("date32", pa.array([0, 19782, -719162, 2932896, None], pa.date32())),
    ("date64", pa.array([0, 19782 * 86400000, -719162 * 86400000, None], pa.date64())),
    ("timestamp(s)", pa.array([0, 1704164645, -62135596800, 253402300799, None],
                              pa.timestamp("s"))),
    ("timestamp(ms)", pa.array([1704164645120, -1, None], pa.timestamp("ms"))),
    ("timestamp(us)", pa.array([1704164645123456, -1, 0, None], pa.timestamp("us"))),
    ("timestamp(ns)", pa.array([1704164645123456000, -1000, None], pa.timestamp("ns"))),
    ("timestamptz(us,UTC)", pa.array([1704164645123456, -3786825600000000, None],
                                     pa.timestamp("us", "UTC"))),
    ("timestamptz(ms,America/New_York)", pa.array([1719835200000, 0, None],
                                                  pa.timestamp("ms", "America/New_York"))),
    ("timestamptz(ns,Asia/Kolkata)", pa.array([1719835200123456000, None],
                                              pa.timestamp("ns", "Asia/Kolkata"))),
]


def py_values(arr: pa.Array) -> list:
    out = []
    for v in arr.to_pylist():
        if hasattr(v, "to_pydatetime"):  # pandas.Timestamp for timestamp[ns]
            v = v.to_pydatetime()
        out.append(v)
    if pa.types.is_float16(arr.type):
        out = [None if v is None else float(np.float16(v)) for v in out]
    return out


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        assert (a.tzinfo is None) == (b.tzinfo is None), (a, b)
    if isinstance(a, memoryview):
        a = bytes(a)
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("name,arr", BINARY_CASES, ids=[c[0] for c in BINARY_CASES])
def test_binary_psycopg3(name, arr, riffq_server):
    table = pa.table({"x": arr})
    serve_case(riffq_server, lambda: table)
    expected = py_values(arr)
    with psycopg.connect(riffq_dsn(riffq_server), autocommit=True) as conn:
        conn.execute("set timezone = 'Asia/Kolkata'")
        cur = conn.cursor(binary=True)
        cur.execute(QUERY)
        assert cur.pgresult.fformat(0) == 1, "result column not in binary format"
        got = [r[0] for r in cur.fetchall()]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert same(g, e), (g, e)


@pytest.mark.parametrize("name,arr", BINARY_CASES, ids=[c[0] for c in BINARY_CASES])
def test_binary_asyncpg(name, arr, riffq_server):
    table = pa.table({"x": arr})
    serve_case(riffq_server, lambda: table)
    expected = py_values(arr)

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=riffq_server.port, user="u",
                                     database="db", timeout=10)
        try:
            return [r[0] for r in await conn.fetch(QUERY)]
        finally:
            await conn.close()

    got = asyncio.run(run())
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert same(g, e), (g, e)

"""The seeds' simplest API: ``@riffq.query_handler`` on a plain function that *returns* its
answer, and ``riffq.serve(port=…)``. The first seed README's DuckDB example runs unchanged
(its text is kept here verbatim and checked against the seed when the seed is at hand)."""
from __future__ import annotations

import datetime as dt
import glob
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from typing import Any, List

import pandas as pd
import polars as pl
import psycopg
import pyarrow as pa
import pytest

import riffq
from riffq.answers import rows_to_arrow, statement_tag
from support.pg_cluster import free_port
from support.serve_process import psql
from support.servers import wait_port

# The first seed README, verbatim: its "Example" and "Getting Started" code blocks.
SEED_EXAMPLE = '''\
# Python side
def handle_query(sql: str) -> Tuple[List[Dict[str, Any]], List[Tuple[str, str]]]:
    df = duckdb.query(sql).to_df()
    columns = [(name, str(dtype)) for name, dtype in zip(df.columns, df.dtypes)]
    rows = df.to_dict(orient="records")
    return rows, columns
'''
SEED_GETTING_STARTED = '''\
import riffq

@riffq.query_handler
def handle_sql(sql: str):
    # Your query handling logic here
    ...
    
riffq.serve(port=5432)
'''


def _seed_file() -> str | None:
    here = os.path.dirname(os.path.abspath(__file__))
    for root in (os.path.join(here, "..", "..", "..", "shared"), "/work/shared"):
        found = sorted(glob.glob(os.path.join(root, "seeds", "000_*.txt")))
        if found:
            return found[0]
    return None


def test_seed_text_is_verbatim() -> None:
    path = _seed_file()
    # ../shared sits beside the project here and in CI: a missing seed is a set-up failure.
    assert path is not None, "the seeds (../shared/seeds/000_*.txt) are not beside this checkout"
    text = open(path, encoding="utf-8").read()
    assert SEED_EXAMPLE in text
    assert SEED_GETTING_STARTED in text


def seed_program(port: int) -> str:
    """The two seed blocks as one program: the imports the example needs, the example, and
    Getting Started with its placeholder body calling the example and the port changed."""
    started = SEED_GETTING_STARTED.replace("    # Your query handling logic here\n    ...\n",
                                           "    return handle_query(sql)\n")
    started = started.replace("port=5432", f"port={port}")
    assert started != SEED_GETTING_STARTED
    return "import duckdb\nfrom typing import Any, Dict, List, Tuple\n\n" + SEED_EXAMPLE + "\n" + started


@pytest.fixture(scope="module")
def seed_server(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp("seed") / "seed_duckdb.py"
    path.write_text(seed_program(port))
    proc = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        wait_port(port, proc=proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(15)


def test_seed_duckdb_example_answers_psql(seed_server) -> None:
    out = psql(seed_server, "select 40 + 2 as answer, 'x' || 'y' as s, 2.5::double as f, true as b",
               extra=("-A", "-t"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "42|xy|2.5|t"


def test_seed_duckdb_example_dates_and_nulls(seed_server) -> None:
    out = psql(seed_server, "select date '2024-02-29' as d, timestamp '2024-01-02 03:04:05' as ts, "
                            "null::int as n, 'a' as s union all select null, null, 7, null",
               extra=("-A", "-t"))
    assert out.returncode == 0, out.stderr
    # DuckDB's to_df() turns DATE into datetime64, and the example sends the dtype it got.
    assert out.stdout.splitlines() == ["2024-02-29 00:00:00|2024-01-02 03:04:05||a", "||7|"]


def test_seed_duckdb_example_psycopg(seed_server) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={seed_server} user=u dbname=d", autocommit=True) as c:
        rows = c.execute("select range as i, range * 1.5 as f from range(3)").fetchall()
        assert rows == [(0, 0.0), (1, 1.5), (2, 3.0)]
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("select * from no_such_table")
        assert c.execute("select 1 as one").fetchone() == (1,)


# -- every return form, in-process ------------------------------------------------------------
@pytest.fixture
def serve_fn():
    servers: List[Any] = []

    def start(fn, **kw):
        srv = riffq.serve(port=0, handler=fn, background=True, **kw)
        servers.append(srv)
        return srv

    yield start
    for s in servers:
        s.stop()


def _q(port: int, sql: str, params=None):
    with psycopg.connect(f"host=127.0.0.1 port={port} user=u dbname=d", autocommit=True) as c:
        cur = c.execute(sql, params)
        return [d.name for d in cur.description] if cur.description else None, \
            cur.fetchall() if cur.description else cur.statusmessage


def test_rows_and_pandas_dtypes(serve_fn) -> None:
    ts = dt.datetime(2024, 5, 1, 12, 30)
    columns = [("i", "int64"), ("f", "float64"), ("o", "object"), ("b", "bool"), ("t", "datetime64[ns]"),
               ("tz", "datetime64[ns, UTC]"), ("n", "Int64"), ("d", "object"), ("s", "string")]
    rows = [{"i": 1, "f": 1.5, "o": "x", "b": True, "t": pd.Timestamp(ts), "tz": pd.Timestamp(ts, tz="UTC"),
             "n": pd.NA, "d": dt.date(2024, 1, 2), "s": "y"},
            {"i": 2, "f": float("nan"), "o": None, "b": False, "t": pd.NaT, "tz": None, "n": 5, "d": None,
             "s": None}]
    srv = serve_fn(lambda sql: (rows, columns))
    with psycopg.connect(f"host=127.0.0.1 port={srv.port} user=u dbname=d", autocommit=True) as c:
        c.execute("SET TimeZone = 'UTC'")
        cur = c.execute("select anything")
        assert [d.type_code for d in cur.description] == [20, 701, 25, 16, 1114, 1184, 20, 1082, 25]
        got = cur.fetchall()
    assert got[0][:6] == (1, 1.5, "x", True, ts, ts.replace(tzinfo=dt.timezone.utc))
    assert got[0][6:] == (None, dt.date(2024, 1, 2), "y")
    assert got[1] == (2, None, None, False, None, None, 5, None, None)


def test_rows_as_sequences_and_empty() -> None:
    t = rows_to_arrow([], [("a", "int64"), ("b", "object")])
    assert t.schema.types == [pa.int64(), pa.utf8()] and t.num_rows == 0
    t = rows_to_arrow([(1, "x")], [("a", "int32"), ("b", "object")])
    assert t.to_pylist() == [{"a": 1, "b": "x"}]


@pytest.mark.parametrize("kind", ["pandas", "polars", "lazy", "arrow", "reader"])
def test_frames_and_arrow_producers(serve_fn, kind) -> None:
    data = {"k": [1, 2], "v": ["a", None]}
    make = {"pandas": lambda: pd.DataFrame(data), "polars": lambda: pl.DataFrame(data),
            "lazy": lambda: pl.LazyFrame(data), "arrow": lambda: pa.table(data),
            "reader": lambda: pa.table(data).to_reader()}[kind]
    srv = serve_fn(lambda sql: make())
    assert _q(srv.port, "select k, v") == (["k", "v"], [(1, "a"), (2, None)])


def test_command_tag_and_none(serve_fn) -> None:
    srv = serve_fn(lambda sql: "INSERT 0 3" if sql.startswith("insert") else None)
    assert _q(srv.port, "insert into x values (1)") == (None, "INSERT 0 3")
    assert _q(srv.port, "create table y (i int)") == (None, "CREATE TABLE")


def test_exceptions_become_errors(serve_fn) -> None:
    def fn(sql):
        if "custom" in sql:
            raise riffq.SQLError("no such thing", "42P01")
        raise ValueError("boom")

    srv = serve_fn(fn)
    with pytest.raises(psycopg.errors.UndefinedTable, match="no such thing"):
        _q(srv.port, "select custom")
    with pytest.raises(psycopg.errors.InternalError_, match="ValueError: boom"):
        _q(srv.port, "select 1")


def test_unusable_return_value_is_an_error(serve_fn) -> None:
    srv = serve_fn(lambda sql: 42)
    with pytest.raises(psycopg.errors.InternalError_, match="not a result"):
        _q(srv.port, "select 1")


def test_extended_protocol_runs_the_function_once(serve_fn) -> None:
    import asyncio

    import asyncpg

    calls: List[str] = []

    def fn(sql):
        calls.append(sql)
        return pa.table({"x": [len(calls)]})

    srv = serve_fn(fn)

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=srv.port, user="u", database="d")
        try:
            # Parse + Describe (the function runs, its answer is kept), then Bind + Execute
            # (the kept answer is sent): one call, not two.
            stmt = await conn.prepare("select 1 as x")
            assert [a.name for a in stmt.get_attributes()] == ["x"]
            assert len(calls) == 1
            assert await stmt.fetch() == [(1,)]
            assert len(calls) == 1
            assert await stmt.fetch() == [(2,)]  # a second execution runs it again
        finally:
            await conn.close()

    asyncio.run(run())
    assert calls == ["select 1 as x"] * 2


def test_parameters_reach_a_two_argument_function(serve_fn) -> None:
    srv = serve_fn(lambda sql, params: pa.table({"p": [str(params)]}))
    assert _q(srv.port, "select %s::int", [7])[1] == [("[7]",)]


def test_parameters_refused_by_a_one_argument_function(serve_fn) -> None:
    srv = serve_fn(lambda sql: pa.table({"p": [1]}))
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="takes no parameters"):
        _q(srv.port, "select %s::int", [7])


def test_statement_tags() -> None:
    assert statement_tag("create or replace view v as select 1") == "CREATE VIEW"
    assert statement_tag("  drop table if exists t") == "DROP TABLE"
    assert statement_tag("begin") == "BEGIN"


def test_query_handler_returns_the_function() -> None:
    def f(sql):
        return None

    assert riffq.query_handler(f) is f

"""A `$n` in a statement sent with the simple protocol has no value: PostgreSQL refuses it in
parse analysis with 42P02 "there is no parameter $n" (positioned in the Query string), and riffq
answers the same before its handler sees the statement. `$n` inside literals, comments, dollar
quotes and PREPARE bodies is not a parameter reference and still reaches the handler."""

from __future__ import annotations

from typing import List, Optional, Tuple

import psycopg
import pyarrow as pa
import pytest

from support import wire
from support.wire import WireClient

# Each case is one simple Query; per statement PostgreSQL's error fields.
CASES = [
    "select $1",
    "select 1 as a, $2::int4 as b, $1 as c",
    "select 'x' as a; select 2 as b, $1 as c",
    "/* é ü */ select 'äö' as a, $3",
    "  select\n  $1 + 1",
    "insert into p42 values ($1)",
    "update p42 set a = $1",
    "with x as (select $1 as v) select * from x",
    "select '$1' as a, $$ $1 $$ as b -- $2",
    "prepare p as select $1::int4",
]
Answer = Tuple[Optional[str], Optional[str], Optional[str]]  # sqlstate, message, position


def run(port: int, user: str, database: str, sql: str) -> List[Answer]:
    """Sends sql as one simple Query; per statement its SQLSTATE, message and position (None for
    a statement that completed)."""
    with WireClient(port) as c:
        assert c.startup(user, database)[-1][0] == b"Z"
        c.send(wire.query(sql))
        out: List[Answer] = []
        for kind, body in c.messages_until_ready():
            if kind == b"E":
                e = wire.error_fields(body)
                out.append((e.get("C"), e.get("M"), e.get("P")))
            elif kind == b"C":
                out.append((None, None, None))
        return out


@pytest.fixture(scope="module")
def pg_port(pg) -> int:
    with psycopg.connect(f"host=127.0.0.1 port={pg.port} user={pg.user} dbname=postgres",
                         autocommit=True) as c:
        c.execute("drop table if exists p42")
        c.execute("create table p42 (a int4)")
    return pg.port


@pytest.mark.parametrize("sql", CASES)
def test_unbound_parameter_matches_postgresql(sql: str, pg, pg_port: int, serve) -> None:
    seen: List[str] = []

    def on_query(q, callback, **kw):
        seen.append(q)
        word = q.split()[0].lower()
        if word in ("insert", "update", "prepare"):
            callback({"insert": "INSERT 0 1", "update": "UPDATE 1"}.get(word, "PREPARE"),
                     is_tag=True)
        else:
            callback(pa.table({"a": ["x"]}).to_reader())

    st = serve(on_query)
    expected = run(pg_port, pg.user, "postgres", sql)
    got = run(st.port, "user", "db", sql)
    assert got == expected
    # Only statements PostgreSQL accepts reach the handler.
    assert len(seen) == sum(1 for code, _, _ in expected if code is None)

"""The same protocol messages sent to PostgreSQL 15 and to riffq get the same answers: message
types in order, SQLSTATEs, command tags and transaction status. Covers the empty query in the
extended protocol and savepoints (SAVEPOINT / RELEASE / ROLLBACK TO, SPEC §5), where drivers
(psycopg 3, SQLAlchemy) depend on PostgreSQL's exact behaviour."""

from __future__ import annotations

from typing import List, Tuple

import pyarrow as pa
import pytest

from support import wire
from support.clients import asyncpg_call
from support.wire import WireClient

TAGS = {"begin": "BEGIN", "start": "BEGIN", "commit": "COMMIT", "end": "COMMIT",
        "rollback": "ROLLBACK", "abort": "ROLLBACK", "savepoint": "SAVEPOINT", "release": "RELEASE"}


def engine_handler(calls: list):
    """Answers transaction statements with PostgreSQL's tags (as a real engine would), `fail`
    with an error, anything else with one row."""

    def on_query(sql, callback, **kw):
        calls.append(sql)
        word = sql.strip().split()[0].lower() if sql.strip() else ""
        if word in TAGS:
            callback(TAGS[word], is_tag=True)
        elif "fail" in sql:
            callback(("ERROR", "22012", "division by zero"), is_error=True)
        else:
            callback(pa.table({"x": pa.array([1], pa.int32())}).to_reader())

    return on_query


def q(*sqls: str) -> bytes:
    return b"".join(wire.query(s) for s in sqls)


def ext(sql: str, name: str = "") -> bytes:
    return wire.parse(name, sql) + wire.bind("", name) + wire.execute() + wire.SYNC


SEQUENCES = {
    "empty query, unnamed, Describe(portal)":
        wire.parse("", "") + wire.bind() + wire.describe(b"P") + wire.execute() + wire.SYNC,
    "blank named statement, Describe(statement)":
        wire.parse("e", "  ") + wire.describe(b"S", "e") + wire.bind("", "e") + wire.execute()
        + wire.SYNC,
    "comment-only and ';' statements":
        ext("-- nothing") + ext(";") + ext("/* c */ ;"),
    "empty extended query inside a failed block":
        q("begin", "select 1/0 as fail") + ext("") + q("rollback"),
    "extended statements inside a failed block: only the way out binds":
        q("begin", "select 1/0 as fail") + ext("select 1") + ext("savepoint x") + ext("commit")
        + q("begin", "savepoint y", "select 1/0 as fail") + ext("rollback to y") + ext("select 1")
        + ext("rollback"),
    "savepoint outside a block is 25P01":
        q("savepoint a", "release a", "rollback to a"),
    "release / rollback to of an unknown savepoint is 3B001":
        q("begin", "release b") + q("rollback") + q("begin", "rollback to savepoint b", "rollback"),
    "rollback to leaves the failed state, release ends the savepoint":
        q("begin", "savepoint s1", "select 1/0 as fail", "select 1", "rollback to s1", "select 1",
          "release s1", "rollback to savepoint s1", "rollback"),
    "nested and repeated names":
        q("begin", "savepoint a", "savepoint b", "savepoint a", "release a", "rollback to b",
          "release a", "release a", "commit"),
    "release of an outer savepoint drops the inner ones":
        q("begin", "savepoint outer_sp", "savepoint inner_sp", "release outer_sp",
          "rollback to inner_sp", "rollback"),
    "quoted names are case-sensitive":
        q("begin", 'savepoint "Mixed"', "release mixed", "rollback") +
        q("begin", 'savepoint "Mixed"', 'release "Mixed"', "commit"),
    "savepoint in a failed block is 25P02":
        q("begin", "select 1/0 as fail", "savepoint c", "rollback"),
    "savepoints through the extended protocol (psycopg 3 in a transaction)":
        ext("begin") + ext("savepoint _pg3_1") + ext("select 1") + ext("release _pg3_1")
        + ext("release _pg3_1") + ext("rollback"),
    "commit ends the block and its savepoints":
        q("begin", "savepoint a", "commit", "begin", "release a", "rollback"),
}


def exchange(port: int, user: str, data: bytes) -> List[Tuple[str, str]]:
    """Sends data after startup and returns (type, detail) for each answer up to the last
    ReadyForQuery: SQLSTATE for errors, the tag for CommandComplete, status for ReadyForQuery."""
    readies = sum(1 for kind, _ in _frames(data) if kind in (b"Q", b"S"))
    out = []
    with WireClient(port) as c:
        c.startup(user=user, database="postgres")
        c.send(data)
        while readies:
            m = c.read_message()
            assert m is not None, f"connection closed after {out}"
            kind, body = m
            if kind == b"E":
                out.append(("E", wire.error_fields(body)["C"]))
            elif kind == b"C":
                out.append(("C", body.rstrip(b"\0").decode()))
            elif kind == b"Z":
                out.append(("Z", body.decode()))
                readies -= 1
            else:
                out.append((kind.decode(), ""))
    return out


def _frames(data: bytes):
    import struct

    i = 0
    while i < len(data):
        (n,) = struct.unpack("!I", data[i + 1:i + 5])
        yield data[i:i + 1], data[i + 5:i + 1 + n]
        i += 1 + n


@pytest.fixture(scope="module")
def riffq_engine():
    from support.pg_cluster import free_port
    from support.servers import ServerThread

    calls: list = []
    st = ServerThread(engine_handler(calls), port=free_port()).start()
    st.calls = calls
    yield st
    st.stop()


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_same_answers_as_postgresql(pg, riffq_engine, name):
    data = SEQUENCES[name]
    expected = exchange(pg.port, pg.user, data)
    riffq_engine.calls.clear()
    got = exchange(riffq_engine.port, "u", data)
    assert got == expected


def test_refused_savepoint_statements_never_reach_the_handler(riffq_engine):
    riffq_engine.calls.clear()
    exchange(riffq_engine.port, "u", SEQUENCES["release / rollback to of an unknown savepoint is 3B001"])
    assert riffq_engine.calls == ["begin", "rollback", "begin", "rollback"]
    riffq_engine.calls.clear()
    exchange(riffq_engine.port, "u", SEQUENCES["empty query, unnamed, Describe(portal)"])
    assert riffq_engine.calls == []


# ---------------------------------------------------------------------------------------------
# What a client was told is what it gets (SPEC §3): a handler whose execution yields another
# type than its describe (as DuckDB types `$1::text || 'x'` with a NULL argument as INTEGER).
# ---------------------------------------------------------------------------------------------


def two_faced(describe_as: pa.Table, execute_as: pa.Table):
    def on_query(sql, callback, *, do_describe, **kw):
        callback((describe_as if do_describe else execute_as).to_reader())

    return on_query


def asyncpg_fetch(port: int, sql: str, *args):
    # asyncpg sends Parse, Describe(statement), Bind, Execute: the rows must match the Describe.
    return asyncpg_call(port, "fetch", sql, *args)


def test_described_text_column_gets_text_rows(serve):
    st = serve(two_faced(pa.table({"a": pa.array(["x"])}),
                         pa.table({"a": pa.array([5, None], pa.int32())})))
    rows = asyncpg_fetch(st.port, "select $1::text as a", "5")  # binary results: text bytes
    assert [tuple(r) for r in rows] == [("5",), (None,)]


def test_described_type_that_cannot_be_kept_is_0a000(serve):
    import asyncpg

    st = serve(two_faced(pa.table({"a": pa.array([1], pa.int32())}),
                         pa.table({"a": pa.array(["xx"])})))
    with pytest.raises(asyncpg.FeatureNotSupportedError,
                       match="cached plan must not change result type") as ei:
        asyncpg_fetch(st.port, "select $1 || 'x' as a", "x")
    assert ei.value.sqlstate == "0A000"

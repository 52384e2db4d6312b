"""A handler types a statement's parameters in its describe answer
(``callback(reader, parameter_types=[...])``): the ParameterDescription says so, the values
arrive decoded as that type, and types the client gave in Parse stay."""
from __future__ import annotations

import asyncio

import asyncpg
import psycopg
import pyarrow as pa
import pytest

import riffq
from support.pg_cluster import free_port

SEEN: list = []


class Typed(riffq.BaseConnection):
    def handle_auth(self, user, password, host, database=None, callback=None):
        callback(True)

    def handle_query(self, sql, callback=None, **kwargs):
        schema = pa.schema([("x", pa.int64())])
        if kwargs.get("do_describe"):
            if "$2" in sql:
                types = ["int8", "text[]"]
            elif "$1" in sql:
                types = ["int8"]
            else:
                types = None
            callback(schema.empty_table().to_reader(), parameter_types=types)
            return
        args = kwargs.get("query_args") or []
        SEEN.append(args)
        callback(pa.table({"x": pa.array([args[0] + 1 if args else 0], pa.int64())}).to_reader())


@pytest.fixture(scope="module")
def port():
    srv = riffq.RiffqServer(f"127.0.0.1:{free_port()}", connection_cls=Typed)
    srv.start_in_background()
    yield srv.port
    srv.stop()


def test_asyncpg_encodes_the_declared_types(port):
    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user="u", password="x",
                                     database="db")
        try:
            stmt = await conn.prepare("select $1 as x, $2 as y")
            assert [t.name for t in stmt.get_parameters()] == ["int8", "text[]"]
            # With text (the default) asyncpg refuses an int: the declared type made it int8.
            return await conn.fetchval("select $1 + 1 as x", 41)
        finally:
            await conn.close()

    SEEN.clear()
    assert asyncio.run(run()) == 42
    assert SEEN[-1] == [41] and type(SEEN[-1][0]) is int


@pytest.fixture(scope="module")
def forked_port():
    # psycopg's low-level calls below keep the GIL while they wait for the answer: the server
    # must not be in this process.
    srv = riffq.RiffqServer(f"127.0.0.1:{free_port()}", connection_cls=Typed)
    srv.start_in_background(workers=2)
    yield srv.port
    srv.stop(timeout=20)


def test_types_given_in_parse_stay(forked_port):
    port = forked_port
    with psycopg.connect(f"host=127.0.0.1 port={port} user=u password=x dbname=db") as conn:
        pg = conn.pgconn
        res = pg.prepare(b"s1", b"select $1 + 1 as x", [25])  # the client says text
        assert res.status == psycopg.pq.ExecStatus.COMMAND_OK
        desc = pg.describe_prepared(b"s1")
        assert desc.nparams == 1 and desc.param_type(0) == 25
        res = pg.prepare(b"s2", b"select $1 + 1 as x", [0])  # no opinion: the handler's type
        assert pg.describe_prepared(b"s2").param_type(0) == 20


class Bad(Typed):
    def handle_query(self, sql, callback=None, **kwargs):
        if kwargs.get("do_describe"):
            try:
                callback(pa.schema([("x", pa.int64())]).empty_table().to_reader(),
                         parameter_types=["no_such_type"])
            except ValueError as exc:  # the handler hears of it and answers
                callback(("ERROR", "42704", f"handler saw: {exc}"), is_error=True)
            return
        super().handle_query(sql, callback, **kwargs)


def test_an_unknown_type_name_is_a_value_error_for_the_handler():
    srv = riffq.RiffqServer(f"127.0.0.1:{free_port()}", connection_cls=Bad)
    srv.start_in_background(workers=2)
    try:
        with psycopg.connect(f"host=127.0.0.1 port={srv.port} user=u password=x dbname=db") as c:
            c.pgconn.prepare(b"s", b"select $1 as x", [0])
            d = c.pgconn.describe_prepared(b"s")
            assert d.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"42704"
            assert b"handler saw: unknown parameter type: no_such_type" in d.error_message
    finally:
        srv.stop(timeout=20)

"""DuckDB's UUID and JSON columns reach clients as PostgreSQL's uuid and json, byte for byte
what PostgreSQL 15 sends for the same values: in text and binary format, in RowDescription
after a Describe (what a client was told is what it gets) and in the rows, nested in arrays
too; HUGEINT (exported by DuckDB as an opaque type once uuid / json are exported losslessly)
stays numeric(38,0)."""
from __future__ import annotations

import asyncio
from typing import Any, Iterator, List, Tuple

import duckdb
import psycopg
import pytest

from riffq.backends.duckdb import DuckDBBackend
from riffq.runner import BackendServer
from support import wire
from support.pg_cluster import PgCluster
from support.wire import WireClient

# Literals PostgreSQL and DuckDB both read the same way.
ROWS = [
    "('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2, null], \"b\":\"x\"}', "
    "ARRAY['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, NULL, '00000000-0000-0000-0000-000000000001'::uuid], "
    "-12345678901234567890123456789012345678, true, 1)",
    "(NULL, NULL, NULL, NULL, NULL, 2)",
    "('ffffffff-ffff-ffff-ffff-ffffffffffff', '[]', ARRAY[]::uuid[], -5, false, 3)",
]
DDL = "CREATE TABLE ids (u uuid, j json, us uuid[], h {wide}, b boolean, k integer)"
QUERIES = [
    "SELECT u, j, us, h, b FROM ids ORDER BY k",
    "SELECT j, u FROM ids WHERE k = 1",
    "SELECT count(*) AS n FROM ids WHERE u IS NOT NULL",
]

# (column name, type oid) of each column, and the raw values of each row.
Answer = Tuple[List[Tuple[bytes, int]], List[List[Any]]]


@pytest.fixture(scope="module")
def pg_ids(pg: PgCluster) -> PgCluster:
    pg.psql("CREATE DATABASE ids")
    pg.psql(DDL.format(wide="numeric(38,0)"), "ids")
    pg.psql("INSERT INTO ids VALUES " + ", ".join(ROWS), "ids")
    return pg


@pytest.fixture(scope="module")
def riffq_ids() -> Iterator[BackendServer]:
    con = duckdb.connect()
    con.execute(DDL.format(wide="hugeint"))
    con.execute("INSERT INTO ids VALUES " + ", ".join(ROWS))
    with BackendServer(DuckDBBackend(con), port=0, databases=["ids"]) as s:
        yield s


def _answer(res: Any) -> Answer:
    cols = [(res.fname(i), res.ftype(i)) for i in range(res.nfields)]
    rows = [[res.get_value(r, c) for c in range(res.nfields)] for r in range(res.ntuples)]
    return cols, rows


def _described(port: int, sql: str) -> List[Tuple[bytes, int, int, int]]:
    """(name, type oid, type length, typmod) of each column in the RowDescription answering
    Parse + Describe(statement) + Sync, as asyncpg and JDBC send them."""
    with WireClient(port) as w:
        w.startup(user="postgres", database="ids")
        w.send(wire.parse("s", sql) + wire.describe(b"S", "s") + wire.SYNC)
        msgs = w.messages_until_ready()
    assert not wire.errors(msgs), wire.errors(msgs)
    (body,) = list(wire.iter_kinds(msgs, b"T"))
    return wire.row_description(body)


def _exchange(port: int, sql: str, fmt: int) -> Tuple[Answer, List[Tuple[bytes, int, int, int]]]:
    """The rows of ``sql`` in format ``fmt`` (0 text, 1 binary) through libpq's
    Parse / Bind / Describe(portal) / Execute, and the columns a Describe(statement) announced."""
    with psycopg.connect(f"host=127.0.0.1 port={port} dbname=ids user=postgres", autocommit=True) as c:
        res = c.pgconn.exec_params(sql.encode(), [], result_format=fmt)
        assert res.error_message == b"", res.error_message
        rows = _answer(res)
    return rows, _described(port, sql)


@pytest.mark.parametrize("fmt", [0, 1], ids=["text", "binary"])
@pytest.mark.parametrize("sql", QUERIES)
def test_uuid_json_bytes_as_postgres(pg_ids, riffq_ids, sql, fmt) -> None:
    theirs = _exchange(pg_ids.port, sql, fmt)
    ours = _exchange(riffq_ids.port, sql, fmt)
    assert ours == theirs


def test_uuid_json_types_and_values_in_asyncpg(pg_ids, riffq_ids) -> None:
    import asyncpg

    async def fetch(port: int) -> Tuple[List[str], List[Any]]:
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="ids")
        try:
            stmt = await conn.prepare(QUERIES[0])  # Parse + Describe(statement), rows binary
            return [a.type.name for a in stmt.get_attributes()], [tuple(r) for r in await stmt.fetch()]
        finally:
            await conn.close()

    theirs = asyncio.run(fetch(pg_ids.port))
    ours = asyncio.run(fetch(riffq_ids.port))
    assert theirs[0] == ["uuid", "json", "uuid[]", "numeric", "bool"]
    assert ours == theirs

"""Parameter types inferred from registered tables, as PostgreSQL infers them from its own:
the same statements prepared on a real PostgreSQL 15 holding the same tables and on riffq
(the handler never runs: Parse + Describe only) must describe the same parameter types."""
from __future__ import annotations

import asyncio
from typing import Any, List

import asyncpg
import pytest

from support.pg_cluster import PgCluster, free_port
from support.servers import ServerThread

DDL = [
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2), note text, placed date, "
    "flags boolean[])",
    "CREATE SCHEMA sales",
    "CREATE TABLE sales.items (sku varchar(20), qty smallint, price double precision)",
]

STATEMENTS = [
    "SELECT * FROM orders WHERE id = $1",
    "SELECT note FROM orders WHERE total > $1 AND placed < $2",
    "SELECT o.id FROM orders o JOIN sales.items i ON i.qty = o.id WHERE i.sku = $1 LIMIT $2",
    "INSERT INTO orders VALUES ($1, $2, $3, $4, $5)",
    "INSERT INTO orders (note, id) VALUES ($1, $2), ($3, $4)",
    "INSERT INTO sales.items (price, qty) SELECT $1, $2",
    "UPDATE orders SET note = $1, total = $2 WHERE id = 7",
    "SELECT $1::int4, $2 FROM orders WHERE note = $2",
    "SELECT count(*) FROM orders WHERE id IN ($1, $2)",
]


def _tag(sql: str, callback: Any, **kwargs: Any) -> None:
    callback("SELECT 0", is_tag=True)


def _describe(port: int, user: str) -> List[List[str]]:
    async def run() -> List[List[str]]:
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user=user, database="postgres")
        try:
            out = []
            for sql in STATEMENTS:
                stmt = await conn.prepare(sql)
                out.append([t.name for t in stmt.get_parameters()])
            return out
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def described():
    pg = PgCluster().start()
    try:
        import psycopg

        with psycopg.connect(pg.dsn(), autocommit=True) as conn:
            for ddl in DDL:
                conn.execute(ddl)
        expected = _describe(pg.port, "postgres")
    finally:
        pg.stop()
    srv = ServerThread(_tag, free_port(), catalog_emulation=True)
    s = srv.server
    s.register_table("postgres", "public", "orders", [
        {"id": {"type": "bigint", "nullable": False}}, {"total": {"type": "numeric(12,2)", "nullable": True}},
        {"note": {"type": "text", "nullable": True}}, {"placed": {"type": "date", "nullable": True}},
        {"flags": {"type": "boolean[]", "nullable": True}}], primary_key=["id"])
    s.register_table("postgres", "sales", "items", [
        {"sku": {"type": "varchar(20)", "nullable": True}}, {"qty": {"type": "smallint", "nullable": True}},
        {"price": {"type": "double precision", "nullable": True}}])
    srv.start()
    try:
        got = _describe(srv.port, "postgres")
    finally:
        srv.stop()
    return expected, got


@pytest.mark.parametrize("index", range(len(STATEMENTS)), ids=[s[:40] for s in STATEMENTS])
def test_parameter_types_match_postgres(described, index: int) -> None:
    expected, got = described
    assert got[index] == expected[index], STATEMENTS[index]

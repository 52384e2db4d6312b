"""riffq.catalog.register_duckdb / register_arrow_schema: a whole DuckDB database (or an Arrow
schema) registered in one call, seen through the emulated catalog."""
from __future__ import annotations

from typing import Any

import duckdb
import psycopg
import pyarrow as pa
import pytest

from riffq.catalog import arrow_type_to_pg, duckdb_type_to_pg, register_arrow_schema, register_duckdb
from support.pg_cluster import free_port
from support.servers import ServerThread


def _tag(sql: str, callback: Any, **kwargs: Any) -> None:
    callback("SELECT 0", is_tag=True)


@pytest.fixture(scope="module")
def served():
    con = duckdb.connect()
    con.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, score DECIMAL(12,2), "
                "tags VARCHAR[], seen TIMESTAMPTZ)")
    con.execute("COMMENT ON TABLE users IS 'people'")
    con.execute("CREATE TABLE orders(id BIGINT PRIMARY KEY, user_id INTEGER REFERENCES users(id), "
                "total DOUBLE DEFAULT 0, UNIQUE(user_id, id))")
    con.execute("CREATE VIEW big AS SELECT id FROM orders WHERE total > 100")
    srv = ServerThread(_tag, free_port(), catalog_emulation=True)
    names = register_duckdb(srv.server, con, database="shop")
    register_arrow_schema(srv.server, "shop", "main", "events",
                          pa.schema([pa.field("at", pa.timestamp("us", tz="UTC"), nullable=False),
                                     pa.field("kind", pa.dictionary(pa.int32(), pa.string())),
                                     pa.field("amount", pa.decimal128(10, 3))]),
                          primary_key=["at"])
    srv.start()
    yield srv, names
    srv.stop()


def _q(srv: ServerThread, sql: str) -> list:
    with psycopg.connect(srv.dsn(dbname="shop"), autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def test_every_table_and_view_is_registered(served) -> None:
    srv, names = served
    assert names == ["main.users", "main.orders", "main.big"]
    rows = _q(srv, "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                   "ON n.oid = c.relnamespace WHERE n.nspname = 'main' AND c.relkind IN ('r','v') ORDER BY 1")
    assert rows == [("big", "v"), ("events", "r"), ("orders", "r"), ("users", "r")]


def test_columns_have_postgres_types_and_nullability(served) -> None:
    srv, _ = served
    rows = _q(srv, "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull "
                   "FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'main.users'::regclass AND a.attnum > 0 "
                   "ORDER BY a.attnum")
    assert rows == [("id", "integer", True), ("name", "text", True), ("score", "numeric(12,2)", False),
                    ("tags", "text[]", False), ("seen", "timestamp with time zone", False)]
    events = _q(srv, "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
                     "WHERE a.attrelid = 'main.events'::regclass AND a.attnum > 0 ORDER BY a.attnum")
    assert events == [("at", "timestamp with time zone"), ("kind", "text"), ("amount", "numeric(10,3)")]


def test_keys_defaults_and_comments(served) -> None:
    srv, _ = served
    cons = _q(srv, "SELECT conname, contype, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint "
                   "WHERE conrelid = 'main.orders'::regclass ORDER BY conname")
    assert cons == [("orders_pkey", "p", "PRIMARY KEY (id)"),
                    ("orders_user_id_fkey", "f", "FOREIGN KEY (user_id) REFERENCES main.users(id)"),
                    ("orders_user_id_id_key", "u", "UNIQUE (user_id, id)")]
    assert _q(srv, "SELECT pg_catalog.obj_description('main.users'::regclass, 'pg_class')") == [("people",)]
    default = _q(srv, "SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
                      "WHERE d.adrelid = 'main.orders'::regclass")
    assert len(default) == 1 and default[0][0].startswith("0")


@pytest.mark.parametrize("duck,pg", [("DECIMAL(12,2)", "numeric(12,2)"), ("VARCHAR[]", "text[]"),
                                     ("HUGEINT", "numeric(38,0)"), ("STRUCT(a INTEGER)", "record"),
                                     ("MAP(VARCHAR, INTEGER)", "jsonb"), ("INTEGER[3]", "integer[]"),
                                     ("INTEGER[][]", "integer[]"), ("STRUCT(a INTEGER[])[]", "record[]"),
                                     ("ENUM('a', 'b')", "text"), ("UUID", "uuid"), ("JSON", "json"),
                                     ("INTERVAL", "interval"), ("VARCHAR(10)", "character varying(10)"),
                                     ("TIMESTAMP WITH TIME ZONE", "timestamptz"), ("UBIGINT", "numeric(20,0)")])
def test_duckdb_type_names(duck: str, pg: str) -> None:
    assert duckdb_type_to_pg(duck) == pg


def test_arrow_type_names() -> None:
    assert arrow_type_to_pg(pa.list_(pa.int32())) == "integer[]"
    assert arrow_type_to_pg(pa.timestamp("ms")) == "timestamp"
    assert arrow_type_to_pg(pa.large_string()) == "text"


def test_duckdb_defaults_print_as_postgres_prints_them() -> None:
    """The same DEFAULTs in DuckDB (through duckdb_default_to_pg) and in a real PostgreSQL 15:
    information_schema.columns.column_default (pg_get_expr) must agree."""
    from riffq.catalog import duckdb_default_to_pg
    from support.pg_cluster import PgCluster

    cols = ("a boolean default true, b int default 0, c text default 'x''y', "
            "d timestamp default current_timestamp, e double default 1.5, f date default '2020-01-01', "
            "g bigint default nextval('s'), h int default -1, i numeric(5,2) default 1.25, "
            "j boolean default false, l double default -2.5, m bigint default -3000000000")
    con = duckdb.connect()
    con.execute("CREATE SEQUENCE s")
    con.execute(f"CREATE TABLE t({cols})")
    ours = {name: duckdb_default_to_pg(default, duckdb_type_to_pg(dtype)) for name, default, dtype in con.execute(
        "SELECT column_name, column_default, data_type FROM information_schema.columns WHERE table_name = 't'"
    ).fetchall()}
    pg = PgCluster().start()
    try:
        with psycopg.connect(pg.dsn(), autocommit=True) as conn:
            conn.execute("CREATE SEQUENCE s")
            conn.execute(f"CREATE TABLE t({cols.replace('double', 'double precision')})")
            theirs = dict(conn.execute("SELECT column_name, column_default FROM information_schema.columns "
                                       "WHERE table_name = 't'").fetchall())
    finally:
        pg.stop()
    assert ours == theirs


def test_duckdb_checks_print_as_postgres_prints_them() -> None:
    """DuckDB's own CHECK constraints, registered by register_duckdb, and the same CREATE TABLE
    in a real PostgreSQL 15: pg_constraint's name, conkey and pg_get_constraintdef (plain and
    pretty) must agree."""
    from support.pg_cluster import PgCluster

    ddl = ("CREATE TABLE t (id integer PRIMARY KEY, share numeric(5,2) CHECK (share > 0), "
           "low numeric(5,2), since date, n integer, "
           "CHECK (share <= 100 AND low >= -1), CHECK (since > DATE '2000-01-01'), "
           "CHECK (n > 0 OR n IS NULL), CHECK (low < 1.5))")
    sql = ("SELECT conname, conkey, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) "
           "FROM pg_constraint WHERE contype = 'c' AND conrelid <> 0 ORDER BY conname")
    con = duckdb.connect()
    con.execute(ddl)
    srv = ServerThread(_tag, free_port(), catalog_emulation=True)
    register_duckdb(srv.server, con, database="shop", schema_map={"main": "public"})
    srv.start()
    try:
        with psycopg.connect(srv.dsn(dbname="shop"), autocommit=True) as conn:
            ours = conn.execute(sql).fetchall()
    finally:
        srv.stop()
    pg = PgCluster().start()
    try:
        with psycopg.connect(pg.dsn(), autocommit=True) as conn:
            conn.execute(ddl)
            theirs = conn.execute(sql).fetchall()
    finally:
        pg.stop()
    assert len(theirs) == 5
    assert ours == theirs

"""register_database / register_schema / register_table: each call is checked as CREATE TABLE
checks it (ValueError with PostgreSQL's message; nothing registered then), and registering
many tables stays linear (each call checks only its own table)."""
from __future__ import annotations

from typing import Any

import psycopg
import pytest

import riffq
from support.pg_cluster import free_port
from support.servers import ServerThread


def _tag(sql: str, callback: Any, **kwargs: Any) -> None:
    callback("SELECT 0", is_tag=True)


def _cols(*names: str) -> list:
    return [{n: {"type": "int", "nullable": True}} for n in names]


@pytest.mark.parametrize("kwargs,message", [
    (dict(columns=[{"a": {"type": "no_such_type", "nullable": True}}]), 'type "no_such_type" does not exist'),
    (dict(columns=_cols("a", "a")), 'column "a" specified more than once'),
    (dict(columns=_cols("a"), primary_key=["b"]), 'column "b" named in key does not exist'),
    (dict(columns=_cols("a"), unique=[["b"]]), 'column "b" named in key does not exist'),
    (dict(columns=_cols("a"), foreign_keys=[{"columns": ["a"], "references": "missing"}]),
     'relation "public.missing" referenced by a foreign key does not exist'),
    (dict(columns=_cols("a"), foreign_keys=[{"columns": ["a"], "references": "base", "ref_columns": ["zz"]}]),
     'column "zz" referenced in foreign key constraint does not exist'),
    (dict(columns=_cols("a"), checks=[{"name": "c", "expr": "(a > 0)"}, {"name": "c", "expr": "(a < 9)"}]),
     'constraint "c" for relation "bad" already exists'),
    (dict(columns=_cols("a"), checks=[{"name": "c"}]), "a check is missing 'expr'"),
])
def test_a_table_create_table_would_refuse_is_a_value_error(kwargs: dict, message: str) -> None:
    s = riffq.Server("127.0.0.1:1")
    s.register_table("db", "public", "base", _cols("id"), primary_key=["id"])
    columns = kwargs.pop("columns")
    with pytest.raises(ValueError) as err:
        s.register_table("db", "public", "bad", columns, **kwargs)
    assert message in str(err.value)


def test_refused_and_replaced_tables_as_clients_see_them() -> None:
    srv = ServerThread(_tag, free_port(), catalog_emulation=True)
    s = srv.server
    s.register_table("db", "public", "t", _cols("a"))
    with pytest.raises(ValueError):
        s.register_table("db", "public", "broken", _cols("a"), primary_key=["nope"])
    with pytest.raises(ValueError):  # a bad new definition keeps the old one
        s.register_table("db", "public", "t", _cols("a"), primary_key=["nope"])
    srv.start()
    try:
        with psycopg.connect(srv.dsn(dbname="db"), autocommit=True) as conn:
            q = ("SELECT c.relname, c.relnatts FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname = 'public' ORDER BY 1")
            assert conn.execute(q).fetchall() == [("t", 1)]
            # Registered while serving: the next statement sees the new definition.
            s.register_table("db", "public", "t", _cols("a", "b"), primary_key=["a"])
            assert conn.execute(q).fetchall() == [("t", 2), ("t_pkey", 1)]
    finally:
        srv.stop()


def test_thousands_of_tables_register_and_list() -> None:
    srv = ServerThread(_tag, free_port(), catalog_emulation=True)
    n = 5000
    for i in range(n):
        srv.server.register_table("db", "s", f"t{i}", _cols("id", "v"), primary_key=["id"])
    srv.start()
    try:
        with psycopg.connect(srv.dsn(dbname="db"), autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 's'").fetchone()
            assert row == (n,)
            assert conn.execute("SELECT 's.t4999'::regclass::oid > 16384").fetchone() == (True,)
    finally:
        srv.stop()


def test_server_state_functions_are_answered_by_the_catalog() -> None:
    """DataGrip's current-transaction probe mixes a session function with txid_current(): the
    core cannot answer it alone, the catalog engine does (the handler here only says SELECT 0)."""
    srv = ServerThread(_tag, free_port(), catalog_emulation=True)
    srv.start()
    try:
        with psycopg.connect(srv.dsn(dbname="postgres"), autocommit=True) as conn:
            q = ("select case when pg_catalog.pg_is_in_recovery() then null else "
                 "(pg_catalog.txid_current() % 4294967296)::varchar::bigint end as current_txid")
            for prepare in (False, True):
                cur = conn.execute(q, prepare=prepare)
                assert cur.description[0].name == "current_txid"
                (txid,) = cur.fetchone()
                assert isinstance(txid, int) and txid > 0
    finally:
        srv.stop()

"""Catalog-engine functions compared with a real PostgreSQL 15 holding the same table:
format() over any argument type (information_schema's sql_identifier columns, numbers,
regclass, NULLs, positions, widths and its errors), and pg_get_constraintdef(oid, true) — the
pretty form — of CHECK constraints (AND / OR / NOT nesting, comparisons, arithmetic, IN lists,
BETWEEN, casts, function calls, CASE, pattern matches)."""

from __future__ import annotations

from typing import Iterator

import psycopg
import pytest

from support.pg_cluster import PgCluster, free_port
from support.servers import ServerThread

DATABASE = "fndemo"
COLUMNS = [("a", "integer"), ("b", "integer"), ("c", "text"), ("d", "date"),
           ("e", "numeric(10,2)"), ("f", "varchar(20)")]
# The CHECK constraints as one would write them; PostgreSQL stores and prints them its way.
CHECKS = {
    "and_cmp": "a > 0 AND b < 10",
    "or_and": "a > 0 OR b < 10 AND c IS NOT NULL",
    "and_of_or": "(a > 0 OR b < 10) AND c IS NOT NULL",
    "or_of_or": "a > 0 OR (b < 10 OR b > 20)",
    "and_of_and": "a > 0 AND (b < 10 AND b > 0)",
    "not_and": "NOT (a > 0 AND b < 10)",
    "not_cmp": "NOT a > 0 OR b IS NULL",
    "in_list": "c IN ('x', 'y', 'z')",
    "not_in": "a NOT IN (1, 2, 3)",
    "between": "a BETWEEN 1 AND 5",
    "funcs": "length(c) < 20 AND upper(c) <> 'X'",
    "arith": "a + b * 2 > 3",
    "arith_paren": "(a + b) * 2 > 3",
    "arith_sub": "a - (b - 1) > 0",
    "date_cast": "d >= '2000-01-01'::date",
    "numeric": "e > 0 AND e <= 100",
    "col_cast": "a::numeric < e",
    "expr_cast": "(a + b)::numeric < e",
    "regex": "c ~ '^[a-z]+$' OR c LIKE 'a%'",
    "any_array": "a IS NULL OR a <> ALL (ARRAY[1, 2])",
    "coalesce": "COALESCE(a, 0) >= 0",
    "case": "CASE WHEN a > 0 THEN b > 0 ELSE true END",
    "distinct": "c IS DISTINCT FROM 'q'",
    "bool_test": "(a > b) IS NOT FALSE",
    "varchar": "f <> '' AND char_length(f) > 1",
    "nested": "(a > 0 AND (b > 0 OR c = 'z')) OR NOT (d IS NULL)",
}


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCluster]:
    cluster = PgCluster()
    try:
        cluster.start()
        with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {DATABASE}")
        cols = ", ".join(f"{n} {t}" for n, t in COLUMNS)
        checks = ", ".join(f"CONSTRAINT ck_{n} CHECK ({e})" for n, e in CHECKS.items())
        with psycopg.connect(cluster.dsn(DATABASE), autocommit=True) as c:
            c.execute(f"CREATE TABLE public.checked ({cols}, {checks})")
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


def _constraints(dsn: str) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as c:
        return c.execute("SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true)"
                         " FROM pg_constraint WHERE conrelid = 'public.checked'::regclass "
                         "ORDER BY conname").fetchall()


def _refuse(sql, callback, **kw):
    callback(("ERROR", "0A000", "only catalog statements are answered here"), is_error=True)


@pytest.fixture(scope="module")
def riffq(pg) -> Iterator[ServerThread]:
    """The same table registered, its checks as PostgreSQL prints them without pretty."""
    st = ServerThread(_refuse, port=free_port(), catalog_emulation=True)
    st.server.register_database(DATABASE)
    st.server.register_schema(DATABASE, "public")
    checks = [{"name": name, "expr": plain[len("CHECK ("):-1]}
              for name, plain, _ in _constraints(pg.dsn(DATABASE))]
    st.server.register_table(DATABASE, "public", "checked",
                             [{n: {"type": t, "nullable": True}} for n, t in COLUMNS],
                             checks=checks)
    st.start()
    yield st
    st.stop()


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_pretty_check_constraint_matches_postgres(pg, riffq, name):
    expected = {r[0]: r for r in _constraints(pg.dsn(DATABASE))}["ck_" + name]
    got = {r[0]: r for r in _constraints(riffq.dsn(user="postgres", dbname=DATABASE))}["ck_" + name]
    assert got == expected


# A catalog relation in each statement: only those are the catalog engine's to answer.
_ONE_ROW = " FROM pg_catalog.pg_namespace WHERE nspname = 'public'"
FORMATS = [
    "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
    "WHERE table_schema IN ('public', 'pg_catalog') ORDER BY 1 LIMIT 5",
    "SELECT format('%I.%I.%s', c.table_schema, c.table_name, c.column_name), c.ordinal_position "
    "FROM information_schema.columns c WHERE c.table_name = 'checked' ORDER BY 2",
    *[sql + _ONE_ROW for sql in [
        "SELECT format('%s|%L|%I|%I', 'a b', 'it''s', 'Mixed', 'plain')",
        "SELECT format('%2$s %1$s %s', 'a', 'b')",
        "SELECT format('[%10s][%-10s][%*s][%-*s][%*s]', 'x', 'y', 4, 'z', 3, 'w', -3, 'v')",
        "SELECT format('%s|%L|%3s|', NULL, NULL, NULL)",
        "SELECT format('%s, %s, %s, %L', 1, 2.5::numeric, true, 3)",
        "SELECT format('%s %I', 'pg_class'::regclass, 'pg_class'::regclass)",
        "SELECT format('%L', E'back\\\\slash')",
        "SELECT format(NULL, 1), format('100%%'), format('no args')",
        "SELECT format('%5s|%-5s|', 'äöü', 'é')",
        "SELECT format('%I', NULL)",
        "SELECT format('%s %s', 1)",
        "SELECT format('%x', 1)",
        "SELECT format('%0$s', 1)",
        "SELECT format('abc %', 1)",
    ]],
]


def _run(dsn: str, sql: str):
    with psycopg.connect(dsn, autocommit=True) as c:
        try:
            cur = c.execute(sql)
            return [d.name for d in cur.description], [d.type_code for d in cur.description], \
                cur.fetchall()
        except psycopg.Error as e:
            return e.sqlstate, e.diag.message_primary, e.diag.message_hint


@pytest.mark.parametrize("sql", FORMATS)
def test_format_matches_postgres(pg, riffq, sql):
    expected = _run(pg.dsn(DATABASE), sql)
    assert _run(riffq.dsn(user="postgres", dbname=DATABASE), sql) == expected

"""The RowDescription of a handler's result names the table and attribute a column came from,
as PostgreSQL fills it (markTargetListOrigins) for a plain column reference to a registered table
or view, and sends a registered varchar(n) column as varchar(n): compared field by field with a
real PostgreSQL 15 holding the same objects, through libpq (psycopg 3's PGresult: ftable,
ftablecol, ftype, fmod), in the simple and the extended protocol, text and binary, and for a
statement described before it is executed. Expressions, aggregates, set operations, CTEs that
shadow a table and unknown tables keep table OID 0 on both sides."""

from __future__ import annotations

import select

import psycopg
import pytest

from support import catalog_objects as co
from support.catalog_servers import pg_demo, riffq_emul, riffq_plain  # noqa: F401

QUERIES = [
    "select * from customers where false",
    "select * from public.customers order by id",
    "select c.email, c.name as who, c.score from public.customers c",
    "select id + 1 as a, name, upper(name) as u, id::bigint as b from customers",
    "select region_id, name, target from sales.regions",
    "select o.order_id, c.name, o.amount from orders o join customers c on c.id = o.customer_id",
    "select id, o.note from customers c left join orders o on o.customer_id = c.id",
    "select * from (select id, email from customers) s",
    "select s.x from (select id as x, name from customers) as s",
    "with x as (select id, email from customers) select email, id from x",
    "with customers as (select 1 as id) select id from customers",
    "select id, name from active_customers",
    "select count(*) as n, max(id) as m from customers",
    "select id from customers union all select id from customers",
    "select 1 as one, 'x' as two",
    "select name from customers group by name",
    "select distinct email from customers",
]

# Field by field: name, table (by name), attnum, type OID, typmod.
_TABLE = ("select n.nspname || '.' || c.relname from pg_class c "
          "join pg_namespace n on n.oid = c.relnamespace where c.oid = %s")


def _fields(conn: psycopg.Connection, res) -> list[tuple]:
    out = []
    for i in range(res.nfields):
        oid = res.ftable(i)
        table = conn.execute(_TABLE, [oid]).fetchone()[0] if oid else None
        out.append((res.fname(i).decode(), table, res.ftablecol(i), res.ftype(i), res.fmod(i)))
    return out


def _result(pgconn):
    """The result of the request just sent, waiting without holding the GIL (the riffq servers
    of these tests answer from Python threads of this process)."""
    while True:
        pgconn.consume_input()
        if not pgconn.is_busy():
            break
        select.select([pgconn.socket], [], [], 5)
    res = pgconn.get_result()
    while pgconn.get_result() is not None:
        pass
    return res


def _describe(conninfo: str, sql: str, how: str) -> list[tuple]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if how == "simple":
            res = conn.pgconn.exec_(sql.encode())
        elif how == "prepared":
            # Describe of the statement first, then its execution: both must say the same.
            pgconn = conn.pgconn
            pgconn.send_prepare(b"s", sql.encode())
            assert _result(pgconn).status == 1  # COMMAND_OK
            pgconn.send_describe_prepared(b"s")
            described = _fields(conn, _result(pgconn))
            pgconn.send_query_prepared(b"s", [], result_format=1)
            res = _result(pgconn)
            assert _fields(conn, res) == described
        else:
            cur = conn.cursor(binary=how == "binary")
            cur.execute(sql)
            res = cur.pgresult
        assert res.status == 2, res.error_message  # TUPLES_OK
        return _fields(conn, res)


@pytest.mark.parametrize("how", ["simple", "extended", "binary", "prepared"])
@pytest.mark.parametrize("sql", QUERIES)
def test_row_description_origins_match_postgres(pg_demo, riffq_emul, sql, how):
    expected = _describe(pg_demo.dsn(co.DATABASE), sql, how)
    assert _describe(riffq_emul.dsn(user="postgres", dbname=co.DATABASE), sql, how) == expected


def test_some_origins_are_filled_and_some_stay_zero(pg_demo):
    """The queries above test both: PostgreSQL names a table for some columns, none for others."""
    tables = [f[1] for sql in QUERIES for f in _describe(pg_demo.dsn(co.DATABASE), sql, "simple")]
    assert "public.customers" in tables and "public.active_customers" in tables and None in tables


def test_no_origins_without_catalog_emulation(riffq_plain):
    """Without emulation a client could not look the OIDs up: the handler's columns stay 0."""
    fields = _describe(riffq_plain.dsn(user="postgres", dbname=co.DATABASE),
                       "select id, email from customers", "extended")
    assert [(f[1], f[2], f[3]) for f in fields] == [(None, 0, 23), (None, 0, 25)]

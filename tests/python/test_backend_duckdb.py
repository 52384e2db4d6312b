"""riffq.backends.duckdb.DuckDBBackend through real clients: a cursor per connection and
DuckDB's own transactions, savepoints answered honestly, Describe from DuckDB's bound types
(not an execution), DuckDB errors as SQLSTATEs, cancel, streaming, and DuckDB 1.x / 2.x
result APIs."""
from __future__ import annotations

from typing import Iterator

import duckdb
import psycopg
import pyarrow as pa
import pytest

from riffq.backends.duckdb import DuckDBBackend, arrow_reader
from riffq.runner import BackendServer


@pytest.fixture
def shop() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, price DECIMAL(8,2))")
    con.execute("INSERT INTO items VALUES (1, 'pen', 1.50), (2, 'ink', 7.25)")
    con.execute("CREATE SEQUENCE seq")
    return con


@pytest.fixture
def srv(shop) -> Iterator[BackendServer]:
    with BackendServer(DuckDBBackend(shop), port=0, databases=["shop"]) as s:
        yield s


def dsn(s: BackendServer, **kw) -> str:
    return f"host=127.0.0.1 port={s.port} dbname=shop user=postgres"


def test_queries_and_catalog(srv) -> None:
    with psycopg.connect(dsn(srv), autocommit=True) as c:
        assert c.execute("SELECT name FROM items WHERE id = %s", [2]).fetchall() == [("ink",)]
        assert c.execute("SELECT attname FROM pg_attribute WHERE attrelid = 'public.items'::regclass "
                         "AND attnum > 0 ORDER BY attnum").fetchall() == [("id",), ("name",), ("price",)]


def test_transactions_are_duckdbs_own(srv) -> None:
    with psycopg.connect(dsn(srv)) as a, psycopg.connect(dsn(srv), autocommit=True) as b:
        a.execute("INSERT INTO items VALUES (3, 'cap', NULL)")
        assert a.execute("SELECT count(*) FROM items").fetchone() == (3,)
        assert b.execute("SELECT count(*) FROM items").fetchone() == (2,)  # not committed
        a.rollback()
        assert a.execute("SELECT count(*) FROM items").fetchone() == (2,)
        a.execute("INSERT INTO items VALUES (4, 'nib', NULL)")
        a.commit()
        assert b.execute("SELECT count(*) FROM items").fetchone() == (3,)


def test_savepoint_without_writes_rolls_back(srv) -> None:
    with psycopg.connect(dsn(srv)) as c:
        with c.transaction():
            with c.transaction():  # SAVEPOINT ... RELEASE
                c.execute("SELECT 1")
            try:
                with c.transaction():
                    c.execute("SELECT 1")
                    raise RuntimeError("undo")  # ROLLBACK TO SAVEPOINT: nothing was written
            except RuntimeError:
                pass
            assert c.execute("SELECT count(*) FROM items").fetchone() == (2,)


def test_rollback_to_savepoint_after_a_write_is_refused(srv) -> None:
    with psycopg.connect(dsn(srv)) as c:
        c.execute("SAVEPOINT s1")
        c.execute("INSERT INTO items VALUES (5, 'tip', NULL)")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="savepoints are not supported"):
            c.execute("ROLLBACK TO SAVEPOINT s1")
        c.rollback()
        assert c.execute("SELECT count(*) FROM items").fetchone() == (2,)


def test_unknown_savepoint(srv) -> None:
    with psycopg.connect(dsn(srv)) as c:
        c.execute("SELECT 1")
        with pytest.raises(psycopg.errors.InvalidSavepointSpecification):
            c.execute("RELEASE SAVEPOINT nope")


def test_sqlalchemy_connects_and_uses_nested_transactions(srv) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{srv.port}/shop")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM items WHERE id = :i"), {"i": 1}).scalar() == "pen"
            with conn.begin_nested():
                assert conn.execute(text("SELECT count(*) FROM items")).scalar() == 2
            conn.commit()
    finally:
        engine.dispose()


@pytest.mark.parametrize("sql,error", [
    ("SELECT * FROM nope", psycopg.errors.UndefinedTable),
    ("SELECT nope FROM items", psycopg.errors.UndefinedColumn),
    ("SELEC 1", psycopg.errors.SyntaxError),
    ("SELECT 'x'::INTEGER", psycopg.errors.InvalidTextRepresentation),
    ("SELECT 2147483647::INTEGER + 1", psycopg.errors.NumericValueOutOfRange),
    ("INSERT INTO items VALUES (1, 'dup', NULL)", psycopg.errors.UniqueViolation),
    ("INSERT INTO items VALUES (9, NULL, NULL)", psycopg.errors.NotNullViolation),
    ("SELECT no_such_function(1)", psycopg.errors.UndefinedFunction),
    ("SELECT * FROM nope.items", psycopg.errors.InvalidSchemaName),
])
def test_errors_have_postgres_sqlstates(srv, sql, error) -> None:
    with psycopg.connect(dsn(srv), autocommit=True) as c:
        with pytest.raises(error):
            c.execute(sql)
        assert c.execute("SELECT 1").fetchone() == (1,)


def test_describe_does_not_execute(srv) -> None:
    import asyncio

    import asyncpg

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=srv.port, user="postgres", database="shop")
        try:
            # Parse + Describe: DuckDB binds the statement (types) without running nextval().
            stmt = await conn.prepare("SELECT nextval('seq') AS n, $1::INTEGER + 1 AS m")
            assert [(a.name, a.type.name) for a in stmt.get_attributes()] == [("n", "int8"), ("m", "int4")]
            assert await stmt.fetch(41) == [(1, 42)]
            assert await stmt.fetch(1) == [(2, 2)]
        finally:
            await conn.close()

    asyncio.run(run())


def test_cancel_interrupts_duckdb(srv) -> None:
    with psycopg.connect(dsn(srv), autocommit=True) as c:
        c.execute("SET statement_timeout = 300")
        with pytest.raises(psycopg.errors.QueryCanceled):
            c.execute("SELECT count(*) FROM range(100000000000) a")
        c.execute("SET statement_timeout = 0")
        assert c.execute("SELECT 1").fetchone() == (1,)


def test_large_result_streams_in_batches(srv) -> None:
    with psycopg.connect(dsn(srv), autocommit=True) as c:
        total = n = 0
        for (i,) in c.cursor().stream("SELECT range AS i FROM range(300000)"):
            total += i
            n += 1
    assert n == 300000 and total == sum(range(300000))


def test_read_only_backend(shop) -> None:
    with BackendServer(DuckDBBackend(shop, read_only=True), port=0, databases=["shop"]) as s:
        with psycopg.connect(dsn(s), autocommit=True) as c:
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                c.execute("DELETE FROM items")
            assert c.execute("SELECT count(*) FROM items").fetchone() == (2,)


class _Cursor2:
    """A DuckDB 2.x-shaped cursor: no fetch_record_batch."""

    def to_arrow_reader(self, rows):
        return pa.table({"a": [1]}).to_reader()


class _Cursor1:
    """An older DuckDB 1.x cursor: only fetch_record_batch."""

    def fetch_record_batch(self, rows):
        return pa.table({"a": [2]}).to_reader()


def test_result_api_of_duckdb_1_and_2() -> None:
    assert arrow_reader(_Cursor2()).read_all().to_pydict() == {"a": [1]}
    assert arrow_reader(_Cursor1()).read_all().to_pydict() == {"a": [2]}


def test_copy_from_stdin_inserts_into_duckdb(srv, shop) -> None:
    with psycopg.connect(dsn(srv), autocommit=True) as c:
        cur = c.cursor()
        with cur.copy("COPY items (id, name, price) FROM STDIN") as cp:
            cp.write_row((10, "cap", "3.10"))
            cp.write_row((11, "nib", None))
        assert cur.statusmessage == "COPY 2"
        with cur.copy("COPY public.items FROM STDIN (FORMAT binary)") as cp:
            cp.set_types(["int4", "text", "numeric"])
            cp.write_row((12, "pad", 2))
        assert cur.statusmessage == "COPY 1"
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            with cur.copy("COPY items (id, name) FROM STDIN") as cp:
                cp.write(b"x\ty\n")
        with pytest.raises(psycopg.errors.NotNullViolation):  # DuckDB's constraint, mapped
            with cur.copy("COPY items (id) FROM STDIN") as cp:
                cp.write(b"13\n")
    got = shop.execute("SELECT id, name, CAST(price AS VARCHAR) FROM items WHERE id >= 10 "
                       "ORDER BY id").fetchall()
    assert got == [(10, "cap", "3.10"), (11, "nib", None), (12, "pad", "2.00")]


def test_copy_from_stdin_in_a_transaction_rolls_back(srv, shop) -> None:
    with psycopg.connect(dsn(srv)) as c:
        with c.cursor().copy("COPY items (id, name) FROM STDIN") as cp:
            cp.write_row((20, "tmp"))
        c.rollback()
    assert shop.execute("SELECT count(*) FROM items WHERE id = 20").fetchone() == (0,)


def test_copy_from_stdin_refused_when_read_only(shop) -> None:
    with BackendServer(DuckDBBackend(shop, read_only=True), port=0, databases=["shop"]) as s:
        with psycopg.connect(dsn(s), autocommit=True) as c:
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                with c.cursor().copy("COPY items (id, name) FROM STDIN") as cp:
                    cp.write_row((30, "no"))

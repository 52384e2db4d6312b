"""COPY … FROM STDIN: what real clients upload (psql \\copy, psycopg 3 text and binary, asyncpg,
pgjdbc, the project's own write_pq) reaches the copy-in hook as Arrow rows equal to what
PostgreSQL 15 stores for the same upload (differential), and bad uploads fail with PostgreSQL's
SQLSTATE, message, detail and CONTEXT line."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import psycopg.pq
import pyarrow as pa
import pytest
from psycopg.types.json import Jsonb

import riffq

UTC = dt.timezone.utc
COLUMNS = [("id", "int4"), ("big", "int8"), ("s", "text"), ("v", "varchar(5)"),
           ("n", "numeric(10,2)"), ("f", "float8"), ("b", "bool"), ("d", "date"),
           ("ts", "timestamp"), ("tz", "timestamptz"), ("u", "uuid"), ("by", "bytea"),
           ("iv", "interval"), ("j", "jsonb"), ("arr", "int4[]")]
DDL = "create table t (" + ", ".join(f"{n} {t}" for n, t in COLUMNS) + ")"
ROWS = [
    (1, 2**40, "plain", "abc", Decimal("12.35"), 1.5, True, dt.date(2024, 1, 2),
     dt.datetime(2024, 1, 2, 3, 4, 5, 678000), dt.datetime(2024, 7, 1, 12, 0, tzinfo=UTC),
     uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), b"\x00\xff\\", dt.timedelta(days=1, hours=2),
     Jsonb({"a": [1, "x"]}), [1, None, 3]),
    (2, None, "tab\there\nnl \\ back,\"q\"", None, Decimal("-0.01"), float("-inf"), False,
     dt.date(1, 1, 1), dt.datetime(1999, 12, 31, 23, 59, 59, 999999),
     dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5))), None, b"", None,
     Jsonb([]), []),
    (3, -5, "", "", None, None, None, None, None, None, None, None,
     dt.timedelta(microseconds=-1), None, None),
    (4, 0, "h\u00e9llo \\N", "\\N", Decimal("99999999.99"), 1e-300, True, dt.date(9999, 12, 31),
     dt.datetime(2024, 2, 29), dt.datetime(2024, 1, 1, 12, tzinfo=UTC),
     uuid.UUID(int=0), b"\x01", dt.timedelta(seconds=90), Jsonb({"k": None}), [5, 6]),
]
TYPES = [t.split("(")[0] for _, t in COLUMNS]  # psycopg's binary dumpers take no typmods


# NOT NULL columns (a registered table's "nullable": False), enforced as PostgreSQL does.
NN_COLUMNS = [("id", "int4", False), ("s", "text", False), ("note", "text", True)]
NN_DDL = "create table nn (" + ", ".join(
    f"{n} {t}{'' if null else ' not null'}" for n, t, null in NN_COLUMNS) + ")"


def register_t(server: riffq.Server) -> None:
    server.register_table("db", "public", "t",
                          [{n: {"type": t, "nullable": True}} for n, t in COLUMNS])
    server.register_table("db", "public", "nn",
                          [{n: {"type": t, "nullable": null}} for n, t, null in NN_COLUMNS])


class Hook:
    """A copy-in hook keeping what each upload delivered (or the reader's failure)."""

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []
        self.calls: list[dict[str, Any]] = []

    def __call__(self, sql, reader, callback, **kw):
        self.calls.append(dict(kw, sql=sql))
        self.tables.append(reader.read_all())  # raises on bad data: the core reports it
        callback(None)


def answer_select(sql, callback, **kw):
    callback(pa.table({"x": [1]}).to_reader())


@pytest.fixture
def hooked(serve):
    hook = Hook()
    st = serve(answer_select, on_copy_in=hook, configure=register_t)
    st.hook = hook
    return st


@pytest.fixture(scope="module")
def pg_t(pg):
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        c.execute("drop table if exists t")
        c.execute(DDL)
        c.execute("drop table if exists nn")
        c.execute(NN_DDL)
    return pg


def upload(dsn: str, sql: str, rows, types=None) -> str:
    with psycopg.connect(dsn, autocommit=True) as c:
        cur = c.cursor()
        with cur.copy(sql) as cp:
            if types:
                cp.set_types(types)
            if isinstance(rows, bytes):
                cp.write(rows)
            else:
                for r in rows:
                    cp.write_row(r)
        return cur.statusmessage


def normalise(name: str, v: Any) -> Any:
    """One value as psycopg reads it from PostgreSQL, or as riffq's Arrow gives it."""
    if v is None:
        return None
    if name == "u":
        return str(v)
    if name == "j":
        return json.loads(v) if isinstance(v, str) else v
    if name == "iv" and not isinstance(v, dt.timedelta):  # pyarrow MonthDayNano
        return dt.timedelta(days=v.months * 30 + v.days, microseconds=v.nanoseconds // 1000)
    return v


def pg_rows(pg) -> list[tuple]:
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        return c.execute("select * from t order by id").fetchall()


@pytest.mark.parametrize("fmt", ["text", "csv", "binary"])
def test_psycopg_upload_matches_postgresql(pg_t, hooked, fmt):
    sql = f"copy t from stdin (format {fmt})"
    types = TYPES if fmt == "binary" else None
    rows: Any = ROWS
    with psycopg.connect(pg_t.dsn(), autocommit=True) as c:
        c.execute("truncate t")
        if fmt == "csv":  # psycopg writes rows in text format only: let PostgreSQL write the CSV
            upload(pg_t.dsn(), "copy t from stdin", ROWS)
            with c.cursor().copy("copy (select * from t order by id) to stdout (format csv)") as cp:
                rows = b"".join(bytes(chunk) for chunk in cp)
            c.execute("truncate t")
    assert upload(pg_t.dsn(), sql, rows, types) == "COPY 4"
    assert upload(hooked.dsn(), sql, rows, types) == "COPY 4"
    got = hooked.hook.tables[-1]
    assert got.column_names == [n for n, _ in COLUMNS]
    assert got.schema.field("n").type == pa.decimal128(10, 2)
    assert got.schema.field("tz").type == pa.timestamp("us", "UTC")
    want = pg_rows(pg_t)
    for i, row in enumerate(got.to_pylist()):
        for (name, _), mine in zip(COLUMNS, row.values()):
            theirs = want[i][[n for n, _ in COLUMNS].index(name)]
            assert normalise(name, mine) == normalise(name, theirs), (i, name)
    assert hooked.hook.calls[-1]["table"] == "t"
    assert hooked.hook.calls[-1]["format"] == fmt


def test_untyped_table_and_column_list(serve):
    hook = Hook()
    st = serve(answer_select, on_copy_in=hook)
    assert upload(st.dsn(), "copy other (x, y) from stdin", [(1, "a"), (None, "b")]) == "COPY 2"
    assert hook.tables[-1].to_pydict() == {"x": ["1", None], "y": ["a", "b"]}
    assert hook.calls[-1]["columns"] == ["x", "y"]
    assert upload(st.dsn(), "copy public.other from stdin", [(1, 2, 3)]) == "COPY 1"
    assert hook.tables[-1].column_names == ["column1", "column2", "column3"]
    assert hook.calls[-1]["schema"] == "public"


def copy_error(dsn: str, sql: str, data: bytes) -> tuple:
    with psycopg.connect(dsn, autocommit=True) as c:
        with pytest.raises(psycopg.Error) as ei:
            with c.cursor().copy(sql) as cp:
                cp.write(data)
        assert c.execute("select 1").fetchone() is not None  # still usable
    d = ei.value.diag
    return d.sqlstate, d.message_primary, d.message_detail, d.context


BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
ERROR_CASES = [
    ("copy t (id, s) from stdin", b"1\tx\nabc\ty\n"),
    ("copy t (id, s) from stdin", b"1\n"),
    ("copy t (id, s) from stdin", b"1\tx\ty\n"),
    ("copy t (id, s) from stdin (format csv)", b'1,"open\n'),
    ("copy t (id, n) from stdin (format csv)", b"1,1e9\n"),
    ("copy t (id, d) from stdin", b"1\t2024-02-30\n"),
    ("copy t (id, v) from stdin", b"1\ttoolong\n"),
    ("copy t (id, ts) from stdin", b"1\tnot a time\n"),
    ("copy t (id, b) from stdin", b"1\tmaybe\n"),
    ("copy t (id, arr) from stdin", b"1\t{1,x}\n"),
    ("copy t (id, u) from stdin (format csv)", b"1,xyz\n"),
    ("copy t (id, s) from stdin (format csv, header match)", b"id,wrong\n1,x\n"),
    ("copy t (id, s) from stdin (format binary)", b"PGCOPX\n\xff\r\n\x00" + b"\x00" * 8),
    ("copy t (id, s) from stdin (format binary)", BINARY_HEADER + b"\x00\x03"),
    ("copy t (id, s) from stdin (format binary)",
     BINARY_HEADER + b"\x00\x02\x00\x00\x00\x02\x00\x01\xff\xff\xff\xff"),
    ("copy t (id, s) from stdin (format binary)", BINARY_HEADER + b"\x00\x02\x00\x00\x00\x04"),
    ("copy t (id, nope) from stdin", b""),
    ("copy t (id, id) from stdin", b""),
    ("copy t from stdin (format binary, delimiter ',')", b""),
    ("copy t from stdin (format xml)", b""),
    ("copy t from stdin (delimiter '\\')", b""),
    ("copy t (id, s) from stdin (format csv, force_not_null (big))", b""),
    # NOT NULL: the first violated column in table order, the row in DETAIL (values clipped at
    # 64 bytes), the line in CONTEXT; a NOT NULL column the COPY leaves out is NULL too.
    ("copy nn from stdin", b"1\ta\tn\n2\t\\N\tm\n"),
    ("copy nn from stdin", b"\\N\t\\N\t" + b"\xc3\xa9" * 40 + b"\n"),
    ("copy nn (id, note) from stdin (format csv)", b"1,x\n"),
    ("copy nn (note, s, id) from stdin (format csv)", b"a,b,1\n,,\n"),
    ("copy nn (id, s) from stdin (format binary)",
     BINARY_HEADER + b"\x00\x02\x00\x00\x00\x04\x00\x00\x00\x07\xff\xff\xff\xff"),
]


def without_binary_detail(sql: str, err: tuple) -> tuple:
    """riffq cannot render a binary row as PostgreSQL's output functions do: no DETAIL there."""
    return (*err[:2], None, err[3]) if "binary" in sql and err[0] == "23502" else err


@pytest.mark.parametrize("sql,data", ERROR_CASES)
def test_errors_match_postgresql(pg_t, hooked, sql, data):
    expected = without_binary_detail(sql, copy_error(pg_t.dsn(), sql, data))
    assert copy_error(hooked.dsn(), sql, data) == expected


def raw_copy(dsn: str, sql: str, chunks: list[str] = (), fail: str | None = None,
             extended: bool = False) -> dict:
    """COPY through libpq itself in another process (support/libpq_copy.py)."""
    script = os.path.join(os.path.dirname(__file__), "support", "libpq_copy.py")
    spec = {"sql": sql, "chunks": list(chunks), "fail": fail, "extended": extended}
    r = subprocess.run([sys.executable, script, dsn, json.dumps(spec)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["after"] == "TUPLES_OK"  # the session is usable afterwards
    return out


@pytest.mark.parametrize("extended", [False, True])
def test_copy_fail_matches_postgresql(pg_t, hooked, extended):
    got = [raw_copy(dsn, "copy t (id) from stdin", ["1\n"], fail="client says no",
                    extended=extended) for dsn in (pg_t.dsn(), hooked.dsn())]
    assert got[0] == got[1]
    assert (got[1]["sqlstate"], got[1]["message"]) == ("57014", "COPY from stdin failed: client says no")


@pytest.mark.parametrize("extended", [False, True])
def test_libpq_upload_in_both_protocols(pg_t, hooked, extended):
    sql = "copy t (id, s) from stdin (format csv)"
    chunks = ["1,a\n2,", "b\n3,c\n"]
    got = raw_copy(hooked.dsn(), sql, chunks, extended=extended)
    assert got == raw_copy(pg_t.dsn(), sql, chunks, extended=extended)  # same messages
    assert (got["status"], got["tag"], got["extra"]) == ("COMMAND_OK", "COPY 3", [])
    assert hooked.hook.tables[-1].to_pydict() == {"id": [1, 2, 3], "s": ["a", "b", "c"]}


@pytest.mark.parametrize("extended", [False, True])
def test_bad_data_in_both_protocols(pg_t, hooked, extended):
    sql = "copy t (id, s) from stdin"
    chunks = ["1\ta\n", "x\tb\n", "3\tc\n"]
    got = raw_copy(hooked.dsn(), sql, chunks, extended=extended)
    assert got == raw_copy(pg_t.dsn(), sql, chunks, extended=extended)
    assert got["sqlstate"] == "22P02"


@pytest.mark.parametrize("extended", [False, True])
def test_copy_to_stdout_in_both_protocols(pg_t, serve, extended):
    st = serve(lambda sql, callback, **kw: callback(pa.table({"a": [1, 2]}).to_reader()))
    sql = "copy (select a from (values (1), (2)) v(a)) to stdout (format csv)"
    got = raw_copy(st.dsn(), sql, extended=extended)
    assert got == raw_copy(pg_t.dsn(), sql, extended=extended)
    assert (got["first"], got["data"], got["tag"]) == ("COPY_OUT", "1\n2\n", "COPY 2")


def test_not_implemented_is_refused_before_upload(serve):
    class NoCopy(riffq.BaseConnection):
        def handle_auth(self, user, password, host, database=None, callback=None):
            callback(True)

        def handle_query(self, sql, callback=None, **kw):
            answer_select(sql, callback)

    server = riffq.RiffqServer("127.0.0.1:0", NoCopy)
    server.start_in_background()
    try:
        dsn = f"host=127.0.0.1 port={server.port} user=u password=p dbname=db"
        state, message, _, _ = copy_error(dsn, "copy t from stdin", b"1\n" * 1000)
        assert (state, message) == ("0A000", "COPY FROM STDIN is not supported by this server")
    finally:
        server.stop()


def test_handler_error_drains_a_large_upload(serve):
    def refuse(sql, reader, callback, **kw):
        callback(("ERROR", "42501", "permission denied for table t"), is_error=True)

    st = serve(answer_select, on_copy_in=refuse)
    data = b"1\tsome text that repeats\n" * 400_000  # 10 MB the client keeps sending
    state, message, _, _ = copy_error(st.dsn(), "copy t from stdin", data)
    assert (state, message) == ("42501", "permission denied for table t")


def test_psql_backslash_copy_from(hooked, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,s\n1,one\n2,\"two, too\"\n3,\n")
    r = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(hooked.port), "-U", "u", "-d", "db",
                        "-c", f"\\copy t (id, s) from '{src}' with (format csv, header)"],
                       capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, PGCONNECT_TIMEOUT="5", PGPASSWORD="p"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "COPY 3"
    assert hooked.hook.tables[-1].to_pydict() == {"id": [1, 2, 3], "s": ["one", "two, too", None]}


def test_psql_reports_bad_data_with_context(hooked, tmp_path):
    src = tmp_path / "bad.txt"
    src.write_text("1\tok\nx\tbad\n")
    r = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(hooked.port), "-U", "u", "-d", "db",
                        "-c", f"\\copy t (id, s) from '{src}'"],
                       capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, PGCONNECT_TIMEOUT="5", PGPASSWORD="p"))
    assert r.returncode == 1
    assert 'invalid input syntax for type integer: "x"' in r.stderr
    assert 'CONTEXT:  COPY t, line 2, column id: "x"' in r.stderr


def test_asyncpg_copy_records_to_table(hooked_duckdb):
    import asyncpg

    async def run() -> str:
        conn = await asyncpg.connect(hooked_duckdb.dsn_uri)
        try:
            status = await conn.copy_records_to_table(
                "items", records=[(1, "a", Decimal("1.50"), dt.date(2024, 1, 2)),
                                  (2, None, None, None)],
                columns=["id", "name", "price", "day"])
            rows = await conn.fetch("select id, name, price, day from items order by id")
            assert [tuple(r) for r in rows] == [(1, "a", Decimal("1.50"), dt.date(2024, 1, 2)),
                                                (2, None, None, None)]
            return status
        finally:
            await conn.close()

    assert asyncio.run(run()) == "COPY 2"


def test_pgjdbc_copy_manager(hooked_duckdb, tmp_path):
    jar = "/usr/share/java/postgresql.jar"
    src = os.path.join(os.path.dirname(__file__), "java", "JdbcCopyIn.java")
    subprocess.run(["javac", "-d", str(tmp_path), "-cp", jar, src], check=True, capture_output=True)
    out = subprocess.run(["java", "-cp", f"{jar}:{tmp_path}", "JdbcCopyIn", str(hooked_duckdb.port)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["copied 3", "rows 3", "error 22P02"]


def test_riffq_client_write_pq(hooked_duckdb):
    import polars as pl

    import riffq.client as rc

    frame = pl.DataFrame({"id": [1, 2, 3], "name": ["a", "b", None]})
    conn = rc.connect(hooked_duckdb.dsn_uri)
    try:
        assert conn.write_pq(frame, "people") == 3
    finally:
        conn.close()
    con = hooked_duckdb.duck
    assert con.execute("select id, name from people order by id").fetchall() == [
        (1, "a"), (2, "b"), (3, None)]


@pytest.fixture
def hooked_duckdb(serve):
    """A DuckDB-backed server whose copy-in hook inserts the reader's batches into DuckDB."""
    import duckdb

    from support.duckdb_handler import DuckDBHandler

    con = duckdb.connect()
    con.execute("create schema public")
    con.execute("use public")
    con.execute("create table items (id integer, name varchar, price decimal(10,2), day date)")
    con.execute("create table people (id bigint, name varchar)")
    handler = DuckDBHandler(con)

    def copy_in(sql, reader, callback, *, connection_id, table, columns, **kw):
        cur = handler.cursor(connection_id)
        cur.register("upload", reader.to_reader())
        try:
            cols = ", ".join(columns)
            cur.execute(f"insert into {table} ({cols}) select {cols} from upload")
        finally:
            cur.unregister("upload")
        callback(None)

    def configure(server: riffq.Server) -> None:
        server.register_table("db", "public", "items",
                              [{"id": {"type": "int4", "nullable": False}},
                               {"name": {"type": "text", "nullable": True}},
                               {"price": {"type": "numeric(10,2)", "nullable": True}},
                               {"day": {"type": "date", "nullable": True}}])
        server.register_table("db", "public", "people",
                              [{"id": {"type": "bigint", "nullable": True}},
                               {"name": {"type": "text", "nullable": True}}])

    st = serve(handler, on_copy_in=copy_in, configure=configure, catalog_emulation=True)
    st.dsn_uri = f"postgresql://u:p@127.0.0.1:{st.port}/db"
    st.duck = con
    return st


def test_a_stalled_copy_stalls_only_its_client(serve):
    import threading

    release = threading.Event()
    pulled: list[int] = []

    def slow(sql, reader, callback, **kw):
        release.wait(30)  # the hook does not read yet: the upload must wait, not buffer
        pulled.append(sum(b.num_rows for b in reader))
        callback(None)

    st = serve(answer_select, on_copy_in=slow)
    result: list[str] = []
    block = b"1\tsome text\n" * 100_000  # 1.2 MB
    uploader = threading.Thread(
        target=lambda: result.append(upload(st.dsn(), "copy t from stdin", block * 50)))
    uploader.start()
    try:
        for _ in range(20):  # other clients are served while that upload waits
            with psycopg.connect(st.dsn(), autocommit=True) as c:
                assert c.execute("select 1").fetchone() == (1,)
        assert uploader.is_alive()
    finally:
        release.set()
        uploader.join(60)
    assert result == ["COPY 5000000"]
    assert pulled == [5_000_000]


def test_upload_memory_is_bounded():
    """300 MiB uploaded to a server whose hook is slow: its RSS grows by the queue and a batch,
    not by the upload (bench/server/bench_copy_in.py, run as a child process)."""
    script = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "server", "bench_copy_in.py")
    r = subprocess.run([sys.executable, script, "--mb", "300", "--slow-ms", "20", "--json"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    (res,) = json.loads(r.stdout.splitlines()[-1])
    assert res["tag"] == f"COPY {res['rows']}"
    assert res["rss_peak_mb"] - res["rss_base_mb"] < 150, res


def test_riffq_server_forwards_to_handle_copy_in():
    seen: list[tuple] = []

    class Conn(riffq.BaseConnection):
        def handle_auth(self, user, password, host, database=None, callback=None):
            callback(True)

        def handle_query(self, sql, callback=None, **kw):
            answer_select(sql, callback)

        def handle_copy_in(self, sql, table, columns, reader, callback=None, **kwargs):
            seen.append((self.conn_id, sql, table, columns, kwargs["schema"], kwargs["format"],
                         reader.read_all().to_pydict()))
            callback("COPY 42")  # a tag of the hook's own is sent as it is

    server = riffq.RiffqServer("127.0.0.1:0", Conn)
    register_t(server._server)
    server.start_in_background()
    try:
        dsn = f"host=127.0.0.1 port={server.port} user=u password=p dbname=db"
        assert upload(dsn, "copy public.t (id, s) from stdin (format binary)", [(7, "x")],
                      ["int4", "text"]) == "COPY 42"
    finally:
        server.stop()
    (conn_id, sql, table, columns, schema, fmt, data), = seen
    assert (sql, table, columns, schema, fmt) == (
        "copy public.t (id, s) from stdin (format binary)", "t", ["id", "s"], "public", "binary")
    assert data == {"id": [7], "s": ["x"]}
    assert conn_id >= 1


@pytest.mark.parametrize("fmt", ["text", "binary"])
def test_multidimensional_array_is_refused_not_flattened(pg_t, hooked, fmt):
    """PostgreSQL keeps a 2-D array's dimensions; an Arrow list column has one, and the catalog
    records no declared dimensions: riffq refuses the value (0A000) instead of flattening it."""
    sql = f"copy t (id, arr) from stdin (format {fmt})"
    types = ["int4", "int4[]"] if fmt == "binary" else None
    rows = [(1, [1, 2]), (2, [[1, 2], [3, 4]])]
    with psycopg.connect(pg_t.dsn(), autocommit=True) as c:
        c.execute("truncate t")
        assert upload(pg_t.dsn(), sql, rows, types) == "COPY 2"
        assert c.execute("select arr from t order by id").fetchall() == [([1, 2],), ([[1, 2], [3, 4]],)]
    with psycopg.connect(hooked.dsn(), autocommit=True) as c:
        with pytest.raises(psycopg.Error) as ei:
            with c.cursor().copy(sql) as cp:
                if types:
                    cp.set_types(types)
                for r in rows:
                    cp.write_row(r)
    d = ei.value.diag
    assert (d.sqlstate, d.message_primary) == (
        "0A000", 'COPY FROM STDIN cannot keep an array of 2 dimensions in column "arr": arrays '
                 "arrive as one-dimensional lists")
    assert d.context.startswith("COPY t, line 2, column arr")


class LazyT:
    """A lazy catalog source (set_lazy_catalog) holding table t with COLUMNS' types."""

    def databases(self, cb: Any) -> None:
        cb([{"oid": 40000, "name": "db"}])

    def schemas(self, database: str, cb: Any) -> None:
        cb([{"oid": 40001, "name": "public"}])

    def relations(self, database: str, schema: str, cb: Any) -> None:
        cb([{"oid": 40010, "reltype_oid": 40011, "name": "t"}])

    def columns(self, database: str, schema: str, relation: str, cb: Any) -> None:
        from psycopg.postgres import types as pg_types  # psycopg as the registry of type OIDs

        def oid(t: str) -> int:
            info = pg_types[t.split("(")[0].removesuffix("[]")]
            return info.array_oid if t.endswith("[]") else info.oid

        cb([{"name": n, "type_oid": oid(t), "nullable": n != "id"} for n, t in COLUMNS])

    def settings(self, cb: Any) -> None:
        cb([])


def test_lazy_catalog_table_is_typed_like_an_eager_one(serve):
    eager, lazy = Hook(), Hook()
    st_eager = serve(answer_select, on_copy_in=eager, configure=register_t)
    st_lazy = serve(answer_select, on_copy_in=lazy, catalog_emulation=True,
                    configure=lambda s: s.set_lazy_catalog(LazyT()))
    sql = "copy t (id, big, d, arr) from stdin"
    rows = [(1, 2**40, dt.date(2024, 1, 2), [1, None])]
    for st in (st_eager, st_lazy):
        assert upload(st.dsn(), sql, rows) == "COPY 1"
    assert lazy.tables[-1].schema == eager.tables[-1].schema
    assert lazy.tables[-1].to_pylist() == [{"id": 1, "big": 2**40, "d": dt.date(2024, 1, 2),
                                             "arr": [1, None]}]
    # The source's NOT NULL column is enforced too (both protocols: the lazy load runs first).
    for extended in (False, True):
        got = raw_copy(st_lazy.dsn(), "copy t (id, s) from stdin", ["\\N\tx\n"],
                       extended=extended)
        assert got["sqlstate"] == "23502"

"""Real clients through riffq's catalog emulation, compared with a real PostgreSQL 15 holding
the same objects (support/catalog_objects.py): SQLAlchemy (psycopg 3) and its inspector,
pandas read_sql_table, psycopg's TypeInfo.fetch, asyncpg's type introspection, pgjdbc's
DatabaseMetaData, the seeds' catalog examples (a DuckDB database registered table by table,
a lazy catalog source), 3D000 for an unknown database on the wire, and catalog statements
with parameters in text and binary result formats.

The riffq servers answer data statements from DuckDB (support/duckdb_handler.py), where the
same objects and rows exist.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from decimal import Decimal
from typing import Any, Iterator

import duckdb
import psycopg
import pytest

import riffq
import riffq.catalog
from support import catalog_objects as co
# The fixtures: one PostgreSQL cluster, one DuckDB-backed riffq with emulation, one without.
from support.catalog_servers import demo_duckdb, pg_demo, riffq_emul, riffq_plain  # noqa: F401
from support.duckdb_handler import DuckDBHandler
from support.pg_cluster import PgCluster, free_port
from support.servers import ServerThread
from support.wire import WireClient, errors

JAR = "/usr/share/java/postgresql.jar"
JAVA_SRC = os.path.join(os.path.dirname(__file__), "java", "JdbcCatalogMetadata.java")


DRIVERS = ["psycopg", "psycopg2", "asyncpg", "pg8000"]


def pg_url(cluster: PgCluster, driver: str = "psycopg") -> str:
    return f"postgresql+{driver}://postgres@127.0.0.1:{cluster.port}/{co.DATABASE}"


def riffq_url(st: ServerThread, driver: str = "psycopg") -> str:
    return f"postgresql+{driver}://postgres@127.0.0.1:{st.port}/{co.DATABASE}"


def pg_conninfo(cluster: PgCluster) -> str:
    return cluster.dsn(co.DATABASE)


def riffq_conninfo(st: ServerThread) -> str:
    return st.dsn(user="postgres", dbname=co.DATABASE)


# ---------------------------------------------------------------------------------------------
# SQLAlchemy + psycopg 3
# ---------------------------------------------------------------------------------------------
def test_sqlalchemy_connects_and_queries_duckdb(riffq_emul):
    from sqlalchemy import create_engine, text

    engine = create_engine(riffq_url(riffq_emul))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from customers")).scalar() == 2
            rows = conn.execute(text("select name from customers where id = :i"), {"i": 1}).all()
            assert rows == [("Ann",)]
    finally:
        engine.dispose()


_T = [(o["schema"], o["name"]) for o in co.TABLES]
_V = [(o["schema"], o["name"]) for o in co.VIEWS]
INSPECTIONS = [
    ("get_schema_names", None, None),
    ("get_table_names", None, None),
    ("get_table_names", "sales", None),
    ("get_view_names", None, None),
    ("get_view_names", "sales", None),
    *[(m, s, t) for s, t in _T for m in ("get_columns", "get_pk_constraint", "get_foreign_keys",
                                         "get_indexes", "get_unique_constraints",
                                         "get_table_comment", "get_check_constraints")],
    *[(m, s, t) for s, t in _V for m in ("get_columns", "get_view_definition")],
]

# Inspector calls whose answer does not match yet (engine gaps), with the difference.
INSPECT_XFAIL: dict[str, str] = {}


def _with_inspector(url: str, fn) -> Any:
    """fn(inspector) through SQLAlchemy's engine for the URL's driver (asyncpg through an async
    engine, the inspector run inside run_sync as SQLAlchemy documents)."""
    from sqlalchemy import create_engine, inspect

    if "+asyncpg" in url:
        from sqlalchemy.ext.asyncio import create_async_engine

        async def run():
            engine = create_async_engine(url)
            try:
                async with engine.connect() as conn:
                    return await conn.run_sync(lambda sync_conn: fn(inspect(sync_conn)))
            finally:
                await engine.dispose()

        return asyncio.run(run())
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return fn(inspect(conn))
    finally:
        engine.dispose()


def _inspect_all(url: str) -> dict[str, str]:
    """Every inspection of INSPECTIONS through one connection, by identifier."""
    def fn(insp) -> dict[str, str]:
        out = {}
        for method, schema, table in INSPECTIONS:
            call = getattr(insp, method)
            try:
                result = call(table, schema=schema) if table is not None else (
                    call(schema=schema) if method != "get_schema_names" else call())
                out[_ident(method, schema, table)] = repr(result)
            except Exception as exc:  # the difference is the assertion's, not the run's
                out[_ident(method, schema, table)] = f"{type(exc).__name__}: {exc}"
        return out
    return _with_inspector(url, fn)


def _ident(m, s, t) -> str:
    return f"{m}({s}.{t})" if t else f"{m}({s})"


def _inspect_param(d, m, s, t):
    ident = f"{d}-{_ident(m, s, t)}"
    if ident in INSPECT_XFAIL:
        return pytest.param(d, m, s, t, id=ident,
                            marks=pytest.mark.xfail(strict=True, reason=INSPECT_XFAIL[ident]))
    return pytest.param(d, m, s, t, id=ident)


@pytest.fixture(scope="module")
def inspections(pg_demo, riffq_emul) -> dict[str, tuple[dict, dict]]:
    return {d: (_inspect_all(pg_url(pg_demo, d)), _inspect_all(riffq_url(riffq_emul, d)))
            for d in DRIVERS}


@pytest.mark.parametrize("driver,method,schema,table",
                         [_inspect_param(d, *i) for d in DRIVERS for i in INSPECTIONS])
def test_sqlalchemy_inspector_matches_postgres(inspections, driver, method, schema, table):
    expected, got = (side[_ident(method, schema, table)] for side in inspections[driver])
    assert got == expected


def _reflected(url: str) -> list[str]:
    """MetaData.reflect() of both schemas, each table as its CREATE TABLE (SQLAlchemy's DDL
    compiler prints types, nullability, defaults, keys, foreign keys, checks) plus comments
    and indexes."""
    from sqlalchemy import MetaData
    from sqlalchemy.schema import CreateIndex, CreateTable

    def fn(insp) -> list[str]:
        out = []
        for schema in co.SCHEMAS:
            md = MetaData()
            md.reflect(insp.bind, schema=schema, views=True)
            for name in sorted(md.tables):
                t = md.tables[name]
                out.append(str(CreateTable(t).compile(dialect=insp.bind.dialect)).strip())
                out.append(f"comment {name}: {t.comment!r} "
                           f"{[(c.name, c.comment) for c in t.columns]!r}")
                for ix in sorted(t.indexes, key=lambda i: i.name or ""):
                    out.append(str(CreateIndex(ix).compile(dialect=insp.bind.dialect)))
        return out
    return _with_inspector(url, fn)


@pytest.mark.parametrize("driver", DRIVERS)
def test_sqlalchemy_metadata_reflect(pg_demo, riffq_emul, driver):
    expected = _reflected(pg_url(pg_demo, driver))
    assert any("CHECK" in t for t in expected) and any("FOREIGN KEY" in t for t in expected)
    assert _reflected(riffq_url(riffq_emul, driver)) == expected


def test_pandas_read_sql_table(pg_demo, riffq_emul):
    import pandas as pd
    from sqlalchemy import create_engine

    frames = []
    for url in (pg_url(pg_demo), riffq_url(riffq_emul)):
        engine = create_engine(url)
        try:
            frames.append({t: pd.read_sql_table(t, engine, schema=s)
                           for s, t in _T + _V})
        finally:
            engine.dispose()
    expected, got = frames
    for name in expected:
        assert list(got[name].columns) == list(expected[name].columns), name
        # Values compared as Python objects: DuckDB and PostgreSQL rows must read the same.
        assert got[name].astype(object).where(got[name].notna(), None).values.tolist() == \
            expected[name].astype(object).where(expected[name].notna(), None).values.tolist(), name


def test_pandas_read_sql_query_through_sqlalchemy(pg_demo, riffq_emul):
    """The rows of every demo object through SQLAlchemy + pandas, without reflection: DuckDB
    behind riffq and PostgreSQL read the same."""
    import pandas as pd
    from sqlalchemy import create_engine, text

    frames = []
    for url in (pg_url(pg_demo), riffq_url(riffq_emul)):
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                frames.append({t: pd.read_sql_query(text(f"select * from {s}.{t} order by 1"),
                                                    conn) for s, t in _T + _V})
        finally:
            engine.dispose()
    expected, got = frames
    for name in expected:
        assert list(got[name].columns) == list(expected[name].columns), name
        assert got[name].astype(object).where(got[name].notna(), None).values.tolist() == \
            expected[name].astype(object).where(expected[name].notna(), None).values.tolist(), name


# ---------------------------------------------------------------------------------------------
# drivers' type introspection, with emulation on and off
# ---------------------------------------------------------------------------------------------
TYPE_NAMES = ["int4", "text", "numeric", "timestamptz", "bool", "_int4", "varchar", "json"]


def _typeinfo(conninfo: str) -> list:
    from psycopg.types import TypeInfo

    out = []
    with psycopg.connect(conninfo, autocommit=False) as conn:
        for name in TYPE_NAMES:
            info = TypeInfo.fetch(conn, name)
            assert info is not None, name
            out.append((info.name, info.oid, info.array_oid, info.regtype, info.delimiter))
        conn.rollback()
    return out


@pytest.mark.parametrize("emulation", ["emulation_on", "emulation_off"])
def test_psycopg_typeinfo_fetch(pg_demo, riffq_emul, riffq_plain, emulation):
    st = riffq_emul if emulation == "emulation_on" else riffq_plain
    assert _typeinfo(riffq_conninfo(st)) == _typeinfo(pg_conninfo(pg_demo))


def _asyncpg(port: int, fn) -> Any:
    import asyncpg

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres",
                                     database=co.DATABASE)
        try:
            return await fn(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.mark.parametrize("emulation", ["emulation_on", "emulation_off"])
def test_asyncpg_array_parameter(pg_demo, riffq_emul, riffq_plain, emulation):
    st = riffq_emul if emulation == "emulation_on" else riffq_plain

    async def fn(conn):
        value = await conn.fetchval("select $1::int4[]", [1, 2])
        stmt = await conn.prepare("select $1::int4[]")
        params = [(t.oid, t.name, t.kind, t.schema) for t in stmt.get_parameters()]
        attrs = [(a.type.oid, a.type.name, a.type.kind) for a in stmt.get_attributes()]
        return value, params, attrs

    assert _asyncpg(st.port, fn) == _asyncpg(pg_demo.port, fn)
    assert _asyncpg(st.port, fn)[0] == [1, 2]


@pytest.mark.parametrize("emulation", ["emulation_on", "emulation_off"])
def test_asyncpg_type_introspection_by_name(pg_demo, riffq_emul, riffq_plain, emulation):
    """set_type_codec looks the type up in pg_type by name (asyncpg's introspection query);
    the codec found must then decode results."""
    st = riffq_emul if emulation == "emulation_on" else riffq_plain

    async def fn(conn):
        await conn.set_type_codec("numeric", schema="pg_catalog", format="text",
                                  encoder=str, decoder=lambda s: ("decoded", Decimal(s)))
        return await conn.fetchval("select 12.5::numeric(12,2)")

    assert _asyncpg(pg_demo.port, fn) == ("decoded", Decimal("12.50"))
    assert _asyncpg(st.port, fn) == ("decoded", Decimal("12.50"))


# ---------------------------------------------------------------------------------------------
# pgjdbc DatabaseMetaData, field by field, with the newest pgjdbc and Debian's
# ---------------------------------------------------------------------------------------------
# The newest pgjdbc from Maven Central, fetched by scripts/build_clients.sh (setup.sh runs it).
MAVEN_JAR = os.path.join(os.environ.get("RIFFQ_CLIENTS_CACHE",
                                        os.path.expanduser("~/.cache/riffq-clients")),
                         "java", "postgresql-maven.jar")
JARS = {"maven": MAVEN_JAR, "debian": JAR}
# Sections whose answer does not match yet, with the difference (none now: the "rsmd" section's
# RowDescription of the handler's result carries table OID, attnum and varchar(n), see
# test_column_origins.py).
JDBC_XFAIL: dict[str, str] = {}


@pytest.fixture(scope="module")
def jdbc_classes(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("jdbc")
    subprocess.run(["javac", "-d", str(out), "-cp", JAR, JAVA_SRC], check=True,
                   capture_output=True)
    return str(out)


def _jdbc(classes: str, jar: str, port: int) -> list[str]:
    assert os.path.exists(jar), f"{jar} is missing: run scripts/build_clients.sh"
    tables = [f"{o['schema']}.{o['name']}" for o in co.OBJECTS]
    r = subprocess.run(["java", "-cp", f"{jar}:{classes}", "JdbcCatalogMetadata", str(port),
                        co.DATABASE, "postgres", *tables], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


@pytest.fixture(scope="module")
def jdbc_outputs(jdbc_classes, pg_demo, riffq_emul) -> dict[str, tuple[list[str], list[str]]]:
    return {name: (_jdbc(jdbc_classes, jar, pg_demo.port), _jdbc(jdbc_classes, jar, riffq_emul.port))
            for name, jar in JARS.items()}


# Each DatabaseMetaData call the program makes (the first word of its lines).
JDBC_SECTIONS = ["catalogs", "schemas", "schemas_all", "tabletypes", "tables", "columns", "pk",
                 "fk", "exported", "cross", "index", "index-unique", "tableprivs", "colprivs",
                 "bestrow", "rsmd", "typeinfo", "functions", "functioncolumns", "procedures",
                 "udts"]
# Sections PostgreSQL answers with no rows for these objects (the header line is still there).
JDBC_EMPTY_OK = {"udts", "procedures"}


def _jdbc_param(jar, section):
    ident = f"{jar}-{section}"
    if ident in JDBC_XFAIL:
        return pytest.param(jar, section, id=ident,
                            marks=pytest.mark.xfail(strict=True, reason=JDBC_XFAIL[ident]))
    return pytest.param(jar, section, id=ident)


@pytest.mark.parametrize("jar,section", [_jdbc_param(j, s) for j in JARS for s in JDBC_SECTIONS])
def test_jdbc_database_metadata(jdbc_outputs, jar, section):
    expected, got = ([l for l in out if l.split(" ", 1)[0] == section]
                     for out in jdbc_outputs[jar])
    assert expected, f"PostgreSQL gave no {section} lines"
    if section not in JDBC_EMPTY_OK:
        assert any(" | columns" not in l and "ERROR" not in l for l in expected), \
            f"PostgreSQL gave no {section} rows"
    for e, g in zip(expected, got):
        assert g == e
    assert len(got) == len(expected)


# ---------------------------------------------------------------------------------------------
# the seeds' catalog examples
# ---------------------------------------------------------------------------------------------
def _seed_map_type(duck_type: str) -> str:
    """The seeds' map_type: DuckDB information_schema data types to riffq's short names."""
    t = duck_type.upper()
    if t in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT"):
        return "int"
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        return "float"
    if t == "BOOLEAN":
        return "bool"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "datetime"
    return "str"


def test_seed_duckdb_registration_loop(free_server):
    """Seed 001's example, verbatim in spirit: every DuckDB table registered through
    server._server.register_* with information_schema and map_type; clients then see them."""
    con = duckdb.connect()
    con.execute("CREATE TABLE trips (id INTEGER NOT NULL, city VARCHAR, km DOUBLE, "
                "day DATE, ts TIMESTAMP, ok BOOLEAN)")
    con.execute("CREATE SCHEMA analytics")
    con.execute("CREATE TABLE analytics.totals (city VARCHAR NOT NULL, n BIGINT)")
    con.execute("INSERT INTO trips VALUES (1, 'Oslo', 2.5, '2024-01-01', '2024-01-01 10:00', true)")

    class Connection(riffq.BaseConnection):
        def handle_auth(self, user, password, host, database=None, callback=callable):
            callback(True)

        def handle_query(self, sql, callback=callable, **kwargs):
            try:
                self.send_reader(con.cursor().execute(sql).to_arrow_reader(), callback)
            except Exception as exc:
                callback(("ERROR", "XX000", str(exc)), is_error=True)

    port = free_port()
    server = riffq.RiffqServer(f"127.0.0.1:{port}", connection_cls=Connection)
    server._server.register_database("duckdb")
    tbls = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                       "WHERE table_schema NOT IN ('pg_catalog','information_schema')").fetchall()
    for schema_name, table_name in tbls:
        server._server.register_schema("duckdb", schema_name)
        cols_info = con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema=? AND table_name=? ORDER BY ordinal_position",
            (schema_name, table_name)).fetchall()
        columns = [{c: {"type": _seed_map_type(t), "nullable": n.upper() == "YES"}}
                   for c, t, n in cols_info]
        server._server.register_table("duckdb", schema_name, table_name, columns)
    free_server(server)
    server.start_in_background(catalog_emulation=True)

    with psycopg.connect(f"host=127.0.0.1 port={port} user=u password=x dbname=duckdb",
                         autocommit=True) as conn:
        rows = conn.execute(
            "SELECT table_schema, table_name, column_name, data_type, is_nullable "
            "FROM information_schema.columns WHERE table_schema IN ('main', 'analytics') "
            "ORDER BY table_schema, table_name, ordinal_position").fetchall()
        assert rows == [
            ("analytics", "totals", "city", "text", "NO"),
            ("analytics", "totals", "n", "integer", "YES"),
            ("main", "trips", "id", "integer", "NO"),
            ("main", "trips", "city", "text", "YES"),
            ("main", "trips", "km", "double precision", "YES"),
            ("main", "trips", "day", "date", "YES"),
            ("main", "trips", "ts", "timestamp without time zone", "YES"),
            ("main", "trips", "ok", "boolean", "YES"),
        ]
        assert conn.execute("SELECT city FROM trips").fetchall() == [("Oslo",)]


@pytest.fixture
def free_server() -> Iterator:
    servers: list = []
    yield servers.append
    for s in servers:
        s.stop()


def _register_duckdb_server(free_server) -> int:
    con = demo_duckdb()
    port = free_port()

    class Connection(riffq.BaseConnection):
        handler = DuckDBHandler(con)

        def handle_auth(self, user, password, host, database=None, callback=callable):
            callback(True)

        def handle_query(self, sql, callback=callable, **kwargs):
            self.handler(sql, callback, connection_id=self.conn_id, **kwargs)

    server = riffq.RiffqServer(f"127.0.0.1:{port}", connection_cls=Connection)
    riffq.catalog.register_duckdb(server, con, database=co.DATABASE)
    free_server(server)
    server.start_in_background(catalog_emulation=True)
    return port


def test_register_duckdb_helper_with_sqlalchemy(free_server):
    """riffq.catalog.register_duckdb (one call for a whole DuckDB database): SQLAlchemy's
    inspector sees the tables, views, keys and comments."""
    from sqlalchemy import create_engine, inspect

    port = _register_duckdb_server(free_server)
    engine = create_engine(f"postgresql+psycopg://u:x@127.0.0.1:{port}/{co.DATABASE}")
    try:
        insp = inspect(engine)
        assert sorted(insp.get_table_names()) == ["customers", "orders"]
        assert sorted(insp.get_table_names(schema="sales")) == ["assignments", "regions"]
        assert insp.get_view_names() == ["active_customers"]
        assert insp.get_pk_constraint("orders")["constrained_columns"] == ["order_id"]
        fks = insp.get_foreign_keys("orders")
        assert [(f["constrained_columns"], f["referred_table"], f["referred_columns"])
                for f in fks] == [(["customer_id"], "customers", ["id"])]
        assert insp.get_table_comment("customers")["text"] == "people who order"
        with engine.connect() as c:
            from sqlalchemy import text
            assert c.execute(text("select count(*) from orders")).scalar() == 2
    finally:
        engine.dispose()


def test_register_duckdb_helper_columns(free_server):
    from sqlalchemy import create_engine, inspect

    port = _register_duckdb_server(free_server)
    engine = create_engine(f"postgresql+psycopg://u:x@127.0.0.1:{port}/{co.DATABASE}")
    try:
        cols = {c["name"]: c for c in inspect(engine).get_columns("customers")}
        assert str(cols["score"]["type"]) == "NUMERIC(12, 2)"
        assert cols["id"]["nullable"] is False and cols["name"]["nullable"] is True
        assert cols["id"]["comment"] == "customer id"
        assert cols["active"]["default"] == "true"
    finally:
        engine.dispose()


class LazySource:
    """A lazy catalog source following the seeds' contract (002: set_lazy_catalog): four
    methods, each calling its callback with a list of row dicts; OIDs chosen by the source."""

    def __init__(self) -> None:
        self.relations_by_schema = {
            "public": [{"oid": 70001, "reltype_oid": 70002, "name": "events", "kind": "table",
                        "owner_oid": 10, "has_index": False}],
            "metrics": [{"oid": 70011, "reltype_oid": 70012, "name": "cpu", "kind": "view"}],
        }
        self.columns_by_relation = {
            "events": [{"name": "id", "type_oid": 20, "nullable": False},
                       {"name": "payload", "type_oid": 25, "nullable": True},
                       {"name": "at", "type_oid": 1184, "nullable": True}],
            "cpu": [{"name": "host", "type_oid": 25, "nullable": True},
                    {"name": "load", "type_oid": 701, "nullable": True}],
        }
        self.calls: list[str] = []
        self.fail = False
        self.lock = threading.Lock()

    def databases(self, cb):
        self.calls.append("databases")
        if self.fail:
            raise RuntimeError("source is down")
        cb([{"oid": 60001, "name": "lazydb", "datdba": 10}])

    def schemas(self, database, cb):
        self.calls.append(f"schemas {database}")
        cb([{"oid": 2200, "name": "public", "owner_oid": 10},
            {"oid": 60010, "name": "metrics", "owner_oid": 10}])

    def relations(self, database, schema, cb):
        self.calls.append(f"relations {database}.{schema}")
        with self.lock:
            cb(list(self.relations_by_schema.get(schema, [])))

    def columns(self, database, schema, relation, cb):
        self.calls.append(f"columns {database}.{schema}.{relation}")
        with self.lock:
            cb(list(self.columns_by_relation.get(relation, [])))


def _lazy_server(source, free_server) -> int:
    port = free_port()

    class Connection(riffq.BaseConnection):
        def handle_auth(self, user, password, host, database=None, callback=callable):
            callback(True)

        def handle_query(self, sql, callback=callable, **kwargs):
            callback(("ERROR", "0A000", "catalog only"), is_error=True)

    server = riffq.RiffqServer(f"127.0.0.1:{port}", connection_cls=Connection)
    server.set_lazy_catalog(source)
    free_server(server)
    server.start_in_background(catalog_emulation=True)
    return port


def test_lazy_catalog_source(free_server):
    source = LazySource()
    port = _lazy_server(source, free_server)
    with psycopg.connect(f"host=127.0.0.1 port={port} user=u password=x dbname=lazydb",
                         autocommit=True) as conn:
        # OIDs are the source's, verbatim; kinds and owners as given.
        rows = conn.execute(
            "SELECT c.oid::int8, c.relname, c.relkind, n.nspname, c.reltype::int8 "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'metrics') ORDER BY c.oid").fetchall()
        assert rows == [(70001, "events", "r", "public", 70002),
                        (70011, "cpu", "v", "metrics", 70012)]
        cols = conn.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position", ["events"]).fetchall()
        assert cols == [("id", "bigint", "NO"), ("payload", "text", "YES"),
                        ("at", "timestamp with time zone", "YES")]
        assert conn.execute("SELECT datname FROM pg_database WHERE oid = 60001").fetchall() \
            == [("lazydb",)]
        assert conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'events'") \
            .fetchall() == [("postgres",)]
        # The catalog reflects the source's live state: a relation added later is seen.
        with source.lock:
            source.relations_by_schema["public"].append(
                {"oid": 70021, "reltype_oid": 70022, "name": "late", "kind": "table"})
            source.columns_by_relation["late"] = [{"name": "x", "type_oid": 23,
                                                   "nullable": True}]
        assert conn.execute("SELECT relname FROM pg_class WHERE oid = 70021").fetchall() \
            == [("late",)]
        # A source that raises is an SQL error (XX000) for that statement; the session lives.
        source.fail = True
        with pytest.raises(psycopg.Error) as ei:
            conn.execute("SELECT relname FROM pg_class WHERE oid = 70001")
        assert ei.value.sqlstate == "XX000"
        source.fail = False
        assert conn.execute("SELECT relname FROM pg_class WHERE oid = 70001").fetchall() \
            == [("events",)]
    assert "columns lazydb.public.events" in source.calls


def test_lazy_catalog_duplicate_is_an_error(free_server):
    source = LazySource()
    source.relations_by_schema["public"].append(
        {"oid": 70031, "reltype_oid": 70032, "name": "events", "kind": "table"})
    port = _lazy_server(source, free_server)
    with psycopg.connect(f"host=127.0.0.1 port={port} user=u password=x dbname=lazydb",
                         autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as ei:
            conn.execute("SELECT relname FROM pg_class WHERE relname = 'events'")
        assert ei.value.sqlstate == "XX000"


# ---------------------------------------------------------------------------------------------
# wire: 3D000, and catalog statements with parameters in text and binary
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("server", ["postgresql", "riffq"])
def test_unknown_database_is_3D000_on_the_wire(pg_demo, riffq_emul, server):
    port = pg_demo.port if server == "postgresql" else riffq_emul.port
    with WireClient(port) as c:
        msgs = c.startup(user="postgres", database="no_such_db")
    errs = errors(msgs)
    assert [(e["S"], e["C"], e["M"]) for e in errs] == [
        ("FATAL", "3D000", 'database "no_such_db" does not exist')]


def test_known_database_is_accepted_on_the_wire(riffq_emul):
    with WireClient(riffq_emul.port) as c:
        msgs = c.startup(user="postgres", database=co.DATABASE)
    assert errors(msgs) == [] and msgs[-1][0] == b"Z"


CATALOG_STATEMENTS = [
    ("SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, n.nspname "
     "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
     "WHERE n.nspname = %s AND c.relkind::text = ANY(%s) ORDER BY 1", ["public", ["r", "v", "i"]]),
    ("SELECT a.attname, a.atttypid::regtype::text, a.atttypmod, a.attnotnull, a.attnum, "
     "format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid) "
     "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
     "AND d.adnum = a.attnum WHERE a.attrelid = %s::regclass AND a.attnum > %s "
     "AND NOT a.attisdropped ORDER BY a.attnum", ["public.customers", 0]),
    ("SELECT conname, contype, conkey, confkey, pg_get_constraintdef(oid, %s) "
     "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname",
     [True, "public.orders"]),
    ("SELECT i.indexrelid::regclass::text, i.indkey, i.indisunique, i.indisprimary, "
     "pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
     "ORDER BY 1", [["public.customers", "public.orders"]]),
    ("SELECT table_schema, table_name, column_name, ordinal_position, column_default, "
     "is_nullable, data_type, character_maximum_length, numeric_precision, numeric_scale "
     "FROM information_schema.columns WHERE table_schema = ANY(%s) ORDER BY 1, 2, 4",
     [["public", "sales"]]),
    ("SELECT obj_description(%s::regclass, 'pg_class'), col_description(%s::regclass, %s)",
     ["public.customers", "public.customers", 1]),
    ("SELECT conname, contype, conkey, connoinherit, pg_get_constraintdef(oid), "
     "pg_get_constraintdef(oid, %s), pg_get_expr(conbin, conrelid), "
     "pg_get_expr(conbin, conrelid, %s) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
     "ORDER BY conname", [True, True, ["sales.assignments", "public.orders"]]),
    ("SELECT constraint_schema, constraint_name, check_clause FROM "
     "information_schema.check_constraints WHERE constraint_schema = ANY(%s) "
     "AND constraint_name NOT LIKE %s ORDER BY 2", [["public", "sales"], "%not_null"]),
    ("SELECT constraint_name, table_name, column_name FROM "
     "information_schema.constraint_column_usage WHERE table_schema = ANY(%s) ORDER BY 1, 3",
     [["public", "sales"]]),
    ("SELECT constraint_name, table_name, constraint_type, is_deferrable, enforced FROM "
     "information_schema.table_constraints WHERE table_schema = ANY(%s) ORDER BY 1",
     [["public", "sales"]]),
    ("SELECT table_schema, table_name, table_type, is_insertable_into "
     "FROM information_schema.tables WHERE table_schema = ANY(%s) ORDER BY 1, 2",
     [["public", "sales"]]),
    ("SELECT t.oid, t.typname, t.typarray, t.typlen, t.typbyval, t.typtype, t.typdelim "
     "FROM pg_type t WHERE t.typname = ANY(%s) ORDER BY t.oid", [["int4", "text", "numeric"]]),
]


MODES = ["text", "binary_results", "binary_params"]
def _extended_params():
    for i in range(len(CATALOG_STATEMENTS)):
        for mode in MODES:
            yield pytest.param(i, mode, id=f"{i}-{mode}")


@pytest.mark.parametrize("index,mode", list(_extended_params()))
def test_psycopg_extended_catalog_statement(pg_demo, riffq_emul, index, mode):
    """Extended protocol (prepared), text or binary results, text or binary parameters (%b)."""
    sql, params = CATALOG_STATEMENTS[index]
    if mode == "binary_params":
        sql = sql.replace("%s", "%b")
    results = []
    for conninfo in (pg_conninfo(pg_demo), riffq_conninfo(riffq_emul)):
        with psycopg.connect(conninfo, autocommit=True) as conn:
            cur = conn.cursor(binary=mode != "text")
            cur.execute(sql, params, prepare=True)
            results.append(([(d.name, d.type_code) for d in cur.description], cur.fetchall()))
    expected, got = results
    assert expected[1], "the statement must return rows on PostgreSQL"
    assert got == expected


@pytest.mark.parametrize("index", range(len(CATALOG_STATEMENTS)))
def test_asyncpg_catalog_statement(pg_demo, riffq_emul, index):
    """asyncpg: prepared (extended protocol), binary parameters and binary results."""
    sql, params = CATALOG_STATEMENTS[index]
    n = iter(range(1, 100))
    q = sql.replace("%s", "{}").format(*[f"${next(n)}" for _ in params])

    async def fn(conn):
        stmt = await conn.prepare(q)
        rows = await stmt.fetch(*params)
        return ([(a.name, a.type.oid) for a in stmt.get_attributes()], [tuple(r) for r in rows])

    expected = _asyncpg(pg_demo.port, fn)
    assert expected[1], "the statement must return rows on PostgreSQL"
    assert _asyncpg(riffq_emul.port, fn) == expected

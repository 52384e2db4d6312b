"""Re-captures the client statements of the differential corpus (``corpus_diff.py
--capture-clients`` / ``--capture-completion``): runs real clients (drivers' introspection,
SQLAlchemy's inspector, pgjdbc's DatabaseMetaData, pgcli and psql completion) against a
logging PostgreSQL 15 and writes what they sent under ``client_queries/``. Only for refreshing
the captures; the tests read the files."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import time
from typing import Iterator

from corpus_diff import (CLIENT_QUERIES, HERE, OBJECTS, PG_BIN, PSQL_COMMANDS, ROOT,  # noqa: E402
                         Cluster, ddl)


def capture_clients(objects_path: str = OBJECTS) -> None:
    import asyncio

    import asyncpg
    import asyncpg.introspection as intro
    import psycopg
    from psycopg.types import TypeInfo

    with open(objects_path) as f:
        objects = json.load(f)
    cluster = Cluster().start()
    try:
        conn = psycopg.connect(cluster.dsn(), autocommit=True)
        for stmt in ddl(objects):
            conn.execute(stmt)
        os.makedirs(CLIENT_QUERIES, exist_ok=True)
        # psql: the queries -E echoes between "********* QUERY **********" markers.
        rows = []
        for cmd in PSQL_COMMANDS:
            out = subprocess.run([f"{PG_BIN}/psql", "-X", "-E", "-d", cluster.dsn(), "-c", cmd],
                                 capture_output=True, text=True, check=True).stdout
            for q in re.findall(r"\*{9} QUERY \*{10}\n(.*?)\n\*{26}", out, re.S):
                rows.append({"client": "psql 15", "command": cmd, "query": q.strip(), "parameters": []})
        _write(os.path.join(CLIENT_QUERIES, "psql15_backslash.jsonl"), rows)
        # asyncpg: its type introspection, for a built-in array and a composite type.
        users_t = conn.execute("SELECT 'users'::regtype::oid").fetchone()[0]
        rows = [{"client": "asyncpg", "query": intro.INTRO_LOOKUP_TYPES_13,
                 "parameters": ["{1007,1009,%d}" % users_t]},
                {"client": "asyncpg", "query": intro.TYPE_BY_NAME, "parameters": ["users", "public"]},
                {"client": "asyncpg", "query": intro.TYPE_BY_NAME, "parameters": ["int4", "pg_catalog"]}]
        # Check that asyncpg really sends these (its connect runs the version query first).
        async def probe():
            c = await asyncpg.connect(host=cluster.tmp, port=cluster.port, user="postgres",
                                      database="postgres")
            await c.fetch("SELECT $1::int[]", [1])
            await c.close()
        asyncio.run(probe())
        # psycopg: TypeInfo / RangeInfo / CompositeInfo / EnumInfo fetch queries.
        from psycopg.types.composite import CompositeInfo
        from psycopg.types.enum import EnumInfo
        from psycopg.types.range import RangeInfo
        for cls, name in ((TypeInfo, "int4"), (TypeInfo, "text[]"), (RangeInfo, "int4range"),
                          (CompositeInfo, "users"), (EnumInfo, "users")):
            q = cls._get_info_query(conn)
            q = q.as_string(conn) if hasattr(q, "as_string") else q
            if isinstance(q, bytes):
                q = q.decode()
            q = q.replace("%(name)s", "$1")
            rows.append({"client": "psycopg", "query": q, "parameters": [name]})
        _write(os.path.join(CLIENT_QUERIES, "drivers_type_introspection.jsonl"), rows)
        conn.close()
    finally:
        cluster.stop()
    capture_logged(objects)
    capture_pgcli_psql(objects)


def logged_statements(log: str, client: str) -> list[dict]:
    """Catalog statements in a server log written with log_statement=all and
    log_line_prefix=@@@: simple-protocol statements and extended-protocol executions with their
    parameters, in order, without duplicates."""
    out, seen = [], set()
    entries = log.split("@@@")
    for i, e in enumerate(entries):
        m = re.match(r"LOG:  (?:statement|execute [^:]*): (.*)", e, re.S)
        if not m:
            continue
        sql = m.group(1).rstrip("\n").replace("\n\t", "\n")
        params: list = []
        if i + 1 < len(entries) and entries[i + 1].startswith("DETAIL:  parameters: "):
            params = _log_params(entries[i + 1][len("DETAIL:  parameters: "):].strip())
        if not re.search(r"pg_|information_schema", sql) or re.match(
                r"\s*(SET|SHOW|BEGIN|COMMIT|ROLLBACK)\b", sql, re.I):
            continue
        key = (sql, tuple(params))
        if key in seen:
            continue
        seen.add(key)
        out.append({"client": client, "query": sql, "parameters": params})
    return out


def _log_params(text: str) -> list:
    """'$1 = 'a', $2 = NULL' → ['a', None] (values are quoted with '' doubled)."""
    vals = []
    for m in re.finditer(r"\$\d+ = (NULL|'((?:[^']|'')*)')", text):
        vals.append(None if m.group(1) == "NULL" else m.group(2).replace("''", "'"))
    return vals


def _logging_cluster(objects: dict) -> Cluster:
    """A cluster logging every statement, with the objects created in one transaction."""
    import psycopg

    cluster = Cluster().start(log_statements=True)
    try:
        with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
            with conn.transaction():
                for stmt in ddl(objects):
                    conn.execute(stmt)
    except Exception:
        cluster.stop()
        raise
    return cluster


def capture_logged(objects: dict) -> None:
    """SQLAlchemy's inspector (psycopg) and pgjdbc's DatabaseMetaData against a server that logs
    every statement; their catalog statements are kept as client queries."""
    import sqlalchemy as sa

    cluster = _logging_cluster(objects)
    log_path = os.path.join(cluster.tmp, "log")
    try:
        with _capture(log_path, "sqlalchemy_inspector.jsonl", "sqlalchemy 2 (psycopg)"):
            _inspect_everything(sa, cluster)
        with _capture(log_path, "pgjdbc_metadata.jsonl", "pgjdbc 42.5 DatabaseMetaData"):
            subprocess.run(["java", "-cp", "/usr/share/java/postgresql.jar",
                            os.path.join(HERE, "clients", "JdbcMetadata.java"),
                            f"jdbc:postgresql://127.0.0.1:{cluster.port}/postgres"],
                           check=True, capture_output=True, text=True)
    finally:
        cluster.stop()


def _inspect_everything(sa, cluster) -> None:
    """Every Inspector call whose catalog statements the corpus keeps."""
    eng = sa.create_engine(f"postgresql+psycopg://postgres@/postgres?host={cluster.tmp}"
                           f"&port={cluster.port}")
    insp = sa.inspect(eng)
    insp.get_schema_names()
    insp.get_table_names()
    insp.get_view_names()
    insp.get_materialized_view_names()
    insp.has_table("users")
    for schema, table in (("public", "users"), ("public", "orders"), ("sales", "customer")):
        insp.get_columns(table, schema=schema)
        insp.get_pk_constraint(table, schema=schema)
        insp.get_foreign_keys(table, schema=schema)
        insp.get_indexes(table, schema=schema)
        insp.get_unique_constraints(table, schema=schema)
        insp.get_check_constraints(table, schema=schema)
        insp.get_table_comment(table, schema=schema)
    insp.get_view_definition("active_users")
    insp.get_multi_columns(schema="public")
    eng.dispose()


# pgcli's completion refresher (pgcli/completion_refresher.py) calls these PGExecute methods on
# connect; the \\ commands go through pgspecial. Run with a Python that has pgcli 4.7.1
# (PGCLI_PYTHON, e.g. a virtual environment with `pip install pgcli==4.7.1`).
PGCLI_SCRIPT = r"""
import sys
from pgcli.pgexecute import PGExecute
from pgspecial.main import PGSpecial
special = PGSpecial()
ex = PGExecute("postgres", "postgres", "", "127.0.0.1", sys.argv[1], "")
ex.search_path(); ex.schemata(); list(ex.tables()); list(ex.table_columns()); list(ex.views())
list(ex.view_columns()); list(ex.foreignkeys()); list(ex.functions()); list(ex.datatypes())
list(ex.databases()); list(ex.casing()); ex.view_definition("active_users")
for cmd in ["\\d", "\\dt", "\\dv", "\\di", "\\dn", "\\df", "\\l", "\\du",
            "\\d users", "\\d+ orders", "\\dT", "\\ds"]:
    for _ in ex.run(cmd, pgspecial=special):
        pass
"""

# psql 15's tab completion (tab-complete.c): each line is typed into an interactive psql (a
# pseudo-terminal, so readline is on) followed by two TABs; the catalog queries it sends are
# taken from the server log.
PSQL_COMPLETIONS = [
    "SELECT * FROM ", "SELECT * FROM sales.", "SELECT * FROM us", "SELECT * FROM users WHERE ",
    "SELECT * FROM users JOIN ", "INSERT INTO users (", "UPDATE orders SET ", "\\d ", "\\dt ",
    "\\dn ", "\\df ", "\\dv ", "\\di ", "\\du ", "\\dT ", "\\c ", "\\l ",
    "ALTER TABLE ", "ALTER TABLE users ALTER COLUMN ", "DROP INDEX ", "DROP VIEW ",
    "DROP SCHEMA ", "ALTER SEQUENCE ", "COMMENT ON TABLE ", "GRANT SELECT ON users TO ",
    "CREATE TABLE x (a ", "SET ", "SHOW ", "SELECT pg_get_", "DROP FUNCTION ",
    "CREATE INDEX ON users (", "ANALYZE ", "TRUNCATE ", "ALTER ROLE ", "\\dx ",
]


def capture_pgcli_psql(objects: dict) -> None:
    """pgcli's completion and \\ command queries, and psql 15's tab-completion queries, from a
    server logging every statement."""
    import pty
    import select

    cluster = _logging_cluster(objects)
    try:
        log_path = os.path.join(cluster.tmp, "log")
        pgcli_python = os.environ.get("PGCLI_PYTHON")
        if pgcli_python:
            with _capture(log_path, "pgcli_completion.jsonl", "pgcli 4.7.1"):
                r = subprocess.run([pgcli_python, "-c", PGCLI_SCRIPT, str(cluster.port)],
                                   capture_output=True, text=True, timeout=120)
                if r.returncode != 0:
                    raise RuntimeError(f"pgcli failed: {r.stderr}")
        mark = os.path.getsize(log_path)
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(f"{PG_BIN}/psql", ["psql", "-X", "-h", "127.0.0.1", "-p", str(cluster.port),
                                         "-U", "postgres", "postgres"],
                      {"TERM": "dumb", "LANG": "C.UTF-8", "PAGER": "", "HOME": cluster.tmp})

        def drain(seconds: float) -> None:
            end = time.time() + seconds
            while time.time() < end:
                r, _, _ = select.select([fd], [], [], 0.05)
                if r:
                    try:
                        os.read(fd, 65536)
                    except OSError:
                        return
        drain(1.0)
        for line in PSQL_COMPLETIONS:
            os.write(fd, line.encode() + b"\t\t")
            drain(0.5)
            os.write(fd, b"\x03")  # Ctrl-C: psql drops the line and prompts again
            drain(0.1)
        os.write(fd, b"\\q\n")
        drain(0.5)
        os.waitpid(pid, 0)
        _write_logged(log_path, mark, "psql15_tab_completion.jsonl", "psql 15 tab completion")
    finally:
        cluster.stop()


@contextlib.contextmanager
def _capture(log_path: str, out_name: str, client: str) -> Iterator[None]:
    """Keeps the statements the server logs while the block runs as client queries."""
    mark = os.path.getsize(log_path)
    yield
    _write_logged(log_path, mark, out_name, client)


def _write_logged(log_path: str, mark: int, out_name: str, client: str) -> None:
    with open(log_path) as f:
        f.seek(mark)
        log = f.read()
    _write(os.path.join(CLIENT_QUERIES, out_name), logged_statements(log, client))


def _write(path: str, rows: list[dict]) -> None:
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"wrote {len(rows)} statements to {os.path.relpath(path, ROOT)}")

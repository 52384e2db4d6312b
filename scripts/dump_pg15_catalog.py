#!/usr/bin/env python3
"""Dump the built-in catalog of a fresh PostgreSQL 15 cluster to data/catalog/pg15_catalog.txt.

Starts a throwaway cluster (initdb as the `postgres` OS user when run as root, unix socket only,
in a private temporary directory), dumps every base table and view of pg_catalog and
information_schema plus a few function-backed pseudo tables, stops the cluster and removes the
directory (also on error).

The output is deterministic: re-running the script on the same machine gives a byte-identical
file. Table rows are in heap (ctid) order, the order a sequential scan returns them, which a
fresh initdb reproduces; the port is always
5432 (the socket lives in a private directory, so it cannot collide) and the temporary paths are
replaced by Debian's default paths.

The format is documented in include/riffq/catalog/builtin_data.hpp; in short, one record per line,
fields separated by tabs and escaped as COPY text does:

    # comment lines (only at the top)
    T <schema> <table> <oid> <rowtype oid> <ncols> <nrows>     a base table, followed by
    C <name> <type oid> <typmod> <t|f not null>                ncols column lines, then
    <row>                                                      nrows lines, exactly COPY TO output
    X <xmin*count ...>                                         the rows' xmin, run-length encoded
    V <schema> <view> <oid> <rowtype oid> <ncols>              a view, followed by ncols C lines
    D <definition>                                             and its pg_get_viewdef(oid, false)
    P <key> <schema> <name> <oid> <rowtype oid> <ncols> <nrows> pseudo table (settings, keywords,
                                                               available_extensions): as T
    B <proc oid> <body>                                        pg_get_function_sqlbody(oid)
    F <function> <oid> <text>     result of a pg_get_* function for a built-in object
    END <number of records>
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "data" / "catalog" / "pg15_catalog.txt"

# The socket lives in a private directory and TCP is off, so the default port never collides and
# keeps pg_settings' `port` row the same as a stock cluster.
PORT = 5432
# Temporary paths are replaced by these (Debian's defaults) so that the output is reproducible.
STABLE_DATA_DIR = "/var/lib/postgresql/15/main"
STABLE_SOCKET_DIR = "/var/run/postgresql"

EXCLUDED_TABLES = {
    ("pg_catalog", "pg_statistic"),  # anyarray columns holding values of every type
    ("pg_catalog", "pg_largeobject"),
    ("pg_catalog", "pg_largeobject_metadata"),
}
SCHEMAS = ("pg_catalog", "information_schema")

# Pseudo tables: rows of views over set-returning C functions that the engine serves from data.
PSEUDO_TABLES = (
    ("settings", "pg_catalog", "pg_settings", "SELECT * FROM pg_catalog.pg_settings", "name"),
    (
        "keywords",
        "pg_catalog",
        "pg_get_keywords",
        "SELECT * FROM pg_catalog.pg_get_keywords()",
        "word",
    ),
    (
        "available_extensions",
        "pg_catalog",
        "pg_available_extensions",
        "SELECT * FROM pg_catalog.pg_available_extensions",
        "name",
    ),
    # Set-returning functions served from these rows (key "srf", named after the function).
    # pg_timezone_names' utc_offset / is_dst are those of the day of the dump.
    (
        "srf",
        "pg_catalog",
        "pg_available_extension_versions",
        "SELECT * FROM pg_catalog.pg_available_extension_versions()",
        "name",
    ),
    (
        "srf",
        "pg_catalog",
        "pg_timezone_names",
        "SELECT * FROM pg_catalog.pg_timezone_names()",
        "name",
    ),
    (
        "srf",
        "pg_catalog",
        "pg_timezone_abbrevs",
        "SELECT * FROM pg_catalog.pg_timezone_abbrevs()",
        "abbrev",
    ),
)

# reg* columns are dumped as their oids.
REG_TYPES = {24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191}


def copy_escape(text: str) -> str:
    """Escape a value as COPY TO ... (FORMAT text) does."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\v":
            out.append("\\v")
        else:
            out.append(ch)
    return "".join(out)


def record(*fields: object) -> str:
    return "\t".join(copy_escape(str(f)) for f in fields) + "\n"


class Cluster:
    """A throwaway PostgreSQL 15 cluster in a temporary directory."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="riffq-pg15-dump-"))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log_file = self.root / "postgres.log"
        self.started = False
        self.as_postgres = os.geteuid() == 0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env.update({"TZ": "Etc/UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def start(self) -> None:
        self.socket_dir.mkdir()
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            for p in (self.root, self.socket_dir):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        os.chmod(self.root, 0o755)
        os.chmod(self.socket_dir, 0o755)
        self._run(
            str(PG_BIN / "initdb"),
            "-D", str(self.data_dir),
            "-U", "postgres",
            "--locale=C.UTF-8",
            "-E", "UTF8",
            "--auth=trust",
        )  # fmt: skip
        opts = f"-p {PORT} -k {self.socket_dir} -c listen_addresses=''"
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D", str(self.data_dir),
            "-l", str(self.log_file),
            "-w", "-t", "60",
            "-o", opts,
            "start",
        )  # fmt: skip
        self.started = True

    def stop(self) -> None:
        if self.started:
            try:
                self._run(
                    str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"
                )
            finally:
                self.started = False

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket_dir), port=PORT, user="postgres", dbname="postgres"
        )


def copy_rows(cur: psycopg.Cursor, query: sql.Composable) -> list[bytes]:
    buf = bytearray()
    with cur.copy(sql.SQL("COPY ({}) TO STDOUT").format(query)) as copy:
        for chunk in copy:
            buf += chunk
    data = bytes(buf)
    if not data:
        return []
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def xmin_runs(xmins: list[str]) -> str:
    """The xmin of each row, in row order, run-length encoded: "1*194 516*3 1*2"."""
    runs: list[list] = []
    for x in xmins:
        if runs and runs[-1][0] == x:
            runs[-1][1] += 1
        else:
            runs.append([x, 1])
    return " ".join(f"{x}*{n}" for x, n in runs)


def relation_columns(cur: psycopg.Cursor, oid: int) -> list[tuple[str, int, int, bool]]:
    cur.execute(
        "SELECT attname, atttypid::int8, atttypmod, attnotnull FROM pg_catalog.pg_attribute"
        " WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (oid,),
    )
    return [(r[0], r[1], r[2], r[3]) for r in cur.fetchall()]


def column_records(columns: list[tuple[str, int, int, bool]]) -> list[str]:
    return [record("C", n, t, m, "t" if nn else "f") for n, t, m, nn in columns]


def dump(conn: psycopg.Connection) -> tuple[list[str], dict[str, object]]:
    out: list[str] = []
    stats: dict[str, object] = {}
    cur = conn.cursor()
    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    cur.execute("SELECT pg_catalog.current_setting('server_version')")
    (server_version,) = cur.fetchone()
    cur.execute("SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'sql'")
    (sql_lang,) = cur.fetchone()

    records = 0
    cur.execute(
        "SELECT c.oid::int8, n.nspname, c.relname, c.reltype::int8, c.relkind"
        " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'v')"
        ' ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"',
        (list(SCHEMAS),),
    )
    relations = cur.fetchall()

    table_rows: dict[str, int] = {}
    views: list[str] = []
    for oid, schema, name, reltype, relkind in relations:
        columns = relation_columns(cur, oid)
        if relkind == "r":
            if (schema, name) in EXCLUDED_TABLES:
                continue
            cur.execute(
                "SELECT conkey FROM pg_catalog.pg_constraint WHERE conrelid = %s AND contype = 'p'",
                (oid,),
            )
            pkey = cur.fetchone()
            # reg* columns are dumped as numbers: their names are ambiguous (overloads).
            select_list = sql.SQL(", ").join(
                sql.SQL("{}::pg_catalog.oid AS {}").format(sql.Identifier(n), sql.Identifier(n))
                if t in REG_TYPES
                else sql.Identifier(n)
                for n, t, _m, _nn in columns
            )
            # xmin last, split off below: clients read it (IntelliJ's state numbers, age(xmin)).
            # Heap order (ctid), as a sequential scan returns the rows: clients that do not
            # ORDER BY see PostgreSQL's order. A fresh initdb lays the heap out the same way
            # every time, so the file stays reproducible.
            query = sql.SQL("SELECT {}, xmin::pg_catalog.text FROM {}.{} ORDER BY ctid").format(
                select_list,
                sql.Identifier(schema),
                sql.Identifier(name),
            )
            rows_xmin = [r.rsplit(b"\t", 1) for r in copy_rows(cur, query)]
            rows = [r for r, _x in rows_xmin]
            out.append(record("T", schema, name, oid, reltype, len(columns), len(rows)))
            out.extend(column_records(columns))
            out.extend(r.decode("utf-8") + "\n" for r in rows)
            out.append(record("X", xmin_runs([x.decode() for _r, x in rows_xmin])))
            table_rows[f"{schema}.{name}"] = len(rows)
        else:
            cur.execute("SELECT pg_catalog.pg_get_viewdef(%s::pg_catalog.oid, false)", (oid,))
            (definition,) = cur.fetchone()
            out.append(record("V", schema, name, oid, reltype, len(columns)))
            out.extend(column_records(columns))
            out.append(record("D", definition))
            views.append(f"{schema}.{name}")
        records += 1

    pseudo_rows: dict[str, int] = {}
    for key, schema, name, query_text, sort_key in PSEUDO_TABLES:
        query = sql.SQL(query_text + " ORDER BY {}").format(
            sql.SQL('{} COLLATE "C"').format(sql.Identifier(sort_key))
        )
        cur.execute(sql.SQL("{} LIMIT 0").format(query))
        res = cur.pgresult
        assert res is not None
        columns = [
            (
                res.fname(i).decode(),
                res.ftype(i),
                res.fmod(i),
                False,
            )
            for i in range(res.nfields)
        ]
        if key in ("keywords", "srf"):
            cur.execute(
                "SELECT oid::int8, 0 FROM pg_catalog.pg_proc"
                " WHERE proname = %s AND pronamespace = 'pg_catalog'::regnamespace",
                (name,),
            )
        else:
            cur.execute(
                "SELECT oid::int8, reltype::int8 FROM pg_catalog.pg_class"
                " WHERE relname = %s AND relnamespace = 'pg_catalog'::regnamespace",
                (name,),
            )
        oid, rowtype = cur.fetchone()
        rows = copy_rows(cur, query)
        out.append(record("P", key, schema, name, oid, rowtype, len(columns), len(rows)))
        out.extend(column_records(columns))
        out.extend(r.decode("utf-8") + "\n" for r in rows)
        pseudo_rows[name] = len(rows)
        records += 1

    # Functions with SQL-standard bodies (BEGIN ATOMIC / RETURN): prosrc is empty for those and
    # prosqlbody is a pg_node_tree, so keep the deparsed text.
    cur.execute(
        "SELECT p.oid::int8, p.proname, pg_catalog.pg_get_function_sqlbody(p.oid)"
        " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = ANY(%s) AND p.prosqlbody IS NOT NULL ORDER BY p.oid",
        (list(SCHEMAS),),
    )
    sql_bodies = cur.fetchall()
    for oid, _name, body in sql_bodies:
        out.append(record("B", oid, body))
        records += 1

    # Results of the pg_get_* functions for built-in objects: the engine cannot deparse
    # PostgreSQL's node trees, so it prints what PostgreSQL printed.
    definitions = [
        ("pg_get_constraintdef", "SELECT oid::int8, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint"),
        ("pg_get_indexdef", "SELECT indexrelid::int8, pg_catalog.pg_get_indexdef(indexrelid) FROM pg_catalog.pg_index"),
        ("pg_get_function_arguments", "SELECT oid::int8, pg_catalog.pg_get_function_arguments(oid) FROM pg_catalog.pg_proc"),
        ("pg_get_function_identity_arguments",
         "SELECT oid::int8, pg_catalog.pg_get_function_identity_arguments(oid) FROM pg_catalog.pg_proc"),
        ("pg_get_function_result", "SELECT oid::int8, pg_catalog.pg_get_function_result(oid) FROM pg_catalog.pg_proc"),
        ("pg_get_ruledef", "SELECT oid::int8, pg_catalog.pg_get_ruledef(oid) FROM pg_catalog.pg_rewrite"),
    ]
    definition_count = 0
    for function, query in definitions:
        cur.execute(query + " ORDER BY 1")
        for oid, text in cur.fetchall():
            if text is None:
                continue
            out.append(record("F", function, oid, text))
            records += 1
            definition_count += 1
    # pg_get_expr of the node trees stored in the built-in rows (argument defaults).
    cur.execute(
        "SELECT DISTINCT proargdefaults::text, pg_catalog.pg_get_expr(proargdefaults, 0)"
        " FROM pg_catalog.pg_proc WHERE proargdefaults IS NOT NULL ORDER BY 1"
    )
    for tree, text in cur.fetchall():
        out.append(record("F", "pg_get_expr:" + tree, 0, text))
        records += 1
        definition_count += 1
    stats["definitions"] = definition_count

    # Every other SQL-language function keeps its source in pg_proc.prosrc.
    cur.execute(
        "SELECT count(*) FROM pg_catalog.pg_proc p"
        " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = ANY(%s) AND p.prolang = %s AND p.prosqlbody IS NULL"
        " AND coalesce(p.prosrc, '') = ''",
        (list(SCHEMAS), sql_lang),
    )
    (missing,) = cur.fetchone()
    if missing:
        raise RuntimeError(f"{missing} SQL functions have neither prosrc nor prosqlbody")
    cur.execute(
        "SELECT count(*) FILTER (WHERE prosqlbody IS NULL),"
        " count(*) FILTER (WHERE prosqlbody IS NOT NULL)"
        " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = ANY(%s) AND p.prolang = %s",
        (list(SCHEMAS), sql_lang),
    )
    sql_prosrc, sql_std = cur.fetchone()
    conn.rollback()

    header = [
        "# PostgreSQL 15 built-in catalog, dumped by scripts/dump_pg15_catalog.py. Do not edit.\n",
        f"# server_version: {server_version}\n",
        "# Format: include/riffq/catalog/builtin_data.hpp\n",
    ]
    out = header + out + [record("END", records)]
    stats.update(
        server_version=server_version,
        tables=table_rows,
        views=views,
        pseudo=pseudo_rows,
        sql_bodies=[(oid, name) for oid, name, _ in sql_bodies],
        sql_functions_prosrc=sql_prosrc,
        sql_functions_sqlbody=sql_std,
    )
    return out, stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("-v", "--verbose", action="store_true", help="print what was dumped")
    args = parser.parse_args()

    started = time.monotonic()
    cluster = Cluster()
    try:
        cluster.start()
        with contextlib.closing(cluster.connect()) as conn:
            lines, stats = dump(conn)
    finally:
        cluster.cleanup()

    text = "".join(lines)
    text = text.replace(str(cluster.data_dir), STABLE_DATA_DIR)
    text = text.replace(str(cluster.socket_dir), STABLE_SOCKET_DIR)
    if str(cluster.root) in text:
        raise RuntimeError(f"temporary path {cluster.root} leaked into the dump")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(args.output)

    tables = stats["tables"]
    assert isinstance(tables, dict)
    print(
        f"{args.output}: {len(text.encode())} bytes, {len(tables)} tables,"
        f" {len(stats['views'])} views, {len(stats['sql_bodies'])} SQL-standard bodies,"
        f" server {stats['server_version']}, {time.monotonic() - started:.1f} s"
    )
    if args.verbose:
        for name, n in sorted(tables.items(), key=lambda kv: -kv[1]):
            print(f"  table {name}: {n} rows")
        for name in stats["views"]:  # type: ignore[union-attr]
            print(f"  view {name}")
        for key, n in stats["pseudo"].items():  # type: ignore[union-attr]
            print(f"  pseudo {key}: {n} rows")
        for oid, name in stats["sql_bodies"]:  # type: ignore[union-attr]
            print(f"  sql body {oid} {name}")
        print(
            f"  SQL functions: {stats['sql_functions_prosrc']} with prosrc,"
            f" {stats['sql_functions_sqlbody']} with SQL-standard bodies"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

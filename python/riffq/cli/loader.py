"""Building the DuckDB database ``riffq serve`` answers from, and its catalog.

:func:`load` turns a :class:`~riffq.cli.sources.Plan` into views in an in-memory DuckDB
database (attaching DuckDB database files), reporting each file DuckDB cannot read and going
on with the others; :meth:`Served.register_catalog` registers what was served, with the
attached databases' keys, defaults and comments and the Parquet files' NOT NULL columns.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from ..catalog import duckdb_type_to_pg, register_duckdb
from .progress import Progress
from .sources import Database, Plan, Source

__all__ = ["Served", "load", "problem_message"]

logger = logging.getLogger("riffq")

#: Shown schema of each attached database's DuckDB schema ``main``.
MAIN_AS = "public"


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def problem_message(exc: BaseException) -> str:
    """The first line of an error, without DuckDB's ``IO Error:`` style prefix."""
    first = str(exc).strip().split("\n")[0]
    for prefix in ("IO Error: ", "Invalid Input Error: ", "Binder Error: ", "Catalog Error: ",
                   "Conversion Error: ", "Parser Error: ", "Serialization Error: "):
        if first.startswith(prefix):
            return first[len(prefix):]
    return first


@dataclass
class _FileTable:
    schema: str
    name: str
    columns: List[Dict[str, Dict[str, Any]]]
    comment: str


@dataclass
class Served:
    """The DuckDB database ``riffq serve`` answers from.

    Attributes:
        con: The DuckDB connection (in-memory, with the database files attached).
        search_path: DuckDB ``search_path`` for every cursor.
        tables: ``schema.name`` of everything served.
        problems: ``(what, why)`` of each path that could not be served.
    """

    con: Any
    search_path: str = "public"
    tables: List[str] = field(default_factory=list)
    problems: List[Tuple[str, str]] = field(default_factory=list)
    _files: List[_FileTable] = field(default_factory=list)
    _attached: List[str] = field(default_factory=list)
    _native: bool = False  # the in-memory database has real tables (the sample)

    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers every served table under ``database``."""
        server.register_database(database)
        server.register_schema(database, MAIN_AS)
        names: List[str] = []
        if self._native:
            names += register_duckdb(server, self.con, database=database,
                                     duckdb_database="memory")
        for alias in self._attached:
            names += register_duckdb(server, self.con, database=database, duckdb_database=alias,
                                     schema_map={"main": MAIN_AS})
        for t in self._files:
            server.register_schema(database, t.schema)
            server.register_table(database, t.schema, t.name, t.columns, comment=t.comment)
            names.append(f"{t.schema}.{t.name}")
        return names


def _reader_sql(source: Source) -> str:
    files = "[" + ", ".join(_lit(p) for p in source.paths) + "]"
    if source.kind == "parquet":
        return f"read_parquet({files}, union_by_name = true)"
    if source.kind == "csv":
        return f"read_csv({files}, union_by_name = true)"
    if source.kind == "json":
        return f"read_json({files}, union_by_name = true)"
    raise ValueError(source.kind)


def _required_parquet_columns(con: Any, path: str) -> Set[str]:
    # Top-level REQUIRED fields of the first file: NOT NULL in PostgreSQL terms.
    try:
        rows = con.execute("SELECT name, repetition_type, num_children FROM parquet_schema(?)",
                           [path]).fetchall()
    except Exception:  # noqa: BLE001 - nullability is a nicety
        return set()
    children = [int(r[2] or 0) for r in rows]

    def subtree_end(i: int) -> int:
        j = i + 1
        for _ in range(children[i]):
            j = subtree_end(j)
        return j

    required: Set[str] = set()
    i = 1  # row 0 is the root; its direct children follow, each with its subtree
    while i < len(rows):
        if rows[i][1] == "REQUIRED":
            required.add(str(rows[i][0]))
        i = subtree_end(i)
    return required


class _Loader:
    def __init__(self, con: Any, read_only: bool, report: Callable[[str, str], None]) -> None:
        self.con = con
        self.read_only = read_only
        self.report = report
        self.taken: Dict[Tuple[str, str], str] = {}
        self.schemas: Set[str] = {MAIN_AS}
        self.served = Served(con)

    def _claim(self, schema: str, name: str, origin: str) -> bool:
        prev = self.taken.get((schema, name))
        if prev is not None:
            self.report(origin, f"table {schema}.{name} is already served from {prev} "
                                "(choose another name with NAME=PATH)")
            return False
        self.taken[(schema, name)] = origin
        return True

    def _schema(self, schema: str) -> None:
        if schema not in self.schemas:
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
            self.schemas.add(schema)

    def attach(self, db: Database, aliases: Set[str]) -> None:
        alias, n = db.alias, 2
        while alias in aliases or alias in ("memory", "temp", "system", MAIN_AS):
            alias, n = f"{db.alias}_{n}", n + 1
        opts = " (READ_ONLY)" if self.read_only else ""
        try:
            self.con.execute(f"ATTACH {_lit(db.path)} AS {_q(alias)}{opts}")
        except Exception as exc:  # noqa: BLE001 - reported, the rest is still served
            self.report(db.path, problem_message(exc))
            return
        aliases.add(alias)
        rels = self.con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
            "AND NOT internal UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
            "WHERE database_name = ? AND NOT internal ORDER BY 1, 2", [alias, alias]).fetchall()
        for schema, name in rels:
            shown = MAIN_AS if schema == "main" else schema
            if not self._claim(shown, name, db.path):
                continue
            self._schema(shown)
            self.con.execute(f"CREATE VIEW {_q(shown)}.{_q(name)} AS SELECT * FROM "
                             f"{_q(alias)}.{_q(schema)}.{_q(name)}")
            self.served.tables.append(f"{shown}.{name}")
        self.served._attached.append(alias)

    def file(self, source: Source) -> None:
        if not self._claim(source.schema, source.name, source.origin):
            return
        target = f"{_q(source.schema)}.{_q(source.name)}"
        try:
            self._schema(source.schema)
            if source.kind == "arrow":
                self._arrow(source, target)
            else:
                self.con.execute(f"CREATE VIEW {target} AS SELECT * FROM {_reader_sql(source)}")
                # Reading one row proves the file is readable now, not at the first query.
                self.con.execute(f"SELECT * FROM {target} LIMIT 1").fetchall()
        except Exception as exc:  # noqa: BLE001 - reported, the rest is still served
            self.con.execute(f"DROP VIEW IF EXISTS {target}")
            del self.taken[(source.schema, source.name)]
            self.report(source.origin, problem_message(exc))
            return
        required: Set[str] = set()
        if source.kind == "parquet":
            required = _required_parquet_columns(self.con, source.paths[0])
        cols = self.con.execute(f"DESCRIBE {target}").fetchall()
        columns = [{c[0]: {"type": duckdb_type_to_pg(str(c[1])), "nullable": c[0] not in required}}
                   for c in cols]
        where = (os.path.basename(source.paths[0]) if len(source.paths) == 1
                 else f"{len(source.paths)} files")
        self.served._files.append(_FileTable(source.schema, source.name, columns,
                                             f"{source.kind} data from {where}"))
        self.served.tables.append(f"{source.schema}.{source.name}")

    def _arrow(self, source: Source, target: str) -> None:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        tables = []
        for path in source.paths:
            try:
                tables.append(ipc.open_file(path).read_all())
            except pa.ArrowInvalid:
                with open(path, "rb") as f:
                    tables.append(ipc.open_stream(f).read_all())
        data = pa.concat_tables(tables, promote_options="default")
        self.con.register("__riffq_arrow", data)
        try:
            self.con.execute(f"CREATE TABLE {target} AS SELECT * FROM __riffq_arrow")
        finally:
            self.con.unregister("__riffq_arrow")


def load(plan: Plan, *, read_only: bool = False, sample: bool = False,
         report: Optional[Callable[[str, str], None]] = None,
         progress: Optional[Progress] = None) -> Served:
    """Builds the served DuckDB database from ``plan`` (or the built-in sample).

    ``report(what, why)`` is called for each path that cannot be served (default: a WARNING
    on the ``riffq`` logger); the others are served all the same.
    """
    import duckdb

    problems: List[Tuple[str, str]] = []

    def note(what: str, why: str) -> None:
        problems.append((what, why))
        if report is not None:
            report(what, why)
        else:
            logger.warning("skipping %s: %s", what, why)

    for path, why in plan.skipped:
        note(path, why)
    con = duckdb.connect()
    con.execute(f"CREATE SCHEMA {MAIN_AS}")
    loader = _Loader(con, read_only, note)
    if sample:
        from .sample import create_sample

        create_sample(con)
        loader.served._native = True
        loader.served.tables += ["public.cities", "public.trips"]
        for name in ("cities", "trips"):
            loader.taken[(MAIN_AS, name)] = "the built-in sample"
    aliases: Set[str] = set()
    for db in plan.databases:
        loader.attach(db, aliases)
        if progress is not None:
            progress.step(os.path.basename(db.path))
    for source in plan.sources:
        loader.file(source)
        if progress is not None:
            progress.step(source.name)
    if progress is not None:
        progress.finish()
    served = loader.served
    served.problems = problems
    # Attached databases' own tables first (unqualified names reach the writable table, not
    # its view); the sub-folder schemas last, so that DuckDB finds "sales.q1" in memory.
    others = sorted(loader.schemas - {MAIN_AS})
    served.search_path = ",".join([f"{_q(a)}.main" for a in served._attached] +
                                  [f"memory.{MAIN_AS}"] + [f"memory.{_q(s)}" for s in others])
    return served

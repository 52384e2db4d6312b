"""A ready Apache Spark backend through Spark Connect (``pyspark-client``; no Java in the
riffq process): SQL goes to ``spark.sql()``, results stream back as the Arrow batches Spark
sends (not collected whole), and the catalog comes from Spark's catalog.

    from riffq.backends.spark import SparkBackend

    SparkBackend("sc://spark-host:15002").serve(port=5433)
    # or: riffq serve --spark sc://spark-host:15002

Works with any Spark Connect endpoint: a Spark 3.5+/4.x cluster, the local Spark Connect
server of the ``pyspark`` package, or Sail (``pysail``).

The PostgreSQL dialect is bridged where it is cheap and safe: ``$1`` parameters become Spark's
``?`` markers, ``"quoted"`` identifiers become ```backticked``` ones, and the schema shown as
``public`` (Spark's ``default`` database) is renamed back. Spark has no transactions: BEGIN /
COMMIT / ROLLBACK and savepoints are accepted, and a statement that writes inside a
transaction block is refused with ``0A000`` (run writes in autocommit mode), so a ROLLBACK is
never claimed for a write Spark already applied.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ..answers import Result, SQLError, statement_tag
from .base import ExecutorBackend
from .statements import ROW_WORDS, TX_WORDS, first_word, savepoint_command, strip_sql

logger = logging.getLogger("riffq")

__all__ = ["SparkBackend", "spark_type_to_pg", "spark_sqlstate", "to_spark_sql"]


def spark_type_to_pg(data_type: str) -> str:
    """The PostgreSQL type name for a Spark SQL type (``decimal(10,2)`` → ``numeric(10,2)``,
    ``array<string>`` → ``text[]``, ``struct<…>`` → ``record``, ``map<…>`` → ``jsonb``,
    ``timestamp`` → ``timestamptz``, ``timestamp_ntz`` → ``timestamp``)."""
    t = data_type.strip().lower()
    if t.startswith("array<") and t.endswith(">"):
        inner = spark_type_to_pg(t[6:-1])
        return inner if inner.endswith("[]") else inner + "[]"
    if t.startswith("struct<"):
        return "record"
    if t.startswith("map<"):
        return "jsonb"
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", t)
    if m:
        return f"numeric({m.group(1)},{m.group(2)})"
    m = re.fullmatch(r"(varchar|char)\((\d+)\)", t)
    if m:
        return ("character varying" if m.group(1) == "varchar" else "character") + f"({m.group(2)})"
    if t.startswith("interval"):
        return "interval"
    return {
        "bigint": "bigint", "long": "bigint", "int": "integer", "integer": "integer",
        "smallint": "smallint", "short": "smallint", "tinyint": "smallint", "byte": "smallint",
        "double": "double precision", "float": "real", "real": "real", "string": "text",
        "boolean": "boolean", "binary": "bytea", "date": "date", "timestamp": "timestamptz",
        "timestamp_ltz": "timestamptz", "timestamp_ntz": "timestamp", "decimal": "numeric",
        "void": "text",
    }.get(t, "text")


_CONDITIONS = {
    "TABLE_OR_VIEW_NOT_FOUND": "42P01", "UNRESOLVED_COLUMN": "42703",
    "UNRESOLVED_ROUTINE": "42883", "SCHEMA_NOT_FOUND": "3F000", "PARSE_SYNTAX_ERROR": "42601",
    "TABLE_OR_VIEW_ALREADY_EXISTS": "42P07", "DIVIDE_BY_ZERO": "22012",
    "CAST_INVALID_INPUT": "22P02", "ARITHMETIC_OVERFLOW": "22003",
}


def spark_sqlstate(exc: BaseException) -> Optional[str]:
    """The SQLSTATE for a PySpark exception (Spark's own, which follows PostgreSQL's codes, or
    one from its error condition), or ``None`` if it is not one."""
    if "pyspark" not in (type(exc).__module__ or ""):
        return None
    get = getattr(exc, "getSqlState", None)
    state = get() if callable(get) else None
    if isinstance(state, str) and len(state) == 5:
        return state
    msg = str(exc)
    for cond, code in _CONDITIONS.items():
        if cond in msg:
            return code
    low = msg.lower()
    names = [c.__name__ for c in type(exc).__mro__]
    if "ParseException" in names or "expected something else" in low or "syntax error" in low:
        return "42601"
    if "cannot resolve attribute" in low or "missing from the schema" in low:
        return "42703"
    if "not found" in low and ("table" in low or "view" in low):
        return "42P01"
    if "AnalysisException" in names:
        return "42000"
    return "XX000"


_TOKEN = re.compile(r"'(?:[^']|'')*'|\"((?:[^\"]|\"\")*)\"|\$(\d+)|\b(public)\s*\.", re.S)


def to_spark_sql(sql: str, args: Sequence[Any], public: str = "default") -> Tuple[str, List[Any]]:
    """``(spark_sql, positional_args)``: PostgreSQL's ``$n`` → ``?`` (arguments reordered by
    occurrence), ``"ident"`` → ```ident```, ``public.`` → ``<public>.``; text in single quotes
    is left alone."""
    out: List[Any] = []

    def repl(m: "re.Match[str]") -> str:
        if m.group(0).startswith("'"):
            return m.group(0)
        if m.group(1) is not None:
            ident = m.group(1).replace('""', '"')
            if ident == "public":
                ident = public
            return "`" + ident.replace("`", "``") + "`"
        if m.group(2) is not None:
            n = int(m.group(2))
            if n < 1 or n > len(args):
                raise SQLError(f"there is no parameter ${n}", "42P02")
            out.append(args[n - 1])
            return "?"
        return f"{public}."

    return _TOKEN.sub(repl, sql), out


class SparkBackend(ExecutorBackend):
    """Serves a Spark Connect endpoint: see the module documentation.

    Args:
        remote: The Spark Connect URL (``sc://host:15002``), unless ``session`` is given.
        session: An existing ``SparkSession`` (Spark Connect) to use.
        init_sql: Statements run once at start (``CREATE TABLE … USING parquet LOCATION …``).
        workers: Threads that run statements.
        public: Spark database shown as ``public``.
        read_only: Refuse statements that write (``25006``).
    """

    def __init__(self, remote: Optional[str] = None, *, session: Any = None,
                 init_sql: Sequence[str] = (), workers: int = 4, public: str = "default",
                 read_only: bool = False) -> None:
        super().__init__(workers=workers)
        self.read_only = read_only
        self._own_session = session is None
        if session is None:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pyspark's notes about pandas versions
                from pyspark.sql import SparkSession

            if not remote:
                raise ValueError("SparkBackend needs a Spark Connect URL or a session")
            session = SparkSession.builder.remote(remote).getOrCreate()
        self.spark = session
        self.public = public
        self._catalog_targets: List[Tuple[Any, str]] = []
        self._catalog_lock = threading.Lock()
        for stmt in init_sql:
            self.spark.sql(stmt)

    def new_state(self, connection_id: int) -> Dict[str, Any]:
        return {"in_tx": False}

    def close(self) -> None:
        """Stops the executor and, when this backend opened it, the Spark Connect session: a
        client left open makes pyspark's exit hook retry its server at interpreter exit."""
        super().close()
        if self._own_session:
            try:
                self.spark.stop()
            except Exception:  # noqa: BLE001 - the server may be gone already
                logger.debug("closing the Spark Connect session failed", exc_info=True)

    # -- statements ----------------------------------------------------------------------------
    def execute(self, sql: str, connection_id: int, query_args: Optional[List[Any]],
                do_describe: bool) -> Result:
        state: Dict[str, Any] = self.state(connection_id)
        stmt = strip_sql(sql)
        word = first_word(stmt)
        sp = savepoint_command(stmt)
        if sp is not None:
            return {"savepoint": "SAVEPOINT", "release": "RELEASE",
                    "rollback_to": "ROLLBACK"}[sp[0]], True
        if word in TX_WORDS:
            tag = statement_tag(stmt)
            if not do_describe:
                state["in_tx"] = tag == "BEGIN"
            return tag, True
        spark_sql, args = to_spark_sql(stmt, list(query_args or []), self.public)
        if word not in ROW_WORDS:
            if do_describe:
                return statement_tag(stmt), True
            if self.read_only:
                raise SQLError(f"cannot execute {statement_tag(stmt).split()[0]} in a "
                               "read-only transaction", "25006")
            if state["in_tx"]:
                raise SQLError("Spark has no transactions: run statements that write in "
                               "autocommit mode, outside BEGIN / COMMIT", "0A000")
            self._sql(spark_sql, args)
            if word in ("create", "drop", "alter"):
                self.refresh_catalog()
            return _write_tag(stmt), True
        df = self._sql(spark_sql, args)
        if do_describe:
            return self._empty(df), False
        return self._stream(df), False

    def _sql(self, spark_sql: str, args: List[Any]) -> Any:
        try:
            return self.spark.sql(spark_sql, args=args) if args else self.spark.sql(spark_sql)
        except Exception as exc:
            raise _as_sql_error(exc) from exc

    def _empty(self, df: Any) -> Any:
        import pyarrow as pa
        from pyspark.sql.pandas.types import to_arrow_schema

        try:
            schema = to_arrow_schema(df.schema)
        except Exception as exc:
            raise _as_sql_error(exc) from exc
        return pa.Table.from_batches([], schema=schema)

    def _stream(self, df: Any) -> Any:
        """A RecordBatchReader over the batches Spark sends, as they arrive."""
        import pyarrow as pa

        pieces = self._pieces(df)
        try:
            first = None
            struct = None
            for piece in pieces:
                if isinstance(piece, pa.Table):
                    first = piece
                    break
                struct = piece
        except Exception as exc:
            raise _as_sql_error(exc) from exc
        if first is None:
            from pyspark.sql.pandas.types import to_arrow_schema

            schema = to_arrow_schema(struct if struct is not None else df.schema)
            return pa.Table.from_batches([], schema=schema)
        schema = first.schema

        def batches() -> Iterator[Any]:
            yield from first.to_batches()
            for piece in pieces:
                if isinstance(piece, pa.Table):
                    if piece.schema != schema:
                        piece = piece.cast(schema)
                    yield from piece.to_batches()

        return pa.RecordBatchReader.from_batches(schema, batches())

    def _pieces(self, df: Any) -> Iterator[Any]:
        client = getattr(self.spark, "client", None)
        plan = getattr(df, "_plan", None)
        if client is not None and plan is not None and hasattr(client, "to_table_as_iterator"):
            return iter(client.to_table_as_iterator(plan.to_proto(client), plan.observations))
        return iter([df.toArrow()])  # not Spark Connect's client: collected whole

    # -- catalog -------------------------------------------------------------------------------
    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers every database (as a schema; ``default`` as ``public``), table and column
        of Spark's catalog under ``database``; again after each CREATE / DROP / ALTER."""
        with self._catalog_lock:
            if (server, database) not in self._catalog_targets:
                self._catalog_targets.append((server, database))
        server.register_database(database)
        names: List[str] = []
        cat = self.spark.catalog
        for db in cat.listDatabases():
            schema = "public" if db.name == self.public else db.name
            server.register_schema(database, schema)
            for t in cat.listTables(db.name):
                if getattr(t, "isTemporary", False) or (t.database or db.name) != db.name:
                    continue
                columns = self._columns(db.name, t.name)
                kind = "view" if str(t.tableType).upper() == "VIEW" else "table"
                server.register_table(database, schema, t.name, columns,
                                      comment=t.description or None, kind=kind)
                names.append(f"{schema}.{t.name}")
        return names

    def _columns(self, db: str, table: str) -> List[Dict[str, Dict[str, Any]]]:
        columns: List[Dict[str, Dict[str, Any]]] = []
        for c in self.spark.catalog.listColumns(f"{db}.{table}"):
            spec: Dict[str, Any] = {"type": spark_type_to_pg(c.dataType),
                                    "nullable": bool(c.nullable)}
            if c.description:
                spec["comment"] = c.description
            columns.append({c.name: spec})
        if not columns:  # some servers list no columns for external tables: ask the table
            for f in self.spark.table(f"`{db}`.`{table}`").schema.fields:
                columns.append({f.name: {"type": spark_type_to_pg(f.dataType.simpleString()),
                                         "nullable": bool(f.nullable)}})
        return columns

    def refresh_catalog(self) -> None:
        """Registers Spark's catalog again wherever it was registered."""
        with self._catalog_lock:
            targets = list(self._catalog_targets)
        for server, database in targets:
            self.register_catalog(server, database)


def _write_tag(stmt: str) -> str:
    word = first_word(stmt)
    if word in ("update", "delete"):
        return f"{word.upper()} 0"
    return statement_tag(stmt)


def _as_sql_error(exc: BaseException) -> BaseException:
    state = spark_sqlstate(exc)
    if state is None:
        return exc
    return SQLError(str(exc).split("\n")[0], state)

"""A ready DuckDB backend: every statement runs in DuckDB, one cursor per client connection.

    import duckdb
    from riffq.backends.duckdb import DuckDBBackend

    con = duckdb.connect("shop.duckdb")
    DuckDBBackend(con).serve(port=5433)      # psql -h 127.0.0.1 -p 5433 -c '\\dt'

What it does:

- one DuckDB cursor per client, so BEGIN / COMMIT / ROLLBACK are that client's own DuckDB
  transaction; statements run on a thread pool, results stream as Arrow batches
  (``to_arrow_reader``, which DuckDB 1.x and 2.x both have; ``fetch_record_batch`` only where
  it is missing);
- ``UUID`` and ``JSON`` columns go out as PostgreSQL's ``uuid`` and ``json`` (each cursor sets
  ``arrow_lossless_conversion``; see :mod:`riffq.backends.duckdb_arrow`);
- extended-protocol parameters are passed to DuckDB as ``$n``;
- Describe binds the statement with ``DESCRIBE`` (parameters included) and answers with its
  result types without running it;
- DuckDB errors become PostgreSQL SQLSTATEs (``42P01``, ``42703``, ``42601``, ``22P02``, …);
- savepoints: DuckDB has none. ``SAVEPOINT`` and ``RELEASE`` are accepted (drivers send them
  around their own look-ups) and ``ROLLBACK TO`` is honoured while nothing was written and no
  statement failed since the savepoint; otherwise it fails with ``0A000`` and the transaction
  stays as it is, so a client is never told a rollback happened that did not;
- ``read_only=True`` refuses every statement that could write with PostgreSQL's ``25006``;
- a cancelled statement (psql's Ctrl-C, ``statement_timeout``) interrupts the cursor.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ..answers import Result, SQLError, statement_tag
from .base import ExecutorBackend
from .duckdb_arrow import enable_lossless, pg_reader, pg_table
from .errors import clean_message, duckdb_sqlstate
from .statements import (READ_ONLY_WORDS, ROW_WORDS, TX_WORDS, count_params, first_word,
                         savepoint_command, strip_sql)

__all__ = ["DuckDBBackend", "arrow_reader", "arrow_table"]

logger = logging.getLogger("riffq")

#: Rows per Arrow batch streamed to the client.
BATCH_ROWS = 65536


def arrow_reader(cursor: Any, batch_rows: int = BATCH_ROWS) -> Any:
    """A ``pyarrow.RecordBatchReader`` over the executed cursor's result, on DuckDB 1.x and
    2.x (``to_arrow_reader``; ``fetch_record_batch`` on versions that lack it), with DuckDB's
    opaque Arrow types viewed as PostgreSQL-friendly ones (:mod:`.duckdb_arrow`)."""
    method = getattr(cursor, "to_arrow_reader", None) or getattr(cursor, "fetch_record_batch")
    return pg_reader(method(batch_rows))


def arrow_table(result: Any) -> Any:
    """The whole result of a DuckDB relation or executed cursor as a ``pyarrow.Table``."""
    for name in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        method = getattr(result, name, None)
        if method is not None:
            out = method()
            return pg_table(out.read_all() if hasattr(out, "read_all") else out)
    raise TypeError(f"{type(result).__name__} has no Arrow export")


@dataclass
class _Savepoint:
    name: str
    dirty: bool = False  # something was written, or failed, since it was taken


@dataclass
class _Conn:
    cursor: Any
    savepoints: List[_Savepoint] = field(default_factory=list)


class DuckDBBackend(ExecutorBackend):
    """Serves a DuckDB database: see the module documentation.

    Args:
        con: A DuckDB connection (default: a new in-memory database).
        read_only: Refuse statements that write (``25006``), whatever the database allows.
        search_path: DuckDB ``search_path`` set on every cursor (e.g. ``"public,main"``).
        workers: Threads that run statements.
        setup: Statements run on every new cursor (``SET`` options, ``USE``, …).
        schema_map: DuckDB schema → schema name shown in the catalog (default
            ``{"main": "public"}``, where PostgreSQL tools look first).
    """

    def __init__(self, con: Any = None, *, read_only: bool = False,
                 search_path: Optional[str] = None, workers: int = 4,
                 setup: Sequence[str] = (), schema_map: Optional[Dict[str, str]] = None,
                 batch_rows: int = BATCH_ROWS) -> None:
        super().__init__(workers=workers)
        if con is None:
            import duckdb

            con = duckdb.connect()
        self.con = con
        self.read_only = read_only
        self.search_path = search_path
        self.setup = list(setup)
        self.schema_map = {"main": "public"} if schema_map is None else dict(schema_map)
        self.batch_rows = batch_rows

    # -- per connection ----------------------------------------------------------------------
    def new_state(self, connection_id: int) -> _Conn:
        cur = self.con.cursor()
        # uuid / json columns as arrow.uuid / arrow.json, so they go out as uuid / json.
        enable_lossless(cur)
        if self.search_path:
            cur.execute(f"SET search_path = '{self.search_path}'")
        for stmt in self.setup:
            cur.execute(stmt)
        return _Conn(cur)

    def close_state(self, state: _Conn) -> None:
        try:
            state.cursor.close()
        except Exception:  # noqa: BLE001 - closing twice, or the database is gone
            pass

    def cancel_state(self, state: _Conn) -> None:
        state.cursor.interrupt()

    # -- statements ----------------------------------------------------------------------------
    def execute(self, sql: str, connection_id: int, query_args: Optional[List[Any]],
                do_describe: bool) -> Result:
        conn: _Conn = self.state(connection_id)
        stmt = strip_sql(sql)
        word = first_word(stmt)
        sp = savepoint_command(stmt)
        if sp is not None:
            return self._savepoint(conn, sp[0], sp[1], do_describe)
        if word in TX_WORDS:
            return self._transaction(conn, word, do_describe)
        if self.read_only and word not in ROW_WORDS and word not in READ_ONLY_WORDS:
            raise SQLError(f"cannot execute {statement_tag(stmt).split()[0]} in a read-only "
                           "transaction", "25006")
        args = list(query_args) if query_args is not None else [None] * count_params(stmt)
        returns_rows = word in ROW_WORDS or " returning " in f" {stmt.lower()} "
        if do_describe:
            return self._describe(conn, stmt, word, args, returns_rows)
        if word not in ROW_WORDS:
            for savepoint in conn.savepoints:
                savepoint.dirty = True
        try:
            conn.cursor.execute(stmt, args or None)
        except Exception as exc:
            self._failed(conn, exc)
            raise
        if returns_rows or (word not in _TAG_WORDS and _has_rows(conn.cursor)):
            return arrow_reader(conn.cursor, self.batch_rows), False
        return self._tag(conn.cursor, stmt, word), True

    def _failed(self, conn: _Conn, exc: BaseException) -> None:
        # An error that aborts DuckDB's transaction: no savepoint can undo it.
        if type(exc).__name__ not in ("ParserException", "BinderException", "CatalogException"):
            for savepoint in conn.savepoints:
                savepoint.dirty = True
        state = duckdb_sqlstate(exc)
        if state is not None:
            raise SQLError(clean_message(exc), state) from exc

    def _describe(self, conn: _Conn, stmt: str, word: str, args: List[Any],
                  returns_rows: bool) -> Result:
        if word not in ROW_WORDS:
            # Never run a write to learn its shape; its rows (RETURNING) are typed at Execute.
            return statement_tag(stmt), True
        try:
            if word in _QUERY_WORDS:
                # DESCRIBE binds the statement (with its parameters) without running it; an
                # empty result of the bound types gives the exact Arrow schema.
                cols = conn.cursor.execute("DESCRIBE " + stmt, args or None).fetchall()
                select = ", ".join(f"CAST(NULL AS {c[1]}) AS {_quote(str(c[0]))}" for c in cols)
                conn.cursor.execute(f"SELECT {select} LIMIT 0")
                return arrow_table(conn.cursor), False
            # SHOW, PRAGMA, EXPLAIN, …: read-only, answered by running them.
            conn.cursor.execute(stmt, args or None)
            return arrow_table(conn.cursor).slice(0, 0), False
        except Exception as exc:
            self._failed(conn, exc)
            raise

    @staticmethod
    def _tag(cursor: Any, stmt: str, word: str) -> str:
        if word in ("insert", "update", "delete"):
            try:
                row = cursor.fetchone()
            except Exception:  # noqa: BLE001 - no count row
                row = None
            n = row[0] if row else 0
            return f"INSERT 0 {n}" if word == "insert" else f"{word.upper()} {n}"
        return statement_tag(stmt)

    def _transaction(self, conn: _Conn, word: str, do_describe: bool) -> Result:
        tag = {"start": "BEGIN", "end": "COMMIT", "abort": "ROLLBACK"}.get(word, word.upper())
        if do_describe:
            return tag, True
        conn.savepoints.clear()
        try:
            conn.cursor.execute({"BEGIN": "BEGIN TRANSACTION"}.get(tag, tag))
        except Exception as exc:  # noqa: BLE001
            if type(exc).__name__ != "TransactionException":
                raise
            # COMMIT / ROLLBACK with no transaction open: PostgreSQL only warns; BEGIN inside
            # one: PostgreSQL warns and keeps the transaction.
        return tag, True

    def _savepoint(self, conn: _Conn, command: str, name: str, do_describe: bool) -> Result:
        tag = {"savepoint": "SAVEPOINT", "release": "RELEASE", "rollback_to": "ROLLBACK"}[command]
        if do_describe:
            return tag, True
        stack = conn.savepoints
        if command == "savepoint":
            stack.append(_Savepoint(name))
            return tag, True
        names = [s.name for s in stack]
        if name not in names:
            raise SQLError(f'savepoint "{name}" does not exist', "3B001")
        i = len(names) - 1 - names[::-1].index(name)
        if command == "rollback_to":
            if any(s.dirty for s in stack[i:]):
                raise SQLError("savepoints are not supported by DuckDB: cannot roll back to "
                               f'savepoint "{name}" after a write or an error; ROLLBACK the '
                               "whole transaction", "0A000")
            del stack[i + 1:]
        else:
            del stack[i:]
        return tag, True

    def copy_in(self, reader: Any, connection_id: int, schema: Optional[str], table: str,
                columns: List[str]) -> Optional[str]:
        """``COPY table FROM STDIN``: an INSERT … SELECT from the upload's Arrow batches, in the
        connection's own transaction (DuckDB pulls the batches as it inserts them)."""
        if self.read_only:
            raise SQLError("cannot execute COPY FROM in a read-only transaction", "25006")
        conn: _Conn = self.state(connection_id)
        inverse = {shown: real for real, shown in self.schema_map.items()}
        target = _quote(table)
        if schema:
            target = f"{_quote(inverse.get(schema, schema))}.{target}"
        cols = ", ".join(_quote(c) for c in columns)
        names = f" ({cols})" if cols else ""
        for savepoint in conn.savepoints:
            savepoint.dirty = True
        view = f"__riffq_copy_{connection_id}"
        conn.cursor.register(view, reader.to_reader())
        try:
            conn.cursor.execute(f"INSERT INTO {target}{names} SELECT {cols or '*'} FROM {view}")
        except Exception as exc:
            self._failed(conn, exc)
            raise
        finally:
            conn.cursor.unregister(view)
        return None

    # -- catalog -------------------------------------------------------------------------------
    def register_catalog(self, server: Any, database: str) -> List[str]:
        """Registers every table and view of the DuckDB database (with keys, defaults and
        comments) under ``database``, DuckDB schemas renamed by ``schema_map``."""
        from ..catalog import register_duckdb

        return register_duckdb(server, self.con, database=database, schema_map=self.schema_map)


# Statements DESCRIBE can bind (queries); other row statements are run to learn their shape.
_QUERY_WORDS = frozenset({"select", "with", "values", "table", "from"})


# Statements whose answer is a command tag even though DuckDB returns a result set for them.
_TAG_WORDS = frozenset({"insert", "update", "delete", "create", "drop", "alter", "copy",
                        "attach", "detach", "use", "set", "reset", "load", "install",
                        "checkpoint", "vacuum", "comment", "prepare", "deallocate", "truncate",
                        "import", "export"})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_rows(cursor: Any) -> bool:
    return getattr(cursor, "description", None) is not None

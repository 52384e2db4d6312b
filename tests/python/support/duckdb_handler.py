"""A riffq on_query handler that runs every statement in DuckDB and answers with Arrow: one
DuckDB cursor per client connection (so BEGIN / COMMIT / ROLLBACK are that client's own),
extended-protocol parameters passed to DuckDB as $n, and schema-only answers for Describe.
Used by the catalog client tests, where the catalog is emulated by riffq and the data comes
from DuckDB."""

from __future__ import annotations

import re
import threading
from typing import Any, Dict, List, Optional

import duckdb

ROW_WORDS = {"select", "with", "values", "table", "show", "from", "pragma", "describe",
             "summarize", "explain"}
_PARAM = re.compile(r"\$(\d+)")


class DuckDBHandler:
    def __init__(self, con: duckdb.DuckDBPyConnection, search_path: str = "public") -> None:
        self.con = con
        self.search_path = search_path
        self.cursors: Dict[int, duckdb.DuckDBPyConnection] = {}
        self.lock = threading.Lock()
        self.seen: List[str] = []  # every statement that reached the handler
        # DuckDB has no savepoints: per connection, the savepoints open and whether a
        # statement that may write ran since each (then ROLLBACK TO is refused, never faked).
        self.savepoints: Dict[int, List[List[Any]]] = {}

    def cursor(self, connection_id: int) -> duckdb.DuckDBPyConnection:
        with self.lock:
            cur = self.cursors.get(connection_id)
            if cur is None:
                cur = self.con.cursor()
                cur.execute(f"SET search_path = '{self.search_path}'")
                self.cursors[connection_id] = cur
            return cur

    def __call__(self, sql: str, callback: Any, *, do_describe: bool = False,
                 connection_id: int = 0, query_args: Optional[list] = None, **kw: Any) -> None:
        self.seen.append(sql)
        try:
            self._run(sql, callback, do_describe, connection_id, query_args)
        except Exception as exc:  # noqa: BLE001 - every DuckDB error goes to the client
            callback(("ERROR", "XX000", f"{type(exc).__name__}: {exc}"), is_error=True)

    def _run(self, sql: str, callback: Any, do_describe: bool, connection_id: int,
             query_args: Optional[list]) -> None:
        stripped = sql.strip().rstrip(";")
        word = stripped.split(None, 1)[0].lower() if stripped else ""
        cur = self.cursor(connection_id)
        if word in ("begin", "start", "commit", "end", "rollback", "abort") and \
                " to " not in f" {stripped.lower()} ":
            self.savepoints.pop(connection_id, None)
            if do_describe:
                callback(word.upper(), is_tag=True)
                return
            tag = {"start": "BEGIN", "end": "COMMIT", "abort": "ROLLBACK"}.get(word, word.upper())
            try:
                cur.execute(tag)
            except duckdb.TransactionException:
                pass  # PostgreSQL only warns for COMMIT/ROLLBACK outside a transaction
            callback(tag, is_tag=True)
            return
        if word in ("savepoint", "release") or (word == "rollback" and " to " in f" {stripped.lower()} "):
            self._savepoint(word, stripped, callback, do_describe, connection_id)
            return
        if word not in ROW_WORDS and not do_describe:
            for sp in self.savepoints.get(connection_id, []):
                sp[1] = True
        nparams = max((int(n) for n in _PARAM.findall(stripped)), default=0)
        args = list(query_args) if query_args is not None else [None] * nparams
        if word not in ROW_WORDS:
            if do_describe:
                callback(word.upper(), is_tag=True)
                return
            res = cur.execute(stripped, args or None).fetchall()
            if word == "insert":
                callback(f"INSERT 0 {res[0][0] if res else 0}", is_tag=True)
            elif word in ("update", "delete"):
                callback(f"{word.upper()} {res[0][0] if res else 0}", is_tag=True)
            else:
                callback(word.upper(), is_tag=True)
            return
        if do_describe:
            table = cur.execute(f"SELECT * FROM ({stripped}) AS q LIMIT 0", args or None)
        else:
            table = cur.execute(stripped, args or None)
        callback(table.to_arrow_table())

    def _savepoint(self, word: str, stmt: str, callback: Any, do_describe: bool,
                   connection_id: int) -> None:
        name = stmt.split()[-1].strip('"')
        tag = {"savepoint": "SAVEPOINT", "release": "RELEASE", "rollback": "ROLLBACK"}[word]
        if do_describe:
            callback(tag, is_tag=True)
            return
        stack = self.savepoints.setdefault(connection_id, [])
        if word == "savepoint":
            stack.append([name, False])
        else:
            names = [sp[0] for sp in stack]
            if name not in names:
                callback(("ERROR", "3B001", f'savepoint "{name}" does not exist'), is_error=True)
                return
            i = len(names) - 1 - names[::-1].index(name)
            if word == "rollback":
                if any(sp[1] for sp in stack[i:]):
                    callback(("ERROR", "0A000", "ROLLBACK TO SAVEPOINT after a write is not "
                              "supported by DuckDB"), is_error=True)
                    return
                del stack[i + 1:]
            else:
                del stack[i:]
        callback(tag, is_tag=True)

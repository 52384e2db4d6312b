"""riffq.client: a lazy PostgreSQL → Arrow / polars reader on libpq binary COPY (SPEC §7).

    import riffq.client
    conn = riffq.client.connect("host=127.0.0.1 dbname=postgres")
    lf = conn.scan_pq("select * from big_table")        # nothing runs yet
    df = lf.filter(pl.col("id") > 10).select("id", "name").collect()

The query runs at ``collect()``, on a C++ background thread that decodes
``COPY (query) TO STDOUT (FORMAT binary)`` straight into Arrow buffers (the GIL is released
for all network I/O and decoding). Projection, ``n_rows`` and ``batch_size`` are honoured;
predicates are pushed into SQL where they translate exactly or loosely, and are always also
applied client-side, so they are never dropped. Results are also available as Arrow
streams (``conn.arrow(sql)`` has ``__arrow_c_stream__``) for pyarrow, polars or DuckDB.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import decimal
import json
import uuid as _uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator, Sequence

from . import _client

__all__ = ["Connection", "AsyncConnection", "connect", "async_connect", "ClientError"]

ClientError = RuntimeError

_DEFAULT_BATCH = 65536


def _pl():
    import polars

    return polars


# ---- parameters ------------------------------------------------------------------------


def _param_text(v: Any) -> str | None:
    """A Python value in PostgreSQL's text input format (the server casts it)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        return f"{v.days} days {v.seconds} seconds {v.microseconds} microseconds"
    if isinstance(v, (dict,)):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        items = []
        for x in v:
            t = _param_text(x)
            if t is None:
                items.append("NULL")
            else:
                items.append('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"')
        return "{" + ",".join(items) + "}"
    if isinstance(v, (int, float, decimal.Decimal, _uuid.UUID, str)):
        return str(v)
    return str(v)


def _params(params: Sequence[Any] | None) -> list[str | None] | None:
    if params is None:
        return None
    if isinstance(params, dict):
        raise TypeError("params must be a sequence (positional $1, $2, …)")
    return [_param_text(p) for p in params]


# ---- predicate pushdown ------------------------------------------------------------------

_CMP = {"Eq": "=", "NotEq": "<>", "Lt": "<", "LtEq": "<=", "Gt": ">", "GtEq": ">="}


def _literal(node: dict) -> tuple[str, Any] | None:
    lit = node.get("Literal") if isinstance(node, dict) else None
    if not isinstance(lit, dict):
        return None
    for kind in ("Dyn", "Scalar"):
        inner = lit.get(kind)
        if isinstance(inner, dict) and len(inner) == 1:
            (t, v), = inner.items()
            if t in ("Int", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32",
                     "UInt64") and isinstance(v, int) and not isinstance(v, bool):
                return "int", v
            if t in ("String", "Str") and isinstance(v, str):
                return "str", v
            if t == "Boolean" and isinstance(v, bool):
                return "bool", v
    return None


def _sql_string(s: str) -> str:
    if "\x00" in s:
        raise ValueError("NUL in string literal")
    return "'" + s.replace("'", "''") + "'"


class _Pushdown:
    """Translates a polars predicate to SQL over the ``_cN`` aliases, keeping only parts whose
    SQL result is exactly, or more loosely, what polars computes (the predicate is always
    re-applied client-side)."""

    # Only these PostgreSQL types compare in SQL as polars compares their Arrow values
    # (text equality may be looser: bpchar padding, non-deterministic collations).
    _KINDS = {21: "int", 23: "int", 20: "int", 16: "bool", 25: "str", 1043: "str", 1042: "str",
              19: "str"}

    def __init__(self, names: list[str], oids: list[int]):
        self.cols = {n: (f"_c{i + 1}", self._KINDS.get(o)) for i, (n, o) in
                     enumerate(zip(names, oids))}

    def translate(self, node: Any) -> str | None:
        if not isinstance(node, dict) or len(node) != 1:
            return None
        (tag, body), = node.items()
        if tag == "BinaryExpr":
            op = body.get("op")
            if op in ("And", "LogicalAnd", "Or", "LogicalOr"):
                a, b = self.translate(body["left"]), self.translate(body["right"])
                if a is None or b is None:
                    return None
                word = "AND" if op in ("And", "LogicalAnd") else "OR"
                return f"({a} {word} {b})"
            if op not in _CMP:
                return None
            left, right = body["left"], body["right"]
            flip = {"Lt": "Gt", "LtEq": "GtEq", "Gt": "Lt", "GtEq": "LtEq"}
            if "Column" in left and _literal(right):
                col, lit = left["Column"], _literal(right)
            elif "Column" in right and _literal(left):
                col, lit, op = right["Column"], _literal(left), flip.get(op, op)
            else:
                return None
            if col not in self.cols:
                return None
            alias, kind = self.cols[col]
            lkind, value = lit
            if kind == "int" and lkind == "int":
                return f"{alias} {_CMP[op]} {int(value)}"
            if kind == "bool" and lkind == "bool" and op in ("Eq", "NotEq"):
                return f"{alias} {_CMP[op]} {'true' if value else 'false'}"
            if kind == "str" and lkind == "str" and op == "Eq":
                return f"{alias} = {_sql_string(value)}"  # bpchar/collations: looser or equal
            return None
        if tag == "Function":
            fn = body.get("function")
            inputs = body.get("input") or []
            if isinstance(fn, dict) and fn.get("Boolean") in ("IsNull", "IsNotNull") \
                    and len(inputs) == 1 and "Column" in inputs[0]:
                col = inputs[0]["Column"]
                if col in self.cols:
                    return f"{self.cols[col][0]} IS {'NOT ' if fn['Boolean'] == 'IsNotNull' else ''}NULL"
        return None

    def conjuncts(self, node: Any) -> list[Any]:
        if isinstance(node, dict) and "BinaryExpr" in node and \
                node["BinaryExpr"].get("op") in ("And", "LogicalAnd"):
            return self.conjuncts(node["BinaryExpr"]["left"]) + \
                self.conjuncts(node["BinaryExpr"]["right"])
        return [node]

    def where(self, predicate: Any) -> str:
        """SQL for the translatable top-level conjuncts of predicate ('' when none)."""
        try:
            tree = json.loads(predicate.meta.serialize(format="json"))
        except Exception:  # noqa: BLE001 — an unserializable predicate is applied client-side
            return ""
        parts = []
        for c in self.conjuncts(tree):
            try:
                sql = self.translate(c)
            except ValueError:  # e.g. a NUL byte in a string literal
                sql = None
            if sql:
                parts.append(sql)
        return " AND ".join(parts)


# ---- connection --------------------------------------------------------------------------


class Connection:
    """A PostgreSQL connection for reading into Arrow / polars (and writing back)."""

    def __init__(self, dsn: str, keepalive_secs: float | None = None, *,
                 numeric: str = "decimal", uuid: str = "binary", interval: str = "duration",
                 unknown_as_text: bool = False, enum: str = "string") -> None:
        if enum not in ("string", "enum"):
            raise ValueError("enum must be 'string' or 'enum'")
        self.dsn = dsn
        self._opts = dict(numeric=numeric, uuid=uuid, interval=interval,
                          unknown_as_text=unknown_as_text)
        self._enum = enum
        self._enum_labels: dict[int, list[str] | None] = {}
        self._conn = _client.Connection(dsn, float(keepalive_secs or 0))

    # -- plumbing --
    def _borrow(self):
        """This connection when idle, else a fresh one: a scan that is still streaming (say an
        unconsumed LazyFrame source, or a join of two scans) never blocks another."""
        if not self._conn.busy:
            return self._conn, False
        return _client.Connection(self.dsn, 0.0), True

    @staticmethod
    def _give_back(conn, owned: bool) -> None:
        if owned:
            conn.close()

    def _scan_opts(self, kw: dict) -> dict:
        o = dict(self._opts)
        o.update({k: v for k, v in kw.items() if v is not None and k != "enum"})
        return o

    def _enum_dtypes(self, conn, sql: str, params, kw: dict) -> dict[str, Any]:
        """{column: pl.Enum(labels)} for enum-typed columns when enum='enum' (else {})."""
        if (kw.get("enum") or self._enum) != "enum":
            return {}
        pl = _pl()
        d = conn.scan(sql, _params(params), None, "", -1, 1, describe_only=True,
                      **self._scan_opts(kw))
        names, oids = d.names, d.oids
        todo = sorted({o for o in oids if o >= 16384 and o not in self._enum_labels})
        if todo:
            found = dict(pl.DataFrame(conn.scan(
                "SELECT enumtypid::int8, array_agg(enumlabel::text ORDER BY enumsortorder) "
                "FROM pg_catalog.pg_enum WHERE enumtypid = ANY($1::oid[]) GROUP BY 1",
                [_param_text(todo)])).rows())
            for o in todo:
                self._enum_labels[o] = found.get(o)
        return {n: pl.Enum(self._enum_labels[o]) for n, o in zip(names, oids)
                if self._enum_labels.get(o)}

    def _batches(self, sql: str, params=None, *, columns=None, where: str = "", limit: int = -1,
                 batch_size: int | None = None, **kw) -> Iterator[Any]:
        """Yields polars DataFrames, one per decoded batch; closing the generator cancels."""
        pl = _pl()
        conn, owned = self._borrow()
        scan = None
        try:
            enums = self._enum_dtypes(conn, sql, params, kw)
            scan = conn.scan(sql, _params(params), columns, where, limit,
                             int(batch_size or _DEFAULT_BATCH), **self._scan_opts(kw))
            no_columns = not scan.names  # a command (INSERT, SET, …): run it, no frames
            while (b := scan.next_batch()) is not None:
                if not no_columns:
                    df = pl.DataFrame(b)
                    if enums:
                        df = df.with_columns(pl.col(n).cast(t) for n, t in enums.items()
                                             if n in df.columns)
                    yield df
        finally:
            if scan is not None:
                scan.cancel()
                scan.close()
            self._give_back(conn, owned)

    def schema(self, sql: str, params=None, **kw):
        """The polars schema of sql's result, from a Describe (the query does not run)."""
        return self._describe(sql, params, kw)[0]

    def _describe(self, sql: str, params, kw: dict):
        """(polars schema, PostgreSQL type OIDs) of sql's result."""
        pl = _pl()
        conn, owned = self._borrow()
        try:
            enums = self._enum_dtypes(conn, sql, params, kw)
            scan = conn.scan(sql, _params(params), None, "", -1, 1, describe_only=True,
                             **self._scan_opts(kw))
            schema = pl.DataFrame(scan).schema
            return pl.Schema({n: enums.get(n, t) for n, t in schema.items()}), list(scan.oids)
        finally:
            self._give_back(conn, owned)

    # -- public API --
    def arrow(self, sql: str, params=None, *, batch_size: int | None = None, **kw) -> "ArrowQuery":
        """An Arrow stream source (``__arrow_c_stream__``) over sql for pyarrow.table(x),
        pl.DataFrame(x) or DuckDB. Each export runs the query afresh (DuckDB exports twice)."""
        return ArrowQuery(self, sql, params, batch_size, kw)

    def read_pq(self, sql: str, params=None, *, batch_size: int | None = None,
                partition_on: str | None = None, partitions: int | None = None, **kw):
        """Runs sql now and returns a polars DataFrame."""
        pl = _pl()
        sql = _ctid_sql(sql, partition_on)
        if partition_on is not None and (partitions or 0) > 1:
            return self._partitioned(sql, params, partition_on, int(partitions), batch_size, kw)
        frames = list(self._batches(sql, params, batch_size=batch_size, **kw))
        if not frames:
            return pl.DataFrame()
        return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=False)

    def scan_pq(self, sql: str, params=None, *, batch_size: int | None = None,
                partition_on: str | None = None, partitions: int | None = None, **kw):
        """A polars LazyFrame over sql; the query runs at collect()."""
        from polars.io.plugins import register_io_source

        sql = _ctid_sql(sql, partition_on)
        cache: dict[str, Any] = {}

        def described():
            if "schema" not in cache:
                cache["schema"], cache["oids"] = self._describe(sql, params, kw)
            return cache["schema"], cache["oids"]

        def schema():
            return described()[0]

        def source(with_columns, predicate, n_rows, bsize) -> Iterator[Any]:
            sch, oids = described()
            names = list(sch.names())
            cols = None
            if with_columns is not None:
                need = list(with_columns)
                if predicate is not None:
                    for c in predicate.meta.root_names():
                        if c not in need and c in names:
                            need.append(c)
                cols = [names.index(c) for c in need] if need else [0] if names else []
            where = _Pushdown(names, oids).where(predicate) if predicate is not None else ""
            limit = n_rows if (n_rows is not None and predicate is None) else -1
            size = bsize or batch_size
            if partition_on is not None and (partitions or 0) > 1:
                gen = iter([self._partitioned(sql, params, partition_on, int(partitions), size, kw,
                                              columns=cols, where=where, limit=limit)])
            else:
                gen = self._batches(sql, params, columns=cols, where=where, limit=limit,
                                    batch_size=size, **kw)
            left = n_rows
            try:
                for df in gen:
                    if predicate is not None:
                        df = df.filter(predicate)
                    if with_columns is not None:
                        df = df.select(with_columns)
                    if left is not None:
                        if df.height >= left:
                            yield df.head(left)
                            return
                        left -= df.height
                    yield df
            finally:
                close = getattr(gen, "close", None)
                if close:
                    close()

        return register_io_source(source, schema=schema, is_pure=False,
                                  explain_name="riffq.client.scan_pq", explain_detail=sql)

    def fetchall(self, sql: str, params=None) -> list[tuple]:
        """Runs sql (with $1… params) and returns the rows as a list of tuples."""
        return self.read_pq(sql, params).rows()

    def execute(self, sql: str, params=None) -> None:
        """Runs a command (no result needed). Several ;-separated statements are allowed
        without params."""
        if params is None:
            self._conn.execute(sql)
        else:
            for _ in self._batches(sql, params):
                pass

    def check_connection(self) -> bool:
        """True when the server answers within 1 s."""
        try:
            return bool(self._conn.check(1000))
        except Exception:  # noqa: BLE001
            return False

    def write_pq(self, frame, table: str, mode: str = "append") -> int:
        """Writes a polars (Lazy)DataFrame or any Arrow stream source to table through binary
        COPY FROM STDIN. mode: 'append' (creates the table if missing), 'create', 'replace'.
        Returns the rows written."""
        pl = _pl()
        if isinstance(frame, pl.LazyFrame):
            frame = frame.collect()
        if not isinstance(frame, pl.DataFrame):
            frame = pl.DataFrame(frame)
        if mode not in ("append", "create", "replace"):
            raise ValueError("mode must be 'append', 'create' or 'replace'")
        types = _client.pg_types(frame)
        qt = _quote_table(table)
        cols = ", ".join(_quote_ident(c) for c in frame.columns)
        ddl = ", ".join(f"{_quote_ident(c)} {t}" for c, t in zip(frame.columns, types))
        conn, owned = self._borrow()
        try:
            conn.execute("BEGIN")
            try:
                if mode == "replace":
                    conn.execute(f"DROP TABLE IF EXISTS {qt}")
                existing = None
                if mode == "append":
                    existing = self._table_types(conn, qt)
                if existing is None:
                    conn.execute(f"CREATE TABLE {qt} ({ddl})")
                    existing = dict(zip(frame.columns, types))
                if all(existing.get(c) == t for c, t in zip(frame.columns, types)):
                    n = conn.copy_in(qt, frame, f"({cols})")
                else:  # stage with the natural types, let the server cast
                    conn.execute(f"CREATE TEMP TABLE _riffq_stage ({ddl}) ON COMMIT DROP")
                    n = conn.copy_in("_riffq_stage", frame, f"({cols})")
                    conn.execute(f"INSERT INTO {qt} ({cols}) SELECT {cols} FROM _riffq_stage")
                conn.execute("COMMIT")
                return n
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except Exception:  # noqa: BLE001
                    pass
                raise
        finally:
            self._give_back(conn, owned)

    @staticmethod
    def _table_types(conn, table: str) -> dict[str, str] | None:
        pl = _pl()
        scan = conn.scan(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
            "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
            [table], None, "", -1, 65536)
        rows = pl.DataFrame(scan).rows()
        if not rows:
            exists = pl.DataFrame(conn.scan("SELECT to_regclass($1)::text", [table])).item()
            return None if exists is None else {}
        return dict(rows)

    # -- partitioned reads --
    def _partitioned(self, sql, params, partition_on, partitions, batch_size, kw, *,
                     columns=None, where="", limit=-1):
        """Reads sql in `partitions` ranges of column `partition_on` (or ctid pages when
        partition_on == 'ctid' and sql names a plain table) on parallel connections that all
        share one exported snapshot. Returns one polars DataFrame, partitions in order."""
        pl = _pl()
        coord = _client.Connection(self.dsn, 0.0)
        try:
            coord.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snap = pl.DataFrame(coord.scan("SELECT pg_export_snapshot()")).item()
            parts = _partition_queries(coord, sql, params, partition_on, partitions, where)
            opts = self._scan_opts(kw)

            def run(part):
                psql, pwhere, pparams = part
                c = _client.Connection(self.dsn, 0.0)
                try:
                    c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                              f"SET TRANSACTION SNAPSHOT {_sql_string(snap)}")
                    s = c.scan(psql, _params(pparams), columns, pwhere, -1,
                               int(batch_size or _DEFAULT_BATCH), **opts)
                    out = []
                    while (b := s.next_batch()) is not None:
                        out.append(pl.DataFrame(b))
                    c.execute("COMMIT")
                    return out
                finally:
                    c.close()

            with ThreadPoolExecutor(max_workers=len(parts)) as ex:
                results = list(ex.map(run, parts))
            frames = [f for r in results for f in r]
            coord.execute("COMMIT")
        finally:
            coord.close()
        if not frames:
            df = pl.DataFrame(schema=self.schema(sql, params, **kw))
            if columns is not None:
                df = df.select([df.columns[i] for i in columns])
            return df
        df = pl.concat(frames, rechunk=False)
        return df.head(limit) if limit is not None and limit >= 0 else df

    def cancel(self) -> None:
        """Cancels the query this connection runs now (from any thread); the reader raises
        ``RuntimeError`` ("canceling statement due to user request")."""
        self._conn.cancel()

    def close(self) -> None:
        self._conn.close()

    @property
    def closed(self) -> bool:
        return self._conn.closed

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_table(table: str) -> str:
    if '"' in table:
        return table  # already quoted by the caller
    return ".".join(_quote_ident(p) for p in table.split("."))


def _ctid_sql(sql: str, partition_on: str | None) -> str:
    """For partition_on='ctid' a bare table name stands for `select * from table`."""
    if partition_on == "ctid" and sql.strip().replace(".", "").replace("_", "").replace('"', "").isalnum():
        return f"select * from {sql.strip()}"
    return sql


def _partition_queries(coord, sql, params, partition_on, n, where):
    """[(sql, where, params)] for each partition."""
    import polars as pl

    if partition_on == "ctid":
        table = sql.strip().rstrip(";")
        low = table.lower()
        if low.startswith("select * from "):
            table = table[len("select * from "):].strip()
        elif low.startswith("table "):
            table = table[len("table "):].strip()
        if not table.replace(".", "").replace("_", "").replace('"', "").isalnum():
            raise ValueError("partition_on='ctid' needs a plain table (or 'select * from table')")
        pages = pl.DataFrame(coord.scan(
            "SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::bigint",
            [table])).item() or 0
        step = max(1, -(-int(pages) // n))
        out = []
        for i in range(n):
            lo, hi = i * step, (i + 1) * step
            cond = f"ctid >= '({lo},0)'::tid" + (f" AND ctid < '({hi},0)'::tid" if i < n - 1 else "")
            out.append((f"SELECT * FROM {table} WHERE {cond}", where, None))
        return out
    d = coord.scan(sql, _params(params), None, "", -1, 1, describe_only=True)
    names, oids = d.names, d.oids
    if partition_on not in names:
        raise ValueError(f"partition column {partition_on!r} is not in the result")
    if oids[names.index(partition_on)] not in (20, 21, 23):
        raise ValueError(f"partition_on={partition_on!r} needs an integer column (int2/int4/"
                         "int8), or 'ctid' with a plain table")
    alias = f"_c{names.index(partition_on) + 1}"
    bounds = coord.scan(f"SELECT min({alias})::bigint, max({alias})::bigint FROM ({sql}) AS _p("
                        + ",".join(f"_c{i + 1}" for i in range(len(names))) + ")",
                        _params(params))
    lo, hi = pl.DataFrame(bounds).row(0)
    out = []
    extra = f" AND ({where})" if where else ""
    if lo is None:
        return [(sql, where, params)]
    step = max(1, -(-(hi - lo + 1) // n))
    for i in range(n):
        a, b = lo + i * step, lo + (i + 1) * step
        if i == 0:
            cond = f"({alias} < {b} OR {alias} IS NULL)"
        elif i == n - 1:
            cond = f"{alias} >= {a}"
        else:
            cond = f"{alias} >= {a} AND {alias} < {b}"
        out.append((sql, cond + extra, params))
    return out


class ArrowQuery:
    """A query as an Arrow PyCapsule stream source; runs at each ``__arrow_c_stream__``."""

    def __init__(self, conn: Connection, sql: str, params, batch_size, kw) -> None:
        self._conn, self._sql, self._params, self._batch, self._kw = conn, sql, params, batch_size, kw

    def __arrow_c_stream__(self, requested_schema=None):
        c = self._conn
        conn, _ = c._borrow()  # a fresh connection lives as long as the stream needs it
        scan = conn.scan(self._sql, _params(self._params), None, "", -1,
                         int(self._batch or _DEFAULT_BATCH), **c._scan_opts(self._kw))
        return scan.__arrow_c_stream__(requested_schema)


class AsyncConnection:
    """asyncio face of Connection: the blocking calls run in a worker thread."""

    def __init__(self, conn: Connection) -> None:
        self.sync = conn

    def scan_pq(self, sql: str, params=None, **kw):
        return self.sync.scan_pq(sql, params, **kw)

    async def read_pq(self, sql: str, params=None, **kw):
        return await asyncio.to_thread(self.sync.read_pq, sql, params, **kw)

    async def fetchall(self, sql: str, params=None) -> list[tuple]:
        return await asyncio.to_thread(self.sync.fetchall, sql, params)

    async def execute(self, sql: str, params=None) -> None:
        await asyncio.to_thread(self.sync.execute, sql, params)

    async def write_pq(self, frame, table: str, mode: str = "append") -> int:
        return await asyncio.to_thread(self.sync.write_pq, frame, table, mode)

    async def check_connection(self) -> bool:
        return await asyncio.to_thread(self.sync.check_connection)

    async def close(self) -> None:
        await asyncio.to_thread(self.sync.close)


def connect(dsn: str, keepalive_secs: float | None = None, **opts) -> Connection:
    """Opens a connection (libpq connection string or URI). keepalive_secs: send `SELECT 1`
    after that many idle seconds (never while a scan streams)."""
    return Connection(dsn, keepalive_secs, **opts)


async def async_connect(dsn: str, keepalive_secs: float | None = None, **opts) -> AsyncConnection:
    """Opens a connection without blocking the event loop."""
    return AsyncConnection(await asyncio.to_thread(Connection, dsn, keepalive_secs, **opts))

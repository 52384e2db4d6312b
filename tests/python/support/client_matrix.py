"""The client matrix (issue 7): the cases every client runs, and running a client program.

A case is one SQL statement (with typed parameters, or none) that PostgreSQL 15 and DuckDB both
accept with the same meaning. Each client program (tests/clients/<language>) reads the cases as
JSON on stdin and prints, per case id, what the driver returned: the columns as the driver
describes them, and per value the client-side type and a canonical rendering of the value
(``{"columns": [...], "rows": [[[type, value], ...], ...], "error": {...}}``). The test runs the
same program against PostgreSQL 15 and against riffq (DuckDB handler) and compares the two.

Parameter values are JSON: a string for scalars (the program converts it to the driver's
native type for the declared type), a list for arrays, an object for intervals, null for NULL.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CACHE = os.environ.get("RIFFQ_CLIENTS_CACHE", os.path.expanduser("~/.cache/riffq-clients"))
BIN = os.path.join(CACHE, "bin")


@dataclass(frozen=True)
class Case:
    id: str
    sql: str
    params: Tuple[Tuple[str, Any], ...] = ()
    group: str = "result"  # result | param | seed | protocol

    def as_json(self) -> Dict[str, Any]:
        return {"id": self.id, "sql": self.sql,
                "params": [{"type": t, "value": v} for t, v in self.params]}


# ---------------------------------------------------------------------------------------------
# Result columns: each SPEC §4.1 type (as DuckDB produces it) with edge values.
# ---------------------------------------------------------------------------------------------
RESULT_CASES = [
    Case("bool", "select true as a, false as b, null::bool as c"),
    Case("int2", "select 12::int2 as a, (-32768)::int2 as b, 32767::int2 as c"),
    Case("int4", "select 42 as a, (-2147483648)::int4 as b, 2147483647::int4 as c, null::int4 as d"),
    Case("int8", "select 9223372036854775807::int8 as a, (-9223372036854775808)::int8 as b, "
                 "0::int8 as c"),
    Case("float4", "select 1.5::float4 as a, 0.1::float4 as b, 'NaN'::float4 as c, "
                   "'-Infinity'::float4 as d, 3.4028235e38::float4 as e"),
    Case("float8", "select 0.1::float8 as a, 1e300::float8 as b, 'Infinity'::float8 as c, "
                   "'-0'::float8 as d, 'NaN'::float8 as e, 123456789.125::float8 as f"),
    Case("numeric", "select 12.340::numeric(10,3) as a, (-0.5)::numeric(5,2) as b, "
                    "123456789012345678.123::numeric(38,3) as c, 0::numeric(4,0) as d"),
    Case("text", "select 'héllo wörld' as a, '' as b, null::text as c, 'quote\" back\\slash' as d"),
    Case("bytea", "select 'abc'::bytea as a, ''::bytea as b"),
    Case("uuid", "select '12345678-1234-5678-1234-567812345678'::uuid as a, null::uuid as b"),
    Case("json", "select '{\"a\": [1, 2, null], \"b\": \"x\"}'::json as a, '[]'::json as b"),
    Case("date", "select '2024-02-29'::date as a, '0001-01-01'::date as b, '1970-01-01'::date as c"),
    Case("date-infinity", "select 'infinity'::date as a, '-infinity'::date as b"),
    Case("time", "select '13:45:06.789'::time as a, '00:00:00'::time as b, "
                 "'23:59:59.999999'::time as c"),
    Case("timestamp", "select '2024-01-02 03:04:05.123456'::timestamp as a, "
                      "'1999-12-31 23:59:59'::timestamp as b, '1900-06-30 12:00:00'::timestamp as c"),
    Case("timestamp-infinity", "select 'infinity'::timestamp as a, '-infinity'::timestamp as b"),
    Case("timestamptz", "select '2024-01-02 03:04:05.5+02'::timestamptz as a, "
                        "'1969-07-20 20:17:40+00'::timestamptz as b"),
    Case("interval", "select '1 year 2 mons 3 days 04:05:06.5'::interval as a, "
                     "'-1 days'::interval as b, '00:00:00.000001'::interval as c"),
    Case("int4[]", "select ARRAY[1, 2, NULL]::int4[] as a, ARRAY[]::int4[] as b"),
    Case("int8[]", "select ARRAY[9223372036854775807, -1]::int8[] as a"),
    Case("float8[]", "select ARRAY[0.5, -2.25]::float8[] as a"),
    Case("bool[]", "select ARRAY[true, false, NULL]::bool[] as a"),
    Case("text[]", "select ARRAY['a', 'b c', NULL, '']::text[] as a"),
    Case("date[]", "select ARRAY['2024-02-29'::date, '1999-01-01'::date] as a"),
    Case("int4[][]", "select ARRAY[[1, 2], [3, 4]]::int4[][] as a"),
    # 'a'::text: PostgreSQL leaves a bare 'a' in a row constructor of type unknown (705).
    Case("record", "select row(1, 'a'::text) as a"),
    Case("rows-1000", "select i::int4 as i, 'n' || i as s from generate_series(1, 1000) t(i) order by i"),
]

# ---------------------------------------------------------------------------------------------
# Parameters: each SPEC §4.2 type, bound as the client's native value, returned by the engine.
# ---------------------------------------------------------------------------------------------
IV = {"months": 14, "days": 3, "us": 14706500000, "text": "1 year 2 mons 3 days 04:05:06.5"}
PARAM_VALUES: List[Tuple[str, str, Any]] = [
    # (case id, declared type, value)
    ("bool", "bool", "true"),
    ("int2", "int2", "-32768"),
    ("int4", "int4", "2147483647"),
    ("int8", "int8", "-9223372036854775808"),
    ("float4", "float4", "1.5"),
    ("float8", "float8", "0.1"),
    ("numeric", "numeric", "12.340"),
    ("text", "text", "héllo wörld"),
    ("text-null", "text", None),
    ("bytea", "bytea", "00ff41"),
    ("uuid", "uuid", "12345678-1234-5678-1234-567812345678"),
    ("json", "json", "{\"a\": [1, null]}"),
    ("date", "date", "2024-02-29"),
    ("time", "time", "13:45:06.789"),
    ("timestamp", "timestamp", "2024-01-02T03:04:05.123456"),
    ("timestamptz", "timestamptz", "2024-01-02T03:04:05.5+02:00"),
    ("interval", "interval", IV),
    ("int4[]", "int4[]", ["1", "2", None]),
    ("text[]", "text[]", ["a", "b c", None]),
]
CAST = {"numeric": "numeric(10,3)"}
PARAM_CASES = [
    Case(f"param-{cid}", f"select $1::{CAST.get(t, t)} as v", ((t, v),), "param")
    for cid, t, v in PARAM_VALUES
] + [
    # No cast: PostgreSQL infers text for a lone $1 (asyncpg's "insufficient data" of issue 7).
    Case("param-untyped", "select $1 as v", (("text", "x"),), "param"),
    # Several parameters of different types in one statement (pgjdbc's ByteConverter crash).
    Case("param-mixed", "select $1::int4 + 1 as a, $2::text || 'x' as b, $3::float8 * 2 as c",
         (("int4", "41"), ("text", "y"), ("float8", "1.25")), "param"),
    Case("param-mixed-null", "select $1::int4 + 1 as a, $2::text || 'x' as b",
         (("int4", None), ("text", None)), "param"),
    # Inferred from context: LIMIT is int8, a comparison with a column of a VALUES list.
    Case("param-limit", "select i::int4 as i from generate_series(1, 10) t(i) order by i limit $1",
         (("int8", "3"),), "param"),
]

# ---------------------------------------------------------------------------------------------
# The seeds' examples (examples/python): the two queries of the minimal server, the DuckDB one.
# ---------------------------------------------------------------------------------------------
MINIMAL_CASES = [Case("select-1", "select 1", (), "seed"),
                 Case("select-ok", "select 'ok' as status", (), "seed")]
DUCKDB_EXAMPLE_CASES = [
    Case("duckdb-example", "select 40 + 2 as answer, 'x' || 'y' as s, date '2024-02-29' as d",
         (), "seed"),
]

MATRIX_CASES = RESULT_CASES + PARAM_CASES


@dataclass(frozen=True)
class JavaCase(Case):
    """A pgjdbc case with extra steps (tests/clients/java/ClientMatrix.java)."""

    extra: Tuple[Tuple[str, Any], ...] = ()

    def as_json(self) -> Dict[str, Any]:
        return {**super().as_json(), **dict(self.extra)}


# pgjdbc's protocol features: setFetchSize with autocommit off (a portal read 7 rows at a time:
# Execute with a row limit, PortalSuspended), executeBatch of a parameterized INSERT.
JAVA_CASES = [
    JavaCase("fetch-size", "select i::int4 as i, 'n' || i as s from generate_series(1, 1000) t(i) "
             "order by i", (), "protocol", (("fetch_size", 7),)),
    JavaCase("fetch-size-params", "select i::int4 as i from generate_series(1, 100) t(i) "
             "where i > $1 order by i limit $2", (("int4", "10"), ("int8", "50")), "protocol",
             (("fetch_size", 3),)),
    JavaCase("batch-insert", "select i, s from cm_batch order by i", (), "protocol", (
        ("setup", ["drop table if exists cm_batch", "create table cm_batch (i int4, s text)"]),
        ("batch", {"sql": "insert into cm_batch values (?, ?)",
                   "rows": [[{"type": "int4", "value": str(i)},
                             {"type": "text", "value": None if i == 3 else f"row {i}"}]
                            for i in range(1, 6)]}),
    )),
]


# Python writes (tests/clients/python/matrix.py): the SQLAlchemy ORM over a mapped class made by
# create_all (insert + commit, filter with parameters, get, update/delete, rollback), and pandas
# DataFrame.to_sql read back with read_sql. The sql says what the program does (ORM) or reads.
ORM_CASES = [Case(cid, what, (), "write") for cid, what in (
    ("orm-insert", "session.add_all(3 items); commit; select all"),
    ("orm-filter", "select(Item).where(score > -1.0, name != 'bob')"),
    ("orm-get", "session.get(Item, 2)"),
    ("orm-update", "attribute change, update(), delete(); commit; select all"),
    ("orm-rollback", "attribute change; flush; rollback; select"),
)]
TO_SQL_CASES = [Case("to_sql", "select * from cm_pandas order by i", (), "write")]


@dataclass
class Target:
    host: str
    port: int
    user: str
    dbname: str
    password: Optional[str] = None

    def keyword_dsn(self) -> str:
        d = f"host={self.host} port={self.port} user={self.user} dbname={self.dbname} sslmode=disable"
        return d + (f" password={self.password}" if self.password else "")

    def url(self, scheme: str = "postgres") -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"{scheme}://{auth}@{self.host}:{self.port}/{self.dbname}"

    def jdbc(self) -> str:
        u = f"jdbc:postgresql://{self.host}:{self.port}/{self.dbname}?user={self.user}"
        return u + (f"&password={self.password}" if self.password else "")


@dataclass
class Client:
    """One driver in one mode: how to run its program and which cases do not apply to it."""

    name: str  # pytest id, e.g. "go-pgx-extended"
    argv: List[str]  # the program; the DSN is appended by dsn()
    dsn_kind: str  # keyword | url | jdbc
    # case id -> reason for cases that the client cannot express (never a riffq difference)
    not_applicable: Dict[str, str] = field(default_factory=dict)
    # case id -> precise reason for a known riffq difference (xfail strict)
    xfail: Dict[str, str] = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)

    def command(self, target: Target) -> List[str]:
        dsn = {"keyword": target.keyword_dsn, "url": target.url, "jdbc": target.jdbc,
               "pgurl": lambda: target.url("postgresql")}[self.dsn_kind]()
        return self.argv + [dsn]


class ClientFailed(AssertionError):
    pass


PY_MATRIX = os.path.join(ROOT, "tests", "clients", "python", "matrix.py")


def python_job(client: Client) -> Optional[Tuple[str, str]]:
    """(lib, mode) when the client is tests/clients/python/matrix.py, else None."""
    return (client.argv[2], client.argv[3]) if client.argv[1:2] == [PY_MATRIX] else None


def run_python_batch(jobs: Sequence[Tuple[Client, Sequence[Case]]], target: Target,
                     timeout: float = 600) -> Dict[str, Any]:
    """Runs the Python clients in one process against one target (importing pandas, polars,
    SQLAlchemy … once instead of once per client): per client name its {case id: result}, or a
    ClientFailed when that client could not run or connect."""
    batch = [{"name": c.name, "lib": python_job(c)[0], "mode": python_job(c)[1],
              "cases": [k.as_json() for k in cases]} for c, cases in jobs]
    env = dict(os.environ, PGTZ="UTC")
    proc = subprocess.run(jobs[0][0].argv[:2] + ["batch", "-", target.url("postgresql")],
                          input=json.dumps(batch), capture_output=True, text=True,
                          timeout=timeout, env=env)
    if proc.returncode != 0:
        raise ClientFailed(f"the Python clients exited {proc.returncode} against port "
                           f"{target.port}:\n{proc.stderr[-4000:]}")
    results = json.loads(proc.stdout)
    out: Dict[str, Any] = {}
    for client, cases in jobs:
        name, got = client.name, results.get(client.name, {"failed": "no result"})
        missing = [c.id for c in cases if c.id not in got]
        if "failed" in got:
            out[name] = ClientFailed(f"{name} failed against port {target.port}: {got['failed']}")
        elif missing:
            out[name] = ClientFailed(f"{name} gave no result for {missing}")
        else:
            out[name] = got
    return out


def run_client(client: Client, target: Target, cases: Sequence[Case],
               timeout: float = 300) -> Dict[str, Any]:
    """Runs the client program over the cases; returns {case id: result}. A program that
    cannot run or connect fails the test (never a skip)."""
    payload = json.dumps([c.as_json() for c in cases])
    env = dict(os.environ, **client.env)
    proc = subprocess.run(client.command(target), input=payload, capture_output=True, text=True,
                          timeout=timeout, env=env)
    if proc.returncode != 0:
        raise ClientFailed(f"{client.name} exited {proc.returncode} against port {target.port}:\n"
                           f"{proc.stderr[-4000:]}")
    try:
        out = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise ClientFailed(f"{client.name} printed no JSON: {exc}\n{proc.stdout[-2000:]}\n"
                           f"{proc.stderr[-2000:]}")
    missing = [c.id for c in cases if c.id not in out]
    if missing:
        raise ClientFailed(f"{client.name} gave no result for {missing}")
    return out


# ---------------------------------------------------------------------------------------------
# The DuckDB handler the matrix runs against
# ---------------------------------------------------------------------------------------------
import datetime as _dt  # noqa: E402
import re as _re  # noqa: E402
import uuid as _uuid  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

import riffq as _riffq  # noqa: E402

from .duckdb_handler import DuckDBHandler  # noqa: E402

_CAST = _re.compile(r"\$(\d+)\s*::\s*([a-z_][a-z_0-9]*)\s*(?:\([^)]*\))?((?:\[\])*)", _re.I)
_PLACEHOLDER = {
    "int2": 0, "int4": 0, "int8": 0, "smallint": 0, "integer": 0, "int": 0, "bigint": 0,
    "float4": 0.0, "float8": 0.0, "real": 0.0, "double": 0.0, "numeric": _Decimal(0),
    "decimal": _Decimal(0), "bool": False, "boolean": False, "text": "", "varchar": "",
    "bytea": b"", "uuid": _uuid.UUID(int=0), "json": "{}", "date": _dt.date(2000, 1, 1),
    "time": _dt.time(0), "timestamp": _dt.datetime(2000, 1, 1),
    "timestamptz": _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc),
    "interval": _dt.timedelta(0),
}


class MatrixDuckDBHandler(DuckDBHandler):
    """support/duckdb_handler.py with two things a DuckDB handler needs for PostgreSQL's
    parameter semantics:

    - Describe(statement) comes before any value is bound. DuckDB types an expression over a NULL
      parameter by folding it to NULL, which it types INTEGER (`$1::text || 'x'` and a bare `$1`
      are INTEGER), so riffq would describe int4 and then rightly refuse the text rows with
      0A000. At describe this handler binds a placeholder of each parameter's cast type (a bare
      `$n` gets '', as PostgreSQL infers text), and NULLs only if DuckDB refuses those.
    - riffq.Interval keeps months, which DuckDB's timedelta conversion drops: intervals with
      months are passed as PostgreSQL interval text, which DuckDB casts.
    """

    def __call__(self, sql: str, callback: Any, *, do_describe: bool = False,
                 connection_id: int = 0, query_args: Optional[list] = None, **kw: Any) -> None:
        if query_args is not None:
            query_args = [self._value(v) for v in query_args]
        elif do_describe and "$" in sql:
            query_args = self._placeholders(sql, connection_id)
        super().__call__(sql, callback, do_describe=do_describe, connection_id=connection_id,
                         query_args=query_args, **kw)

    @staticmethod
    def _value(v: Any) -> Any:
        if isinstance(v, _riffq.Interval) and v.months:
            return f"{v.months} months {v.days} days {v.microseconds + v.seconds * 10**6} microseconds"
        if isinstance(v, list):
            return [MatrixDuckDBHandler._value(x) for x in v]
        return v

    def _placeholders(self, sql: str, connection_id: int) -> Optional[list]:
        n = max((int(m) for m in _re.findall(r"\$(\d+)", sql)), default=0)
        values: List[Any] = [""] * n
        for m in _CAST.finditer(sql):
            i, typ, arr = int(m.group(1)) - 1, m.group(2).lower(), m.group(3)
            values[i] = [] if arr else _PLACEHOLDER.get(typ, None)
        stripped = sql.strip().rstrip(";")
        # A cursor of its own: a failed probe inside the client's transaction would abort it
        # (DuckDB has no savepoints), and the client's next statement would fail.
        probe = self.con.cursor()
        try:
            probe.execute(f"SET search_path = '{self.search_path}'")
            probe.execute(f"SELECT * FROM ({stripped}) AS q LIMIT 0", values)
            return values
        except Exception:  # noqa: BLE001 - e.g. LIMIT '' : fall back to NULLs
            return None
        finally:
            probe.close()

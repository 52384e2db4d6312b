"""The client matrix (issue 7, docs/clients.md): Go (pgx v5, lib/pq), Node.js (pg, postgres.js),
Rust (tokio-postgres, sqlx), Java (pgjdbc from Maven Central) and Python drivers run the same
statements against PostgreSQL 15 and against riffq with a DuckDB handler, and must return the
same thing: per column the name and type the driver reports, per value the client-side type and
value. Each (client, case) is its own test. The seeds' examples (minimal server, DuckDB server)
are run unchanged with every client.

The client programs are built by scripts/build_clients.sh (called by scripts/setup.sh, and here
again so that an edited program is rebuilt; builds are cached under ~/.cache/riffq-clients). A
build that fails fails every test of this file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict, Iterator, List, Tuple

import duckdb
import pytest

from support.client_matrix import (
    BIN,
    DUCKDB_EXAMPLE_CASES,
    MATRIX_CASES,
    JAVA_CASES,
    MINIMAL_CASES,
    ORM_CASES,
    TO_SQL_CASES,
    MatrixDuckDBHandler,
    ROOT,
    Case,
    Client,
    Target,
    python_job,
    run_client,
    run_python_batch,
)
from support.pg_cluster import free_port
from support.servers import ExampleProcess, ServerThread

# ---------------------------------------------------------------------------------------------
# The clients. not_applicable: the driver cannot express the case (no riffq difference; listed in
# docs/clients.md). xfail: a riffq difference, strict, with the precise reason.
# ---------------------------------------------------------------------------------------------

GO = os.path.join(BIN, "clientmatrix-go")
RUST = os.path.join(BIN, "clientmatrix-rust")
PY = [sys.executable, os.path.join(ROOT, "tests", "clients", "python", "matrix.py")]
NODE = ["node", os.path.join(ROOT, "tests", "clients", "node", "matrix.mjs")]
UTC = {"TZ": "UTC"}
JAVA_DIR = os.path.join(os.path.dirname(BIN), "java")
DEBIAN_PGJDBC = "/usr/share/java/postgresql.jar"


def java(jar: str, mode: str) -> List[str]:
    return ["java", "-Duser.timezone=UTC", "-cp", f"{jar}:{os.path.join(JAVA_DIR, 'classes')}",
            "ClientMatrix", mode]


# Reasons for the cases that do not pass (strict xfail: a fix turns them into failures to
# remove). The prefix says which layer differs from PostgreSQL.
JSON_TEXT = ("riffq: a json parameter is decoded to a Python value (SPEC §4.2), so the handler "
             "cannot return the client's text as sent; PostgreSQL's json keeps it byte for byte "
             "('{\"a\": [1, null]}' comes back as '{\"a\":[1,null]}')")
NULL_FOLD = ("DuckDB: `$2::text || 'x'` with a NULL argument is folded to a NULL that DuckDB types "
             "INTEGER, and this client's statement is described only after Bind (Describe "
             "portal, or the simple protocol), so the column is int4 where PostgreSQL says text")
INLINE_BYTEA = ("DuckDB: the client inlines the bytea parameter as '\\x00ff41'::bytea, which DuckDB "
                "reads as the escape \\x00 followed by the characters 'ff41' (PostgreSQL: hex)")
INLINE_ARRAY = ("DuckDB: the client inlines the array parameter as a PostgreSQL array literal "
                "('{1,2,NULL}'::int4[]), which DuckDB cannot cast")
VARCHAR_PARAM = ("DuckDB/Arrow: `select $1` has the parameter's type; pgjdbc declares setString "
                 "parameters varchar, PostgreSQL answers varchar, DuckDB VARCHAR reaches Arrow as "
                 "utf8 and so riffq says text")

PY_INFINITY = "psycopg cannot represent infinite dates (DataError from PostgreSQL too)"
SA_MINIMAL = ("example: SQLAlchemy never uses autocommit, so the driver sends BEGIN before "
              "the first statement; SPEC §5 passes BEGIN to the handler, and the minimal "
              "server's handler answers it 42601 'unsupported demo query'")
# ADBC's connect-time pg_attribute read is answered by the core now (type introspection); what
# remains is the transaction its DB-API opens, as SQLAlchemy's.
ADBC_BEGIN = ("example: ADBC's DB-API is not in autocommit mode, so the driver sends BEGIN before "
              "the first statement; SPEC §5 passes BEGIN to the handler, and the minimal "
              "server's handler answers it 42601 'unsupported demo query'")
SA_SAVEPOINT = ("example: psycopg 3's SQLAlchemy dialect runs its connect-time checks inside "
                "SAVEPOINT \"_pg3_1\", which the seed's DuckDB handler passes to DuckDB (no "
                "savepoints: Parser Error)")
SA_ROLLBACK_DUCKDB = ("example: SQLAlchemy ends its connect-time statements with ROLLBACK, which "
                      "the seed's DuckDB handler runs on a fresh DuckDB cursor (one per statement, "
                      "so the BEGIN before was on another cursor): 'TransactionContext Error: "
                      "cannot rollback - no transaction is active'")
INTERVAL_DAYS = ("riffq: an interval parameter is decoded to a timedelta (SPEC §4.2), which folds "
                 "hours into days: ADBC binds 3 days 04:05:06.5 as 0 days 73:05:06.5, PostgreSQL "
                 "echoes that, riffq's handler returns 3 days 04:05:06.5")

CLIENT_ERRORS = "the client library cannot read this type (the same error from PostgreSQL)"
INFINITY = {"date-infinity": CLIENT_ERRORS, "timestamp-infinity": CLIENT_ERRORS}
CX_TYPES = {**INFINITY, **{c: CLIENT_ERRORS for c in ("interval", "date[]", "int4[][]", "record")}}
SA_SEED_FAILS = {"seed-minimal": SA_MINIMAL, "seed-duckdb": SA_ROLLBACK_DUCKDB}
PSYCOPG_SEED_FAILS = {"seed-minimal": SA_MINIMAL, "seed-duckdb": SA_SAVEPOINT}

NO_PARAMS = {c.id: "takes no parameters" for c in MATRIX_CASES if c.params}

CLIENTS: List[Client] = [
    Client("go-pgx-extended", [GO, "pgx", "extended"], "keyword"),
    Client("go-pgx-describe", [GO, "pgx", "describe"], "keyword"),
    Client("go-pgx-simple", [GO, "pgx", "simple"], "keyword",
           not_applicable={"param-json": "pgx's simple protocol cannot encode a Go map for a "
                                         "parameter of unknown type (the same error from PostgreSQL)"},
           xfail={"param-bytea": INLINE_BYTEA, "param-int4[]": INLINE_ARRAY,
                  "param-text[]": INLINE_ARRAY, "param-mixed-null": NULL_FOLD}),
    Client("go-pq-text", [GO, "pq", "text"], "keyword", xfail={"param-json": JSON_TEXT}),
    Client("go-pq-binary", [GO, "pq", "binary"], "keyword",
           xfail={"param-json": JSON_TEXT, "param-mixed-null": NULL_FOLD}),
    Client("node-pg-text", NODE + ["pg", "text"], "url", env=UTC,
           xfail={"param-mixed-null": NULL_FOLD}),
    Client("node-postgres-prepare", NODE + ["postgres", "prepare"], "url", env=UTC),
    Client("node-postgres-unnamed", NODE + ["postgres", "unnamed"], "url", env=UTC),
    # PGTZ: libpq sends TimeZone=UTC, so psycopg's tzinfo comes from the same zone name on both
    # servers (the throwaway cluster's default is initdb's Etc/UTC, riffq's is UTC).
    Client("py-pg8000", PY + ["pg8000", "-"], "pgurl", env={"PGTZ": "UTC"}),
    Client("py-sqlalchemy-psycopg", PY + ["sqlalchemy", "psycopg"], "pgurl", env={"PGTZ": "UTC"},
           not_applicable={"date-infinity": PY_INFINITY, "timestamp-infinity": PY_INFINITY},
           xfail=PSYCOPG_SEED_FAILS),
    Client("py-sqlalchemy-psycopg2", PY + ["sqlalchemy", "psycopg2"], "pgurl", env={"PGTZ": "UTC"},
           xfail={"param-bytea": INLINE_BYTEA, **SA_SEED_FAILS}),
    Client("rust-tokio-postgres-prepared", [RUST, "tokio-postgres", "prepared"], "keyword",
           xfail={"param-json": JSON_TEXT}),
    Client("rust-tokio-postgres-simple", [RUST, "tokio-postgres", "simple"], "keyword",
           not_applicable=NO_PARAMS),
    Client("rust-sqlx-query_as", [RUST, "sqlx", "query_as"], "url",
           not_applicable={"int4[][]": "sqlx decodes only one-dimensional arrays (the same "
                                       "client error from PostgreSQL)"}),
    Client("py-sqlalchemy-asyncpg", PY + ["sqlalchemy", "asyncpg"], "pgurl", env={"PGTZ": "UTC"},
           xfail=SA_SEED_FAILS),
    Client("py-sqlalchemy-pg8000", PY + ["sqlalchemy", "pg8000"], "pgurl", env={"PGTZ": "UTC"},
           xfail=SA_SEED_FAILS),
    # Data frames over psycopg 3 (SQLAlchemy engine or a plain connection), ConnectorX and ADBC.
    Client("py-pandas-read_sql", PY + ["pandas", "sqlalchemy"], "pgurl", env={"PGTZ": "UTC"},
           not_applicable={"date-infinity": PY_INFINITY, "timestamp-infinity": PY_INFINITY},
           xfail=PSYCOPG_SEED_FAILS),
    Client("py-polars-sqlalchemy", PY + ["polars", "sqlalchemy"], "pgurl", env={"PGTZ": "UTC"},
           not_applicable={"date-infinity": PY_INFINITY, "timestamp-infinity": PY_INFINITY},
           xfail=PSYCOPG_SEED_FAILS),
    Client("py-polars-psycopg", PY + ["polars", "psycopg"], "pgurl", env={"PGTZ": "UTC"},
           not_applicable={"date-infinity": PY_INFINITY, "timestamp-infinity": PY_INFINITY}),
    Client("py-polars-uri-connectorx", PY + ["polars", "connectorx"], "pgurl",
           not_applicable={**NO_PARAMS, **CX_TYPES}),
    Client("py-polars-uri-adbc", PY + ["polars", "adbc"], "pgurl",
           not_applicable={**NO_PARAMS, **INFINITY, "interval": CLIENT_ERRORS,
                           "record": CLIENT_ERRORS},
           xfail={"seed-minimal": ADBC_BEGIN}),
    Client("py-adbc", PY + ["adbc", "-"], "pgurl",
           not_applicable={**INFINITY, "record": CLIENT_ERRORS},
           xfail={"param-interval": INTERVAL_DAYS, "param-mixed-null": NULL_FOLD,
                  "seed-minimal": ADBC_BEGIN}),
    Client("py-connectorx", PY + ["connectorx", "-"], "pgurl",
           not_applicable={**NO_PARAMS, **CX_TYPES}),
    *[Client(f"java-pgjdbc{tag}-{mode}", java(jar, mode), "jdbc",
             xfail={"param-mixed-null": NULL_FOLD,
                    **({"param-bytea": INLINE_BYTEA, "param-int4[]": INLINE_ARRAY,
                        "param-text[]": INLINE_ARRAY} if mode == "simple" else
                       {"param-json": JSON_TEXT, "param-untyped": VARCHAR_PARAM})})
      for tag, jar, modes in (("", os.path.join(JAVA_DIR, "postgresql-maven.jar"),
                               ("prepared", "unprepared", "simple")),
                              ("-debian", DEBIAN_PGJDBC, ("prepared",)))
      for mode in modes],
]


def matrix_params() -> List[Any]:
    out = []
    for client in CLIENTS:
        for case in MATRIX_CASES:
            if case.id in client.not_applicable:
                continue
            marks = []
            if case.id in client.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=client.xfail[case.id]))
            out.append(pytest.param(client, case, id=f"{client.name}-{case.id}", marks=marks))
    return out


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def client_programs() -> None:
    """Builds (or finds up to date) every client program. A failure fails the tests."""
    proc = subprocess.run(["bash", os.path.join(ROOT, "scripts", "build_clients.sh")],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, f"scripts/build_clients.sh failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


@pytest.fixture(scope="module")
def riffq_duckdb() -> Iterator[ServerThread]:
    """riffq answering from DuckDB (support/client_matrix.py: MatrixDuckDBHandler).
    arrow_lossless_conversion makes DuckDB hand uuid, json and bool columns to Arrow as
    arrow.uuid / arrow.json / arrow.bool8 instead of strings and int8."""
    con = duckdb.connect()
    con.execute("SET arrow_lossless_conversion = true")
    st = ServerThread(MatrixDuckDBHandler(con, search_path="main"), port=free_port()).start()
    yield st
    st.stop()


class Results:
    """Each client program runs once per server over all cases; tests read their case. The
    Python clients run together, in one process per server (support/client_matrix.py:
    run_python_batch), as planned by python_plan."""

    def __init__(self) -> None:
        self.cache: Dict[Tuple[str, str], Dict[str, Any]] = {}
        self.failures: Dict[Tuple[str, str], BaseException] = {}

    def get(self, client: Client, where: str, target: Target, cases: List[Case]) -> Dict[str, Any]:
        key = (client.name, where)
        if key not in self.cache and key not in self.failures and python_job(client):
            self._run_python(where, target)
        if key in self.failures:
            raise self.failures[key]
        if key not in self.cache:
            try:
                self.cache[key] = run_client(client, target, cases)
            except BaseException as exc:
                self.failures[key] = exc
                raise
        return self.cache[key]

    def _run_python(self, where: str, target: Target) -> None:
        # Every case set for this server in one process (PostgreSQL serves four of them).
        wheres = [w for w in PY_WHERES if target_kind(w) == target_kind(where)]
        jobs = [(Client(f"{c.name}@{w}", c.argv, c.dsn_kind), cases)
                for w in wheres for c, cases in python_plan(w)]
        try:
            got = run_python_batch(jobs, target)
        except BaseException as exc:
            got = {c.name: exc for c, _ in jobs}
        for job, res in got.items():
            name, w = job.rsplit("@", 1)
            if isinstance(res, BaseException):
                self.failures[(name, w)] = res
            else:
                self.cache[(name, w)] = res


# The servers the Python clients run against (the `where` keys of Results.get): one process
# per server runs every case set meant for it.
PY_WHERES = ["pg", "pg-minimal", "pg-duckdb-example", "pg-write", "riffq", "riffq-write",
             "minimal", "duckdb-example"]


def target_kind(where: str) -> str:
    """Which server a `where` key names: PostgreSQL, the DuckDB riffq, or an example."""
    if where.startswith("pg"):
        return "pg"
    return "riffq" if where.startswith("riffq") else where


@pytest.fixture(scope="module")
def results(client_programs) -> Results:
    return Results()


def python_plan(where: str) -> List[Tuple[Client, List[Case]]]:
    """The Python clients and their cases for one server (the `where` keys of the tests)."""
    if where.endswith("write"):
        return [(c, cases) for c, cases in WRITE_CLIENTS]
    cases = {"minimal": MINIMAL_CASES, "duckdb-example": DUCKDB_EXAMPLE_CASES}.get(
        where.removeprefix("pg-"), MATRIX_CASES)
    return [(c, cases_for(c, cases)) for c in CLIENTS if python_job(c)]


def pg_target(pg) -> Target:
    return Target("127.0.0.1", pg.port, pg.user, "postgres")


def riffq_target(st: ServerThread) -> Target:
    return Target("127.0.0.1", st.port, "user", "db")


def cases_for(client: Client, cases: List[Case]) -> List[Case]:
    return [c for c in cases if c.id not in client.not_applicable]


# ---------------------------------------------------------------------------------------------
# The type matrix: each case, each client, riffq against PostgreSQL 15
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client,case", matrix_params())
def test_matrix(client: Client, case: Case, pg, riffq_duckdb, results: Results) -> None:
    cases = cases_for(client, MATRIX_CASES)
    expected = results.get(client, "pg", pg_target(pg), cases)[case.id]
    assert "error" not in expected, f"test bug: PostgreSQL rejects the case: {expected['error']}"
    got = results.get(client, "riffq", riffq_target(riffq_duckdb), cases)[case.id]
    assert got == expected


JAVA_CLIENTS = [c for c in CLIENTS if c.name.startswith("java-")]


@pytest.mark.parametrize("client,case", [pytest.param(cl, ca, id=f"{cl.name}-{ca.id}")
                                         for cl in JAVA_CLIENTS for ca in JAVA_CASES])
def test_pgjdbc_protocol(client: Client, case: Case, pg, riffq_duckdb, results: Results) -> None:
    """setFetchSize with autocommit off (portal suspension) and executeBatch."""
    expected = results.get(client, "pg-java", pg_target(pg), JAVA_CASES)[case.id]
    assert "error" not in expected, f"test bug: PostgreSQL rejects the case: {expected['error']}"
    got = results.get(client, "riffq-java", riffq_target(riffq_duckdb), JAVA_CASES)[case.id]
    assert got == expected


WRITE_CLIENTS = [
    *[(Client(f"py-orm-{d}", PY + ["orm", d], "pgurl", env={"PGTZ": "UTC"}), ORM_CASES)
      for d in ("psycopg", "psycopg2", "asyncpg", "pg8000")],
    *[(Client(f"py-pandas-{m}", PY + ["pandas", m], "pgurl", env={"PGTZ": "UTC"}), TO_SQL_CASES)
      for m in ("to_sql-none", "to_sql-multi")],
]


@pytest.mark.parametrize("client,cases,case", [
    pytest.param(cl, cases, ca, id=f"{cl.name}-{ca.id}",
                 marks=[pytest.mark.xfail(strict=True, reason=cl.xfail[ca.id])]
                 if ca.id in cl.xfail else [])
    for cl, cases in WRITE_CLIENTS for ca in cases])
def test_python_writes(client: Client, cases: List[Case], case: Case, pg, riffq_duckdb,
                       results: Results) -> None:
    """SQLAlchemy ORM sessions and pandas to_sql write through riffq into DuckDB and read back
    what PostgreSQL gives the same program."""
    expected = results.get(client, "pg-write", pg_target(pg), cases)[case.id]
    assert "error" not in expected, f"test bug: PostgreSQL rejects the case: {expected['error']}"
    got = results.get(client, "riffq-write", riffq_target(riffq_duckdb), cases)[case.id]
    assert got == expected


# ---------------------------------------------------------------------------------------------
# The seeds' examples, unchanged (examples/python): password authentication user/secret
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minimal_example() -> Iterator[ExampleProcess]:
    with ExampleProcess("minimal_server.py", free_port()) as p:
        yield p


@pytest.fixture(scope="module")
def duckdb_example() -> Iterator[ExampleProcess]:
    with ExampleProcess("duckdb_server.py", free_port()) as p:
        yield p


def values(result: Dict[str, Any]) -> List[List[str]]:
    return [[v for _, v in row] for row in result["rows"]]


def seed_params(key: str) -> List[Any]:
    return [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.xfail[key])]
                         if key in c.xfail else []) for c in CLIENTS]


@pytest.mark.parametrize("client", seed_params("seed-minimal"))
def test_seed_minimal_example(client: Client, pg, minimal_example, results: Results) -> None:
    """The minimal server answers `select 1` with an Arrow int64 column named "one" (int8), where
    PostgreSQL says int4 "?column?": the values are compared, as the client renders them."""
    expected = results.get(client, "pg-minimal", pg_target(pg), MINIMAL_CASES)
    got = results.get(client, "minimal", Target("127.0.0.1", minimal_example.port, "user", "db",
                                                "secret"), MINIMAL_CASES)
    for case in MINIMAL_CASES:
        assert "error" not in got[case.id], got[case.id]
        assert values(got[case.id]) == values(expected[case.id]), case.id


@pytest.mark.parametrize("client", seed_params("seed-duckdb"))
def test_seed_duckdb_example(client: Client, pg, duckdb_example, results: Results) -> None:
    expected = results.get(client, "pg-duckdb-example", pg_target(pg), DUCKDB_EXAMPLE_CASES)
    got = results.get(client, "duckdb-example", Target("127.0.0.1", duckdb_example.port, "user",
                                                       "db", "secret"), DUCKDB_EXAMPLE_CASES)
    for case in DUCKDB_EXAMPLE_CASES:
        assert got[case.id] == expected[case.id], case.id

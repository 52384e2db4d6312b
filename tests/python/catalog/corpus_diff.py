"""Differential harness for the catalog engine (SPEC §6.4).

Starts a throwaway PostgreSQL 15 cluster, creates the objects of demo_objects.json there with
generated DDL (one transaction, so its xid is the one the engine gives registered rows),
registers the same objects in the engine (through build/cpp/tools/riffq_catalog_cli), runs
every statement on both and compares column names, column type OIDs and rows (as text; a
multiset unless the statement has a top-level ORDER BY, and rows tied on every ORDER BY key may
come in any order). OIDs of user objects (>= 16384) are mapped to symbolic names on each side
first; the engine assigns them in PostgreSQL's order, so hard-coded OIDs name the same objects.

Statements: ../shared/corpus/catalog-queries/*.jsonl and client_queries/*.jsonl (psql 15's
backslash commands from psql -E, asyncpg / psycopg type introspection, SQLAlchemy's inspector
and pgjdbc's DatabaseMetaData from a server logging every statement). Statements reading the
moment or the server's state (times, sizes, activity, version(), \dconfig) are compared on
column names and types only and listed; SET / SHOW are answered by the CLI's stand-in for the
session layer and counted apart.

    python3 tests/python/catalog/corpus_diff.py [-v] [--only FILE_SUBSTR] [--repeat N] [--scale N]
    python3 tests/python/catalog/corpus_diff.py --capture-clients   # refresh client_queries/
    PGCLI_PYTHON=venv/bin/python python3 tests/python/catalog/corpus_diff.py --capture-completion

--scale N adds N generated 20-column tables (schema bulk) for measuring latency at scale.
Importable: ``run(files) -> list[Outcome]`` is what a pytest differential test uses.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import pwd
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.path.abspath(os.path.join(ROOT, "..", "shared", "corpus", "catalog-queries"))
CLIENT_QUERIES = os.path.join(HERE, "client_queries")
OBJECTS = os.path.join(HERE, "demo_objects.json")
# Statements of our own over the demo objects (information_schema views, pg_indexes, …).
PROBES = os.path.join(HERE, "probe_queries.jsonl")
CLI = os.path.join(ROOT, "build", "cpp", "tools", "riffq_catalog_cli")
PG_BIN = "/usr/lib/postgresql/15/bin"
FIRST_USER_OID = 16384

# Statements whose answer depends on the moment or the server's history (times, activity,
# sizes, xids): only column names and types are compared, and they are listed as such.
VOLATILE = re.compile(
    r"pg_stat_activity|pg_stat_|pg_postmaster_start_time|\bnow\(\)|current_timestamp|"
    r"pg_(total_)?relation_size|pg_database_size|pg_table_size|pg_indexes_size|"
    r"txid_current|pg_current_xact|pg_backend_pid|inet_(server|client)_|"
    r"pg_is_in_recovery|pg_last_|pg_conf_load_time|clock_timestamp|statement_timestamp|"
    r"pg_size_pretty|pg_ls_|pg_locks|pg_prepared_xacts|pg_control_", re.I)


# ----------------------------------------------------------------------------------------------
# PostgreSQL side
# ----------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL 15 cluster in a temporary directory (initdb as the postgres user)."""

    def __init__(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="riffq-catdiff-")
        self.data = os.path.join(self.tmp, "data")
        self.port = _free_port()
        self.pw = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.pw:
            os.chown(self.tmp, self.pw.pw_uid, self.pw.pw_gid)

    def _run(self, args: list[str]) -> None:
        def demote():
            if self.pw:
                os.setgid(self.pw.pw_gid)
                os.setuid(self.pw.pw_uid)
        subprocess.run(args, preexec_fn=demote, check=True, capture_output=True, cwd=self.tmp)

    def start(self, log_statements: bool = False) -> "Cluster":
        self._run([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        opts = f"-p {self.port} -k {self.tmp} -c listen_addresses='' -c fsync=off"
        if log_statements:
            opts += " -c log_statement=all -c log_line_prefix=@@@ -c listen_addresses=127.0.0.1"
        self._run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-o", opts, "-l",
                   os.path.join(self.tmp, "log"), "-w", "start"])
        return self

    def stop(self) -> None:
        try:
            self._run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def dsn(self) -> str:
        return f"host={self.tmp} port={self.port} user=postgres dbname=postgres"


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ddl(objects: dict) -> list[str]:
    """CREATE / COMMENT statements making the objects of one database, in registration order."""
    out: list[str] = []
    db = objects["databases"][0]
    for sc in db["schemas"]:
        s = _ident(sc["name"])
        if sc["name"] != "public":
            out.append(f"CREATE SCHEMA {s}")
        if sc.get("comment") is not None:
            out.append(f"COMMENT ON SCHEMA {s} IS {_lit(sc['comment'])}")
        for rel in sc.get("relations", []):
            q = f"{s}.{_ident(rel['name'])}"
            kind = rel.get("kind", "r")
            if kind in ("v", "m"):
                what = "VIEW" if kind == "v" else "MATERIALIZED VIEW"
                out.append(f"CREATE {what} {q} AS {rel['view_definition'].rstrip().rstrip(';')}")
            else:
                parts = []
                for c in rel["columns"]:
                    p = f"{_ident(c['name'])} {c['type']}"
                    if c.get("default") is not None:
                        p += f" DEFAULT {c['default']}"
                    if not c.get("nullable", True):
                        p += " NOT NULL"
                    parts.append(p)
                if rel.get("primary_key"):
                    name = rel.get("primary_key_name") or f"{rel['name']}_pkey"
                    parts.append(f"CONSTRAINT {_ident(name)} PRIMARY KEY "
                                 f"({', '.join(map(_ident, rel['primary_key']))})")
                for uk in rel.get("unique_keys", []):
                    parts.append(f"UNIQUE ({', '.join(map(_ident, uk))})")
                for ck in rel.get("checks", []):
                    con = f"CONSTRAINT {_ident(ck['name'])} " if ck.get("name") else ""
                    parts.append(f"{con}CHECK ({ck['expr']})")
                for fk in rel.get("foreign_keys", []):
                    con = f"CONSTRAINT {_ident(fk['name'])} " if fk.get("name") else ""
                    ref = f"{_ident(fk.get('ref_schema') or sc['name'])}.{_ident(fk['ref_table'])}"
                    parts.append(f"{con}FOREIGN KEY ({', '.join(map(_ident, fk['columns']))}) "
                                 f"REFERENCES {ref}({', '.join(map(_ident, fk['ref_columns']))})")
                out.append(f"CREATE TABLE {q} ({', '.join(parts)})")
                for ix in rel.get("indexes", []):
                    u = "UNIQUE " if ix.get("unique") else ""
                    out.append(f"CREATE {u}INDEX {_ident(ix['name'])} ON {q} "
                               f"({', '.join(map(_ident, ix['columns']))})")
            if rel.get("comment") is not None:
                what = {"v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")
                out.append(f"COMMENT ON {what} {q} IS {_lit(rel['comment'])}")
            for c in rel["columns"]:
                if c.get("comment") is not None:
                    out.append(f"COMMENT ON COLUMN {q}.{_ident(c['name'])} IS {_lit(c['comment'])}")
    return out


def translate(text: str, pg_names: dict[str, str], rq_oids: dict[str, str]) -> str:
    """Hard-coded OIDs of user objects (psql's '16384', DBeaver's $1 = 16548) name PostgreSQL's
    objects; the engine assigns its own OIDs, so each is replaced by the engine's OID of the
    object with the same symbolic name (left alone when the engine has no such object)."""
    def one(m):
        name = pg_names.get(m.group(0))
        return rq_oids.get(name, m.group(0)) if name else m.group(0)
    return _NUM.sub(one, text)


# Symbolic names of user objects, asked of each side with its own catalog.
OID_NAMES = [
    "SELECT c.oid, 'class:' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384",
    "SELECT t.oid, 'type:' || n.nspname || '.' || t.typname FROM pg_catalog.pg_type t "
    "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.oid >= 16384",
    "SELECT oid, 'nsp:' || nspname FROM pg_catalog.pg_namespace WHERE oid >= 16384",
    "SELECT c.oid, 'con:' || r.relname || '.' || c.conname FROM pg_catalog.pg_constraint c "
    "JOIN pg_catalog.pg_class r ON r.oid = c.conrelid WHERE c.oid >= 16384",
    "SELECT d.oid, 'attrdef:' || r.relname || '.' || d.adnum FROM pg_catalog.pg_attrdef d "
    "JOIN pg_catalog.pg_class r ON r.oid = d.adrelid WHERE d.oid >= 16384",
    "SELECT oid, 'db:' || datname FROM pg_catalog.pg_database WHERE oid >= 16384",
    "SELECT oid, 'proc:' || proname FROM pg_catalog.pg_proc WHERE oid >= 16384",
    "SELECT w.oid, 'rule:' || r.relname || '.' || w.rulename FROM pg_catalog.pg_rewrite w "
    "JOIN pg_catalog.pg_class r ON r.oid = w.ev_class WHERE w.oid >= 16384",
    "SELECT t.oid, 'trigger:' || c.conname || '.' || t.tgfoid::regproc::text "
    "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_constraint c ON c.oid = t.tgconstraint "
    "WHERE t.oid >= 16384",
]

# Names that embed an OID (pg_toast_16384, RI_ConstraintTrigger_a_16404): the OID is mapped too.
_EMBEDDED = re.compile(r"(pg_toast_|RI_ConstraintTrigger_[ac]_)(\d{5,10})")


# The server's own identity: riffq reports itself in version() (compiler, build), so only the
# column names and types are compared; listed with the volatile ones.
# The same goes for the server's configuration: the non-default settings (\dconfig) are the
# data directory, port and options of whichever server answers.
IDENTITY = re.compile(r"\bversion\s*\(\s*\)|\bsource\s*<>\s*'default'", re.I)


def is_volatile(sql: str) -> bool:
    """True when the statement reads something a fresh server cannot reproduce (outside
    string literals: keyword lists quote 'current_timestamp')."""
    bare = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return VOLATILE.search(bare) is not None or IDENTITY.search(sql) is not None


class PgSide:
    def __init__(self, conn) -> None:
        self.conn = conn

    def run(self, sql: str, params: list) -> dict:
        pgconn = self.conn.pgconn
        values = [None if p is None else str(p).encode() for p in params]
        t0 = time.perf_counter()
        res = pgconn.exec_params(sql.encode(), values)
        micros = (time.perf_counter() - t0) * 1e6
        status = res.status
        from psycopg.pq import ExecStatus
        if status not in (ExecStatus.TUPLES_OK, ExecStatus.COMMAND_OK):
            state = res.error_field(ord("C"))
            msg = res.error_field(ord("M"))
            return {"error": {"sqlstate": state.decode() if state else "?",
                              "message": msg.decode() if msg else "?"}, "micros": micros}
        cols = [[res.fname(i).decode(), res.ftype(i)] for i in range(res.nfields)]
        rows = []
        for r in range(res.ntuples):
            row = []
            for c in range(res.nfields):
                v = res.get_value(r, c)
                row.append(None if v is None else v.decode())
            rows.append(row)
        return {"columns": cols, "rows": rows, "micros": micros}


class CliSide:
    def __init__(self, objects_path: str, repeat: int = 1) -> None:
        self.proc = subprocess.Popen([CLI, objects_path, "--repeat", str(repeat)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, sql: str, params: list) -> dict:
        ps = [None if p is None else str(p) for p in params]
        self.proc.stdin.write(json.dumps({"sql": sql, "params": ps}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"riffq_catalog_cli died on: {sql[:200]}")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def oid_names(side) -> dict[str, str]:
    names: dict[str, str] = {}
    for q in OID_NAMES:
        r = side.run(q, [])
        for oid, name in r.get("rows", []):
            names.setdefault(oid, f"<{name}>")
    return {oid: embedded(name, names) for oid, name in names.items()}


def embedded(text: str, names: dict[str, str]) -> str:
    return _EMBEDDED.sub(lambda m: m.group(1) + names.get(m.group(2), m.group(2)), text)


# ----------------------------------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------------------------------
_NUM = re.compile(r"(?<![\w.])\d{5,10}(?![\w.])")


XID = 28


def normalise(result: dict, names: dict[str, str], user_xid: int) -> list[tuple]:
    """Rows with user OIDs replaced by names, and xids of user objects' rows (xmin of rows
    created after the built-in catalog: the DDL here, registration there) by <user-xid>."""
    types = [c[1] for c in result.get("columns", [])]

    def cell(v, t):
        if v is None:
            return None
        if t == XID and v.isdigit() and int(v) >= user_xid:
            return "<user-xid>"
        return _NUM.sub(lambda m: names.get(m.group(0), m.group(0)), embedded(v, names))
    return [tuple(cell(v, t) for v, t in zip(row, types)) for row in result.get("rows", [])]


def order_keys(sql: str, columns: list[str]) -> list[int] | None:
    """Output-column indexes of the top-level ORDER BY when every item is an output column
    name or position; None otherwise."""
    s = re.sub(r"'(?:[^']|'')*'", "''", sql)
    s = re.sub(r"--[^\n]*", "", s)
    depth, out = 0, []
    for ch in s:
        depth += ch == "("
        depth -= ch == ")"
        out.append(ch if depth == 0 and ch not in "()" else " ")
    flat = "".join(out)
    m = list(re.finditer(r"\border\s+by\b", flat, re.I))
    if not m:
        return None
    clause = re.split(r"\b(limit|offset|for)\b", flat[m[-1].end():], flags=re.I)[0]
    keys = []
    lower = [c.lower() for c in columns]
    for item in clause.split(","):
        item = re.sub(r"\b(asc|desc|nulls\s+first|nulls\s+last)\b", "", item, flags=re.I)
        item = item.strip().rstrip(";").strip().strip('"')
        item = item.split(".")[-1].strip('"').lower()
        if item.isdigit() and 0 < int(item) <= len(columns):
            keys.append(int(item) - 1)
        elif item in lower:
            keys.append(lower.index(item))
        else:
            return None
    return keys


def top_level_order_by(sql: str) -> bool:
    s = re.sub(r"'(?:[^']|'')*'", "''", sql)
    s = re.sub(r"--[^\n]*", "", s)
    depth, out = 0, []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return re.search(r"\border\s+by\b", "".join(out), re.I) is not None


@dataclass
class Outcome:
    file: str
    index: int
    sql: str
    verdict: str  # identical | differing | erroring
    volatile: bool = False
    notes: list[str] = field(default_factory=list)
    pg_micros: float = 0.0
    riffq_micros: float = 0.0


def compare(sql: str, pg: dict, rq: dict, pg_names: dict, rq_names: dict,
            user_xid: int = 1 << 31) -> tuple[str, list[str], bool]:
    volatile = is_volatile(sql)
    if "error" in pg:
        if "error" in rq and rq["error"]["sqlstate"] == pg["error"]["sqlstate"]:
            return "identical", [], volatile
        got = rq["error"]["sqlstate"] if "error" in rq else "a result"
        return "differing", [f"PostgreSQL: ERROR {pg['error']['sqlstate']} "
                             f"{pg['error']['message'][:120]}; riffq: {got}"], volatile
    if "error" in rq:
        return "erroring", [f"riffq ERROR {rq['error']['sqlstate']}: {rq['error']['message'][:200]}"], volatile
    notes = []
    pc, rc = pg["columns"], rq["columns"]
    if [c[0] for c in pc] != [c[0] for c in rc]:
        notes.append(f"column names: pg {[c[0] for c in pc]} riffq {[c[0] for c in rc]}")
    else:
        for (n, pt), (_, rt) in zip(pc, rc):
            if pt != rt:
                notes.append(f"column {n}: type pg {pt} riffq {rt}")
    if not volatile:
        prow, rrow = normalise(pg, pg_names, user_xid), normalise(rq, rq_names, user_xid)
        if top_level_order_by(sql):
            same = prow == rrow
        else:
            same = collections.Counter(prow) == collections.Counter(rrow)
        if not same:
            keys = order_keys(sql, [c[0] for c in pc])
            if collections.Counter(prow) == collections.Counter(rrow) and keys is not None and \
                    [tuple(r[k] for k in keys) for r in prow] == \
                    [tuple(r[k] for k in keys) for r in rrow]:
                # Rows tied on every ORDER BY key: PostgreSQL's order among them is unspecified.
                return "identical", ["order among rows tied on the ORDER BY keys differs"], volatile
            if collections.Counter(prow) == collections.Counter(rrow):
                notes.append("rows: same rows, different order")
            else:
                notes.append(f"rows: pg {len(prow)} riffq {len(rrow)}; " + _row_diff(prow, rrow))
    return ("identical" if not notes else "differing"), notes, volatile


def _row_diff(prow: list, rrow: list) -> str:
    pc, rc = collections.Counter(prow), collections.Counter(rrow)
    only_pg = list((pc - rc).elements())[:3]
    only_rq = list((rc - pc).elements())[:3]
    if only_pg and only_rq and len(only_pg[0]) == len(only_rq[0]):
        cells = [f"#{i}: pg {a!r} riffq {b!r}" for i, (a, b) in enumerate(zip(only_pg[0], only_rq[0]))
                 if a != b]
        return "first differing row: " + "; ".join(cells)[:400]
    return f"only pg {str(only_pg)[:250]} only riffq {str(only_rq)[:250]}"


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------
def statements(files: list[str]):
    for path in files:
        with open(path) as f:
            for i, line in enumerate(f):
                if line.strip():
                    d = json.loads(line)
                    yield os.path.basename(path), i, d["query"], d.get("parameters") or []


def default_files() -> list[str]:
    return sorted(glob.glob(os.path.join(CORPUS, "*.jsonl"))) + \
        sorted(glob.glob(os.path.join(CLIENT_QUERIES, "*.jsonl"))) + [PROBES]


def scaled(objects: dict, tables: int, columns: int = 20) -> dict:
    """The objects plus a schema "bulk" of `tables` tables of `columns` columns each (keys,
    a foreign key to the previous table, comments), for measuring latency at scale."""
    types = ["int4", "int8", "text", "varchar(64)", "numeric(12,2)", "timestamptz", "bool", "date",
             "float8", "text[]"]
    rels = []
    for t in range(tables):
        cols = [{"name": f"c{c}", "type": types[c % len(types)], "nullable": c != 0,
                 **({"comment": f"column {c} of t{t}"} if c == 1 else {})} for c in range(columns)]
        rel = {"name": f"t{t}", "columns": cols, "primary_key": ["c0"], "comment": f"table {t}"}
        if t > 0:
            rel["foreign_keys"] = [{"columns": ["c0"], "ref_table": f"t{t - 1}", "ref_columns": ["c0"]}]
        rels.append(rel)
    out = json.loads(json.dumps(objects))
    out["databases"][0]["schemas"].append({"name": "bulk", "relations": rels})
    return out


def run(files: list[str] | None = None, repeat: int = 1, objects_path: str = OBJECTS,
        scale: int = 0) -> list[Outcome]:
    import psycopg
    files = files or default_files()
    with open(objects_path) as f:
        objects = json.load(f)
    tmp_objects = None
    if scale:
        objects = scaled(objects, scale)
        fd, tmp_objects = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(objects, f)
        objects_path = tmp_objects
    cluster = Cluster().start()
    cli = None
    try:
        conn = psycopg.connect(cluster.dsn(), autocommit=True)
        # All DDL in one transaction, the first after initdb: its xid is the fresh cluster's
        # next xid, which is also the xmin the engine gives registered rows (one past the
        # dumped cluster's). Reading it from the snapshot does not consume it.
        user_xid = int(conn.execute(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()[0])
        with conn.transaction():
            for stmt in ddl(objects):
                conn.execute(stmt)
        cli = CliSide(objects_path, repeat)
        pg = PgSide(conn)
        pg_names, rq_names = oid_names(pg), oid_names(cli)
        rq_oids = {name: oid for oid, name in rq_names.items()}
        outcomes = []
        for fname, i, sql, params in statements(files):
            a = pg.run(sql, params)
            b = cli.run(translate(sql, pg_names, rq_oids),
                        [None if p is None else translate(str(p), pg_names, rq_oids) for p in params])
            verdict, notes, vol = compare(sql, a, b, pg_names, rq_names, user_xid)
            outcomes.append(Outcome(fname, i, sql, verdict, vol, notes, a.get("micros", 0),
                                    b.get("micros", 0)))
        conn.close()
        return outcomes
    finally:
        if cli:
            cli.close()
        if tmp_objects:
            os.unlink(tmp_objects)
        cluster.stop()


# Statements whose answer is not defined by SQL, with why riffq's differs from PostgreSQL's.
CANNOT_MATCH = {
    ("misc_pgadmin_npgsql_jdbc.jsonl", 7):
        "LIMIT 1 without ORDER BY over a three-way join: PostgreSQL's answer is its planner's. "
        "EXPLAIN shows a nested loop driven by a sequential scan of the third FROM item "
        "(pg_class ind_stor, filtered to indexes), whose first heap row is "
        "pg_proc_oid_index; riffq's engine has no cost-based planner and drives joins in FROM "
        "order, from pg_class tab, whose first heap row (pg_statistic, as in PostgreSQL's heap) "
        "gives pg_statistic_relid_att_inh_index. Both are rows of the full answer, which is "
        "identical without the LIMIT.",
}


def report(outcomes: list[Outcome], verbose: bool) -> None:
    by_file: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for o in outcomes:
        by_file[o.file][o.verdict] += 1
    print(f"{'file':38} {'identical':>9} {'differing':>9} {'erroring':>8}")
    total = collections.Counter()
    for fname in sorted(by_file):
        c = by_file[fname]
        total.update(c)
        print(f"{fname:38} {c['identical']:9} {c['differing']:9} {c['erroring']:8}")
    n = sum(total.values())
    print(f"{'TOTAL':38} {total['identical']:9} {total['differing']:9} {total['erroring']:8}"
          f"   {100.0 * total['identical'] / max(n, 1):.1f}% identical of {n}")
    sess = [o for o in outcomes if re.match(r"\s*(SET|SHOW)\b", o.sql, re.I)]
    if sess:
        n_ok = sum(o.verdict == "identical" for o in sess)
        print(f"\nSET/SHOW statements, answered by the CLI's stand-in for the session layer "
              f"(src/session), not by the catalog engine: {len(sess)} ({n_ok} identical); "
              f"catalog statements alone: "
              f"{total['identical'] - n_ok} identical of {n - len(sess)}")
    vol = [o for o in outcomes if o.volatile]
    if vol:
        print(f"\nvolatile statements (column names and types compared, rows not): {len(vol)}")
        for o in vol:
            print(f"  {o.file}:{o.index} {o.verdict}  {_short(o.sql)}")
    tied = [o for o in outcomes if o.verdict == "identical" and o.notes]
    if tied:
        print(f"\nidentical but for the order of rows tied on the ORDER BY keys: {len(tied)}")
        for o in tied:
            print(f"  {o.file}:{o.index}  {_short(o.sql)}")
    bad = [o for o in outcomes if o.verdict != "identical"]
    if bad:
        print(f"\ndifferences ({len(bad)}):")
        for o in bad:
            print(f"- {o.file}:{o.index} [{o.verdict}] {_short(o.sql)}")
            for n in o.notes:
                print(f"    {n}")
            if (o.file, o.index) in CANNOT_MATCH:
                print(f"    why: {CANNOT_MATCH[(o.file, o.index)]}")
            if verbose:
                print("    SQL: " + o.sql.replace("\n", "\n         "))
    rq = [o.riffq_micros for o in outcomes]
    pgm = [o.pg_micros for o in outcomes]
    print("\nlatency per statement (microseconds)   median    p90     max")
    for label, xs in (("riffq engine (prepare+execute+text)", rq), ("PostgreSQL 15 (round trip)", pgm)):
        xs = sorted(xs)
        if xs:
            print(f"  {label:36} {statistics.median(xs):7.0f} {xs[int(len(xs) * 0.9)]:7.0f} {xs[-1]:7.0f}")
    print(f"\n  median per file (microseconds)      {'riffq':>8} {'PG 15':>8}")
    for fname in sorted(by_file):
        rq_f = [o.riffq_micros for o in outcomes if o.file == fname]
        pg_f = [o.pg_micros for o in outcomes if o.file == fname]
        print(f"  {fname:36} {statistics.median(rq_f):8.0f} {statistics.median(pg_f):8.0f}")
    slow = sorted(outcomes, key=lambda o: -o.riffq_micros)[:5]
    print("  slowest on riffq: " + ", ".join(f"{o.file}:{o.index} {o.riffq_micros / 1000:.1f} ms" for o in slow))


def _short(sql: str) -> str:
    s = " ".join(sql.split())
    return s[:110] + ("…" if len(s) > 110 else "")


# ----------------------------------------------------------------------------------------------
# Capturing client queries (psql -E, asyncpg, psycopg)
# ----------------------------------------------------------------------------------------------
PSQL_COMMANDS = [r"\dt", r"\d users", r"\d+ users", r"\d orders", r"\d+ active_users", r"\dn",
                 r"\dv", r"\di", r"\df", r"\dT", r"\du", r"\l", r"\dx", r"\dp", r"\d+ sales.customer",
                 r"\dt+", r"\ds", r"\dn+", r"\d users_pkey", r"\d", r"\d active_users", r"\dv+",
                 r"\di+", r"\dT+", r"\df+ array_to_string", r"\du+", r"\dx+", r"\z users", r"\dd",
                 r"\dC", r"\do", r"\dD", r"\dc", r"\dy", r"\dE", r"\dm", r"\des", r"\dew", r"\dF",
                 r"\dFp", r"\dL", r"\dRp", r"\dRs", r"\dA", r"\dconfig", r"\drds", r"\dg",
                 r"\dt sales.*", r"\d+ clubs", r"\dS pg_am"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="print the SQL of differences")
    ap.add_argument("--only", help="only corpus files whose name contains this")
    ap.add_argument("--repeat", type=int, default=5, help="engine runs per statement (median)")
    ap.add_argument("--capture-clients", action="store_true")
    ap.add_argument("--capture-completion", action="store_true",
                    help="refresh only pgcli's and psql's completion queries")
    ap.add_argument("--objects", default=OBJECTS)
    ap.add_argument("--scale", type=int, default=0,
                    help="add this many generated 20-column tables (schema bulk) to the objects")
    a = ap.parse_args()
    if a.capture_clients or a.capture_completion:
        from corpus_capture import capture_clients, capture_pgcli_psql
    if a.capture_clients:
        capture_clients(a.objects)
        return
    if a.capture_completion:
        with open(a.objects) as f:
            capture_pgcli_psql(json.load(f))
        return
    files = default_files()
    if a.only:
        files = [f for f in files if a.only in os.path.basename(f)]
    report(run(files, a.repeat, a.objects, a.scale), a.verbose)


if __name__ == "__main__":
    main()

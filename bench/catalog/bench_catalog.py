"""Catalog-query benchmark, side by side in one run: riffq's catalog emulation against a real
PostgreSQL 15 holding the same tables (N tables x M columns, a primary key each), same client
(psycopg 3's libpq connection, extended protocol when a statement has parameters), same machine.

    python bench/catalog/bench_catalog.py [--tables 1000] [--columns 20] [--repeat 5]
                                          [--rss-tables 10000] [--rss-eager-tables 1000]
    python bench/catalog/bench_catalog.py --navigator 10000 [--repeat 3]

Every statement of ../shared/corpus/catalog-queries/*.jsonl that PostgreSQL answers is run
--repeat times on each server (after one warm-up run); the table shows, per client file, the
median over its statements of each statement's median latency, for riffq and PostgreSQL, and
their ratio. Statements riffq fails are counted and left out of both columns. Chart:
bench/catalog/catalog_latency.png; table: bench/catalog/catalog_latency.txt.

--navigator N: a DBeaver-style full navigator load (dbeaver.jsonl's statements in order, one
connection) timed against PostgreSQL and riffq (register_table, and a lazy source) holding the
same N tables; table: bench/catalog/navigator_load.txt.

Memory: riffq server RSS (VmRSS of the server process) with no table, after registering the
tables, and after a few catalog queries over them — eagerly registered (register_table) and
served by a lazy catalog source (--rss-tables tables x --columns columns).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time

import psycopg
from psycopg.pq import ExecStatus

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from catalog_server import DATABASE, TYPES, table_name  # noqa: E402
from report import pyplot  # noqa: E402
from support.pg_cluster import PgCluster, free_port  # noqa: E402
from support.servers import stop_process  # noqa: E402

CORPUS = os.path.abspath(os.path.join(ROOT, "..", "shared", "corpus", "catalog-queries"))

# A few catalog queries run before the second RSS reading (what a tool's browser sends).
RSS_QUERIES = [
    "SELECT count(*) FROM pg_catalog.pg_class",
    "SELECT n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' ORDER BY 2",
    "SELECT count(*) FROM pg_catalog.pg_attribute WHERE attnum > 0",
    "SELECT column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = 'public' AND table_name = 't00042' ORDER BY ordinal_position",
    "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
    "WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0",
]


def vmrss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


class RiffqProcess:
    """bench/catalog/catalog_server.py in a subprocess."""

    def __init__(self, tables: int, columns: int, lazy: bool = False,
                 timeout: float = 3600) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "catalog_server.py"), str(self.port),
             "--tables", str(tables), "--columns", str(columns)] + (["--lazy"] if lazy else []),
            stdout=subprocess.PIPE, text=True)
        self.register_seconds = None
        deadline = time.time() + timeout
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("registered"):
                self.register_seconds = float(line.split()[1])
            if line.strip() == "ready":
                break
            if time.time() > deadline:
                break
        else:
            raise RuntimeError("riffq server exited before it was ready")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={DATABASE}"

    def stop(self) -> None:
        stop_process(self.proc)


def create_pg_tables(pg: PgCluster, tables: int, columns: int) -> float:
    t0 = time.perf_counter()
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(pg.dsn(DATABASE)) as c:
        for i in range(tables):
            cols = ", ".join(f"c{j} {TYPES[j % len(TYPES)]}" + (" NOT NULL" if j == 0 else "")
                             for j in range(columns))
            c.execute(f"CREATE TABLE public.{table_name(i)} ({cols}, PRIMARY KEY (c0))")
            if i % 500 == 499:
                c.commit()  # one transaction would run out of lock slots at 10 000 tables
        c.commit()
    with psycopg.connect(pg.dsn(DATABASE), autocommit=True) as c:
        c.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


def load_corpus() -> list[dict]:
    out = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.jsonl"))):
        with open(path) as f:
            for n, line in enumerate(f):
                if line.strip():
                    d = json.loads(line)
                    d["file"] = os.path.basename(path)[:-len(".jsonl")]
                    d["line"] = n + 1
                    out.append(d)
    return out


def run_once(conn: psycopg.Connection, stmt: dict) -> tuple[bool, float, str]:
    """Runs one corpus statement; (ok, seconds, error message)."""
    q = stmt["query"].encode()
    params = [None if p is None else str(p).encode() for p in stmt.get("parameters") or []]
    pg = conn.pgconn
    t0 = time.perf_counter()
    if params:
        res = pg.exec_params(q, params)
    else:
        res = pg.exec_(q)
    dt = time.perf_counter() - t0
    ok = res.status in (ExecStatus.TUPLES_OK, ExecStatus.COMMAND_OK, ExecStatus.EMPTY_QUERY)
    err = "" if ok else (res.error_message or b"").decode(errors="replace").strip()
    # Leave no failed transaction behind (a statement may have opened one).
    if pg.transaction_status not in (0,):  # TransactionStatus.IDLE
        pg.exec_(b"ROLLBACK")
    return ok, dt, err


def bench_latency(pg: PgCluster, rq: RiffqProcess, repeat: int) -> list[dict]:
    corpus = load_corpus()
    results = []
    with psycopg.connect(pg.dsn(DATABASE), autocommit=True) as cpg, \
            psycopg.connect(rq.dsn(), autocommit=True) as crq:
        for stmt in corpus:
            ok, _, err = run_once(cpg, stmt)
            r = {"file": stmt["file"], "line": stmt["line"], "pg_ok": ok, "pg_error": err}
            results.append(r)
            if not ok:
                continue
            rok, _, rerr = run_once(crq, stmt)
            r["riffq_ok"], r["riffq_error"] = rok, rerr
            if not rok:
                continue
            tp, tr = [], []
            for _ in range(repeat):
                tp.append(run_once(cpg, stmt)[1])
                tr.append(run_once(crq, stmt)[1])
            r["pg_ms"] = statistics.median(tp) * 1000
            r["riffq_ms"] = statistics.median(tr) * 1000
    return results


def latency_table(results: list[dict], tables: int, columns: int) -> tuple[str, list]:
    files = sorted({r["file"] for r in results})
    rows = []
    lines = [f"Catalog statements of the client corpus, {tables} tables x {columns} columns, "
             f"median latency per statement, then the median over the file's statements (ms)",
             "",
             "| client file | statements (PG answers) | riffq answers | riffq ms | "
             "PostgreSQL ms | riffq / PostgreSQL | sum riffq ms | sum PostgreSQL ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    allr, allp = [], []
    for f in files + ["all"]:
        rs = [r for r in results if (f == "all" or r["file"] == f) and r["pg_ok"]]
        timed = [r for r in rs if "riffq_ms" in r]
        if f != "all":
            allr += [r["riffq_ms"] for r in timed]
            allp += [r["pg_ms"] for r in timed]
        if timed:
            mr = statistics.median(r["riffq_ms"] for r in timed)
            mp = statistics.median(r["pg_ms"] for r in timed)
            ratio = f"{mr / mp:.2f}x"
            rows.append((f, mr, mp))
            sr = sum(r["riffq_ms"] for r in timed)
            sp = sum(r["pg_ms"] for r in timed)
            lines.append(f"| {f} | {len(rs)} | {len(timed)} | {mr:.2f} | {mp:.2f} | {ratio} | "
                         f"{sr:.0f} | {sp:.0f} |")
        else:
            lines.append(f"| {f} | {len(rs)} | 0 | – | – | – | – | – |")
    slow = sorted((r for r in results if "riffq_ms" in r), key=lambda r: -r["riffq_ms"])[:6]
    lines += ["", "slowest on riffq (file:line, riffq ms / PostgreSQL ms):"]
    lines += [f"  {r['file']}:{r['line']}: {r['riffq_ms']:.1f} / {r['pg_ms']:.2f}" for r in slow]
    failed = [r for r in results if r["pg_ok"] and not r.get("riffq_ok")]
    if failed:
        lines += ["", f"riffq failed {len(failed)} statement(s) PostgreSQL answers "
                      "(left out above):"]
        for r in failed:
            lines.append(f"  {r['file']}:{r['line']}: {r['riffq_error'].splitlines()[0][:140]}")
    return "\n".join(lines), rows


def chart(rows: list, path: str, tables: int, columns: int) -> None:
    plt = pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(10, 4.5))
    names = [r[0] for r in rows]
    xs = range(len(rows))
    w = 0.4
    ax.bar([x - w / 2 for x in xs], [r[1] for r in rows], w, label="riffq")
    ax.bar([x + w / 2 for x in xs], [r[2] for r in rows], w, label="PostgreSQL 15")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("median latency (ms, log)")
    ax.set_title(f"Catalog queries by client, {tables} tables x {columns} columns")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"chart: {path}")


def rss_run(tables: int, columns: int, lazy: bool) -> dict:
    rq = RiffqProcess(tables, columns, lazy=lazy)
    try:
        after_reg = vmrss_mb(rq.pid)
        qtimes = []
        with psycopg.connect(rq.dsn(), autocommit=True) as c:
            for q in RSS_QUERIES:
                t0 = time.perf_counter()
                c.execute(q).fetchall()
                qtimes.append(time.perf_counter() - t0)
        after_q = vmrss_mb(rq.pid)
        return {"mode": "lazy source" if lazy else "register_table", "tables": tables,
                "columns": columns, "register_s": rq.register_seconds, "rss_registered": after_reg,
                "rss_after_queries": after_q, "queries_s": sum(qtimes)}
    finally:
        rq.stop()


def navigator_load(conn: psycopg.Connection, corpus: list[dict]) -> tuple[float, int]:
    """One DBeaver-style navigator load: the dbeaver corpus statements in order, on one
    connection; (seconds, statements that failed)."""
    t0 = time.perf_counter()
    failed = sum(not run_once(conn, stmt)[0] for stmt in corpus)
    return time.perf_counter() - t0, failed


def bench_navigator(tables: int, columns: int, repeat: int) -> str:
    """The dbeaver corpus in order against PostgreSQL and riffq (eager register_table and a
    lazy source) holding the same `tables` tables; the median of `repeat` loads after a warm-up
    load, side by side."""
    corpus = [d for d in load_corpus() if d["file"] == "dbeaver"]
    rows = []
    pg = PgCluster()
    pg.start()
    try:
        create_s = create_pg_tables(pg, tables, columns)
        print(f"PostgreSQL: {tables} tables created in {create_s:.1f} s", flush=True)
        with psycopg.connect(pg.dsn(DATABASE), autocommit=True) as c:
            navigator_load(c, corpus)
            runs = [navigator_load(c, corpus) for _ in range(repeat)]
        rows.append(("PostgreSQL 15", create_s, runs))
    finally:
        pg.stop()
    for lazy in (False, True):
        rq = RiffqProcess(tables, columns, lazy=lazy)
        try:
            with psycopg.connect(rq.dsn(), autocommit=True) as c:
                navigator_load(c, corpus)
                runs = [navigator_load(c, corpus) for _ in range(repeat)]
            rows.append(("riffq, lazy source" if lazy else "riffq, register_table",
                         rq.register_seconds or 0.0, runs))
        finally:
            rq.stop()
    pg_s = statistics.median(r[0] for r in rows[0][2])
    lines = [f"DBeaver navigator load: the {len(corpus)} statements of dbeaver.jsonl in order, "
             f"{tables} tables x {columns} columns, median of {repeat} loads after a warm-up", "",
             "| server | set-up s | load s (median) | min s | max s | failed statements | "
             "vs PostgreSQL |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, setup, runs in rows:
        secs = [r[0] for r in runs]
        med = statistics.median(secs)
        lines.append(f"| {name} | {setup:.1f} | {med:.3f} | {min(secs):.3f} | {max(secs):.3f} | "
                     f"{runs[0][1]} | {med / pg_s:.2f}x |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--columns", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rss-tables", type=int, default=10000,
                    help="tables for the RSS reading with a lazy source")
    ap.add_argument("--rss-eager-tables", type=int, default=0,
                    help="tables for a second eager RSS reading (0: reuse the latency server's)")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--navigator", type=int, default=0, metavar="TABLES",
                    help="only the DBeaver navigator load with this many tables "
                    "(bench/catalog/navigator_load.txt)")
    ap.add_argument("--from-json", help="only print the latency table of a saved run "
                    "(bench/catalog/catalog_results.json)")
    args = ap.parse_args()
    if args.navigator:
        text = bench_navigator(args.navigator, args.columns, args.repeat)
        print(text)
        with open(os.path.join(HERE, "navigator_load.txt"), "w") as f:
            f.write(text + "\n")
        return
    if args.from_json:
        with open(args.from_json) as f:
            print(latency_table(json.load(f), args.tables, args.columns)[0])
        return

    out = []
    rss = []
    base = rss_run(0, args.columns, lazy=False)
    base["mode"] = "no table"
    rss.append(base)
    if not args.skip_latency:
        pg = PgCluster()
        pg.start()
        try:
            pg_s = create_pg_tables(pg, args.tables, args.columns)
            print(f"PostgreSQL: {args.tables} tables created in {pg_s:.1f} s", flush=True)
            rq = RiffqProcess(args.tables, args.columns)
            print(f"riffq: {args.tables} tables registered in {rq.register_seconds:.1f} s",
                  flush=True)
            try:
                rss_reg = vmrss_mb(rq.pid)
                results = bench_latency(pg, rq, args.repeat)
                rss.append({"mode": "register_table", "tables": args.tables,
                            "columns": args.columns, "register_s": rq.register_seconds,
                            "rss_registered": rss_reg, "rss_after_queries": vmrss_mb(rq.pid),
                            "queries_s": None})
            finally:
                rq.stop()
        finally:
            pg.stop()
        text, rows = latency_table(results, args.tables, args.columns)
        out.append(text)
        chart(rows, os.path.join(HERE, "catalog_latency.png"), args.tables, args.columns)
        with open(os.path.join(HERE, "catalog_results.json"), "w") as f:
            json.dump(results, f, indent=1)
    if args.rss_eager_tables:
        rss.append(rss_run(args.rss_eager_tables, args.columns, lazy=False))
    if args.rss_tables:
        rss.append(rss_run(args.rss_tables, args.columns, lazy=True))
    lines = ["", "riffq server RSS (VmRSS of the server process)", "",
             "| catalog | tables x columns | registration s | RSS registered MB | "
             "RSS after catalog queries MB | those queries s |",
             "|---|---|---:|---:|---:|---:|"]
    for r in rss:
        qs = "–" if r["queries_s"] is None else f"{r['queries_s']:.2f}"
        lines.append(f"| {r['mode']} | {r['tables']} x {r['columns']} | {r['register_s']:.1f} | "
                     f"{r['rss_registered']:.1f} | {r['rss_after_queries']:.1f} | {qs} |")
    out.append("\n".join(lines))
    text = "\n".join(out)
    print(text)
    with open(os.path.join(HERE, "catalog_latency.txt"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()

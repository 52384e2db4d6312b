"""Quick-query latency while another client stalls mid-result, side by side: riffq against
PostgreSQL 15 on the same rows. (The test suite checks the behaviour — every quick query is
answered, production pauses for the stalled client, memory stays flat; the timings live here.)

    python bench/server/bench_stalled_reader.py [--rows 2000000] [--queries 500]

For each server: `select 1` latency (p50 / p95 / max) on one connection, first alone, then while
a second connection has sent `select * from bench` and reads nothing. Prints a table with ratios
to PostgreSQL and writes bench/results/stalled_reader.txt and .png.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
sys.path.insert(0, os.path.dirname(HERE))

from report import grouped_bars, save_table  # noqa: E402
from support.pg_cluster import PgCluster, free_port  # noqa: E402


def latencies(dsn: str, n: int) -> list[float]:
    out = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("select 1").fetchall()  # warm
        for _ in range(n):
            t0 = time.perf_counter()
            conn.execute("select 1").fetchall()
            out.append(time.perf_counter() - t0)
    return sorted(out)


def measure(name: str, dsn: str, n: int) -> list[dict]:
    rows = []
    alone = latencies(dsn, n)
    stalled = psycopg.pq.PGconn.connect(dsn.encode())
    try:
        stalled.send_query(b"select * from bench")
        while stalled.flush() != 0:
            time.sleep(0.01)
        time.sleep(1.0)  # the server fills the socket buffers and must wait
        during = latencies(dsn, n)
    finally:
        stalled.finish()
    for label, lat in (("alone", alone), ("beside a stalled reader", during)):
        rows.append({"server": name, "test": f"select 1 latency, {label}",
                     "p50_ms": lat[len(lat) // 2] * 1e3,
                     "p95_ms": lat[int(len(lat) * 0.95) - 1] * 1e3,
                     "max_ms": lat[-1] * 1e3})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--queries", type=int, default=500)
    args = ap.parse_args()
    results: list[dict] = []
    with PgCluster() as pg:
        pg.psql(f"create table bench as select id::bigint as id, id::float8 / 7.0 as x, "
                f"'row ' || id as s from generate_series(1, {args.rows}) id")
        results += measure("PostgreSQL 15", pg.dsn(), args.queries)
    port = free_port()
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "riffq_bench_server.py"),
                            f"127.0.0.1:{port}", str(args.rows)], stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        results += measure("riffq (C++)", f"host=127.0.0.1 port={port} user=bench dbname=postgres",
                           args.queries)
    finally:
        srv.terminate()
        srv.wait(10)
    report(results)


def report(results: list[dict]) -> None:
    header = f"{'test':42} {'server':14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95 vs PG':>9}"
    lines = [header, "-" * len(header)]
    pg = {r["test"]: r for r in results if r["server"] == "PostgreSQL 15"}
    for r in results:
        base = pg.get(r["test"])
        ratio = f"{r['p95_ms'] / base['p95_ms']:.2f}x" if base and base is not r else ""
        lines.append(f"{r['test']:42} {r['server']:14} {r['p50_ms']:>8.3f} {r['p95_ms']:>8.3f} "
                     f"{r['max_ms']:>8.3f} {ratio:>9}")
    save_table("stalled_reader", "\n".join(lines))
    tests = list(dict.fromkeys(r["test"] for r in results))
    servers = list(dict.fromkeys(r["server"] for r in results))
    grouped_bars("stalled_reader", [t.replace("select 1 latency, ", "") for t in tests],
                 {s: [next(r["p95_ms"] for r in results if r["server"] == s and r["test"] == t)
                      for t in tests] for s in servers},
                 "p95 latency (ms)", "select 1 latency, alone and beside a stalled reader")


if __name__ == "__main__":
    main()

"""The side-by-side performance harness (issue 8): in one run it starts riffq (one process per
handler variant), a throwaway PostgreSQL 15 holding the same rows and buenavista (PyPI, in its
own venv under ~/.cache/riffq-bench/), measures each with the same clients, and writes a
markdown table of ratios to PostgreSQL with the issue's targets, the raw numbers as JSON and a
PNG chart.

    python bench/perf/run.py [--short | --tiny] [--workers N] [--no-peers] [--out DIR]

Full: 5 s per pgbench point, 10 M rows (~20-30 min). --short: 1 s per point, 1 M rows (a few
minutes). --tiny: one point of each kind, a few transactions (the smoke test's mode; numbers
mean nothing). --workers N adds the Python handler with start(workers=N) at 8 and 64 clients
when RiffqServer.start takes `workers` (reported as n/a otherwise). --no-peers leaves
buenavista out (and installs nothing).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from typing import List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import catalog_short  # noqa: E402
import conns  # noqa: E402
import large  # noqa: E402
import peers  # noqa: E402
import perf_report  # noqa: E402
import servers  # noqa: E402
from pgbench_points import MODES, run_point  # noqa: E402

ROOT = servers.ROOT
PROFILES = {
    "full": dict(seconds=5, transactions=None, rows=10_000_000, peer_rows=200_000,
                 clients=(1, 8, 64), modes=MODES, workers_clients=(8, 64), repeat=2,
                 connects=500, idle=1000, cat_tables=200, cat_columns=20, cat_repeat=3),
    "short": dict(seconds=1, transactions=None, rows=1_000_000, peer_rows=50_000,
                  clients=(1, 8, 64), modes=MODES, workers_clients=(8, 64), repeat=2,
                  connects=200, idle=1000, cat_tables=50, cat_columns=10, cat_repeat=1),
    "tiny": dict(seconds=None, transactions=20, rows=1000, peer_rows=1000, clients=(1,),
                 modes=("simple",), workers_clients=(2,), repeat=1, connects=3, idle=10,
                 cat_tables=2, cat_columns=3, cat_repeat=1),
}
# Which server answers which statement: the handler variants only where their answer fits
# (a tag is no 100-row result), the core-only server for what the core answers.
PLAN = {
    "select 1": ["tag", "reader", "arrow_batch"],
    "100-row select": ["reader", "arrow_batch"],
    "SHOW TimeZone": ["core"],
    "SET": ["core"],
    "catalog lookup": ["core"],
}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}, {os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB, {platform.platform()}"


def git_commit() -> str:
    out = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def small_queries(contenders: dict, prof: dict, workers: int) -> List[dict]:
    """Every (clients, mode, statement, server) point, servers interleaved within each point
    so that the machine's noise spreads over all of them."""
    points = []
    for clients in sorted(set(prof["clients"]) | set(prof["workers_clients"] if workers else ())):
        for mode in prof["modes"]:
            for statement, variants in PLAN.items():
                names = [servers.riffq_label(v) for v in variants] if clients in prof["clients"] else []
                if workers and statement == "select 1" and clients in prof["workers_clients"]:
                    names.append(servers.riffq_label("reader", workers))
                if clients in prof["clients"]:
                    names += [servers.BUENAVISTA]
                if not names:
                    continue
                for name in [servers.POSTGRES] + names:
                    c = contenders.get(name)
                    if c is None:
                        continue
                    p = run_point(c.endpoint, statement, clients, mode, prof["seconds"],
                                  prof["transactions"])
                    points.append({"statement": statement, "server": name, "clients": clients,
                                   "mode": mode, **p})
                    shown = p.get("error") or f"{p['qps']:.0f} q/s"
                    print(f"  {statement:15} {mode:8} {clients:3} clients  {name:28} {shown}",
                          flush=True)
    return points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--short", action="store_true", help="a few minutes: 1 s points, 1 M rows")
    size.add_argument("--tiny", action="store_true", help="one point of each kind (smoke test)")
    ap.add_argument("--workers", type=int, default=0, help="also measure start(workers=N)")
    ap.add_argument("--no-peers", action="store_true", help="leave buenavista out")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "perf"))
    args = ap.parse_args()
    profile = "tiny" if args.tiny else "short" if args.short else "full"
    prof = PROFILES[profile]
    notes: List[str] = []
    t_start = time.time()
    commit = git_commit()  # of the tree at the start (the package measured is what is installed)

    bv_python = None
    if args.no_peers:
        notes.append("buenavista: not run (--no-peers)")
    else:
        bv_python, why = peers.ensure_buenavista()
        if bv_python is None:
            notes.append(f"buenavista: not measured, it could not be installed: {why}")
    workers = 0
    if args.workers:
        if servers.workers_supported():
            workers = args.workers
        else:
            notes.append(f"workers={args.workers}: n/a, RiffqServer.start takes no `workers` keyword")

    print(f"== {profile}: PostgreSQL 15 with {prof['rows']:,} rows, riffq variants"
          + (", buenavista" if bv_python else ""), flush=True)
    pg, pg_contender = servers.start_postgres(prof["rows"], max_connections=prof["idle"] + 100)
    started = [servers.spawn_riffq(v) for v in ("tag", "reader", "arrow_batch", "core")]
    started.append(servers.spawn_riffq("large", rows=prof["rows"]))
    if workers:
        started.append(servers.spawn_riffq("reader", workers=workers))
    if bv_python:
        started.append(servers.spawn_buenavista(bv_python, prof["peer_rows"]))
    contenders = {pg_contender.name: pg_contender}
    try:
        for c in started:
            try:
                servers.wait_ready(c)
                contenders[c.name] = c
            except RuntimeError as exc:
                if c.name != servers.BUENAVISTA:
                    raise
                notes.append(f"buenavista: not measured, it did not start: {str(exc)[:200]}")
        notes += [f"{c.name}: {n}" for c in started for n in c.notes if c.name in contenders]
        res = {"small": small_queries(contenders, prof, workers)}
        bv = contenders.get(servers.BUENAVISTA)

        print("== large results", flush=True)
        res["large"] = []
        big = [(pg_contender, prof["rows"]), (contenders[servers.riffq_label("large")], prof["rows"])]
        if bv:
            big.append((bv, prof["peer_rows"]))
        for fmt in ("text", "binary"):
            for c, rows in big:
                p = large.measure(c.endpoint, c.pid, fmt, rows, prof["repeat"])
                res["large"].append({"format": fmt, "server": c.name, **p})
                shown = p.get("error") or f"{p['rows_s']:,.0f} rows/s"
                print(f"  {fmt:6} {c.name:28} {shown}", flush=True)

        print("== connections", flush=True)
        conn_servers = [pg_contender, contenders[servers.riffq_label("reader")]] + ([bv] if bv else [])
        res["connects"] = [{"server": c.name, **conns.connect_rate(c.endpoint, prof["connects"])}
                           for c in conn_servers]
        # The tag server imports no pyarrow: its memory is riffq's own. The reader server's
        # includes pyarrow and the pandas that pyarrow imports on its first array.
        idle_servers = conn_servers[:2] + [contenders[servers.riffq_label("tag")]] + conn_servers[2:]
        res["idle"] = [{"server": c.name, **conns.idle_memory(c.endpoint, c.pid, prof["idle"])}
                       for c in idle_servers]

        print("== catalog statements", flush=True)
        res["catalog"] = catalog_short.catalog_latency(pg, prof["cat_tables"], prof["cat_columns"],
                                                       prof["cat_repeat"])
    finally:
        for c in started:
            c.stop()
        pg.stop()

    import riffq

    res["meta"] = {
        "profile": profile, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t_start)),
        "seconds": round(time.time() - t_start), "machine": machine(),
        "command": "python bench/perf/run.py " + " ".join(sys.argv[1:]), "commit": commit,
        "riffq": getattr(riffq, "__version__", "?"), "modes": list(prof["modes"]),
        "workers": workers, "notes": notes, "profile_settings": prof,
    }
    paths = perf_report.write(res, args.out)
    print(f"== done in {res['meta']['seconds']} s: " + ", ".join(paths.values()))


if __name__ == "__main__":
    main()

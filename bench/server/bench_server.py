"""Server benchmark, side by side in one run: riffq (this project) against PostgreSQL 15 on the
same rows, same client, same machine. The original riffq 0.1.11 is measured too when it can be
installed (it has no Linux wheel; its sdist needs crates.io, which this machine cannot reach).

    python bench/server/bench_server.py [--rows 2000000] [--seconds 5]

Prints a table (rows/s, MB/s, peak server RSS growth, queries/s by pgbench) with ratios to
PostgreSQL, and writes bench/results/server.txt and bench/results/server.png.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from report import pyplot, save_table  # noqa: E402
from support.pg_cluster import PgCluster, free_port  # noqa: E402
from wire_client import RawClient  # noqa: E402


class RssSampler:
    """Samples a process's RSS every 20 ms; `peak` is the maximum seen."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)

    def __enter__(self) -> "RssSampler":
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def postgres_pids(pg: PgCluster) -> list[int]:
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"] and "postgres" in p.info["cmdline"][0] and pg.datadir in " ".join(p.info["cmdline"] or [])]


def stream(name: str, host: str, port: int, user: str, rows: int, pid_of_session) -> list[dict]:
    out = []
    for mode in ("simple text", "extended binary"):
        client = RawClient(host, port, user, "postgres")
        pid = pid_of_session()
        best = None
        for _ in range(2):
            with RssSampler(pid) as rss:
                t0 = time.perf_counter()
                n = (client.simple("select * from bench") if mode == "simple text"
                     else client.extended("select * from bench", binary=True))
                dt = time.perf_counter() - t0
            if best is None or dt < best["seconds"]:
                best = {"server": name, "test": f"stream {rows:,} rows ({mode})", "seconds": dt,
                        "rows_s": rows / dt, "mb_s": n / dt / 1e6,
                        "rss_growth_mb": (rss.peak - rss.base) / 1e6}
        client.close()
        out.append(best)
    return out


def pgbench(name: str, port: int, user: str, clients: int, mode: str, seconds: int, tmp: str) -> dict:
    script = os.path.join(tmp, "select1.sql")
    with open(script, "w") as f:
        f.write("select 1;\n")
    bindir = "/usr/lib/postgresql/15/bin"
    cmd = [os.path.join(bindir, "pgbench"), "-n", "-h", "127.0.0.1", "-p", str(port), "-U", user,
           "-f", script, "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
           "-M", mode, "postgres"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    tps = re.search(r"tps = ([\d.]+)", res.stdout)
    lat = re.search(r"latency average = ([\d.]+) ms", res.stdout)
    if not tps:
        return {"server": name, "test": f"select 1, {clients} clients, {mode}", "error": res.stderr.strip()[-200:]}
    return {"server": name, "test": f"select 1, {clients} clients, {mode}", "qps": float(tps.group(1)),
            "latency_ms": float(lat.group(1)) if lat else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    results: list[dict] = []
    tmp = os.path.join(ROOT, "bench", "results")
    os.makedirs(tmp, exist_ok=True)

    with PgCluster() as pg:
        pg.psql(f"create table bench as select id::bigint as id, id::float8 / 7.0 as x, "
                f"'row ' || id as s from generate_series(1, {args.rows}) id")
        pg.psql("vacuum analyze bench")

        def pg_session_pid():
            # The newest backend is the benchmark client's session.
            procs = [psutil.Process(p) for p in postgres_pids(pg)]
            return max(procs, key=lambda p: p.create_time()).pid

        results += stream("PostgreSQL 15", pg.host, pg.port, "postgres", args.rows, pg_session_pid)

        port = free_port()
        srv = subprocess.Popen([sys.executable, os.path.join(HERE, "riffq_bench_server.py"),
                                f"127.0.0.1:{port}", str(args.rows)], stdout=subprocess.PIPE, text=True)
        assert srv.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        try:
            results += stream("riffq (C++)", "127.0.0.1", port, "bench", args.rows, lambda: srv.pid)
            for mode in ("simple", "extended", "prepared"):
                for clients in (1, 8):
                    results.append(pgbench("PostgreSQL 15", pg.port, "postgres", clients, mode, args.seconds, tmp))
                    results.append(pgbench("riffq (C++)", port, "bench", clients, mode, args.seconds, tmp))
            results.append({"server": "riffq (C++)", "test": "server RSS after the runs",
                            "rss_mb": psutil.Process(srv.pid).memory_info().rss / 1e6})
        finally:
            srv.terminate()
            srv.wait(10)

    report(results, tmp)


def report(results: list[dict], outdir: str) -> None:
    lines = ["riffq 0.1.11 (original): not measured — no Linux wheel on PyPI and its sdist needs "
             "crates.io, which this machine cannot reach.", ""]
    header = f"{'test':46} {'server':14} {'rows/s':>12} {'MB/s':>8} {'RSS +MB':>8} {'q/s':>9} {'lat ms':>7} {'vs PG':>6}"
    lines.append(header)
    lines.append("-" * len(header))
    pg = {r["test"]: r for r in results if r["server"] == "PostgreSQL 15"}
    for r in results:
        base = pg.get(r["test"])
        ratio = ""
        if base and r is not base:
            if "rows_s" in r:
                ratio = f"{r['rows_s'] / base['rows_s']:.2f}x"
            elif "qps" in r and "qps" in base:
                ratio = f"{r['qps'] / base['qps']:.2f}x"
        lines.append(f"{r['test'][:46]:46} {r['server']:14} "
                     f"{r.get('rows_s', 0):>12,.0f} {r.get('mb_s', 0):>8.1f} "
                     f"{r.get('rss_growth_mb', r.get('rss_mb', 0)):>8.1f} {r.get('qps', 0):>9,.0f} "
                     f"{(r.get('latency_ms') or 0):>7.3f} {ratio:>6}" + (f"  ERROR {r['error']}" if "error" in r else ""))
    save_table("server", "\n".join(lines))
    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for ax, key, title in ((axes[0], "rows_s", "large result: rows/s"), (axes[1], "qps", "select 1: queries/s")):
        tests = sorted({r["test"] for r in results if key in r})
        servers = ["PostgreSQL 15", "riffq (C++)"]
        width = 0.38
        for i, s in enumerate(servers):
            vals = [next((r[key] for r in results if r["test"] == t and r["server"] == s and key in r), 0) for t in tests]
            ax.bar([j + i * width for j in range(len(tests))], vals, width, label=s)
        ax.set_xticks([j + width / 2 for j in range(len(tests))])
        ax.set_xticklabels([t.replace("select 1, ", "").replace("stream ", "") for t in tests], rotation=20, ha="right", fontsize=8)
        ax.set_title(title)
        ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "server.png"), dpi=110)
    print(f"chart: {os.path.join(outdir, 'server.png')}")


if __name__ == "__main__":
    main()

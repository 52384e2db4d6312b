"""How fast a reader lets go: riffq.client against psycopg 3 on the same PostgreSQL 15.
(The tests check that cancels happen; the timings live here.)

    python bench/client/bench_cancel.py [--repeat 5]

- early stop: read 5 rows of a result that never ends, then run `select 1` on the same
  connection (riffq: `scan_pq(...).head(5).collect()`; psycopg: `cursor.stream()` and break);
- cancel: `select pg_sleep(30)` cancelled from another thread after 0.2 s; the time from the
  cancel call to the raised error.

Prints the median of each over --repeat runs with the ratio to psycopg, and writes
bench/results/cancel.txt and .png.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
sys.path.insert(0, os.path.dirname(HERE))

import riffq.client  # noqa: E402
from report import grouped_bars, save_table  # noqa: E402
from support.pg_cluster import PgCluster  # noqa: E402

ENDLESS = "select generate_series(1, 1000000000000) as g, repeat('x', 100) as pad"


def early_stop_riffq(dsn: str) -> float:
    with riffq.client.connect(dsn) as c:
        t0 = time.perf_counter()
        assert c.scan_pq(ENDLESS).head(5).collect().height == 5
        assert c.fetchall("select 1") == [(1,)]
        return time.perf_counter() - t0


def early_stop_psycopg(dsn: str) -> float:
    with psycopg.connect(dsn, autocommit=True) as c:
        t0 = time.perf_counter()
        for i, _ in enumerate(c.cursor().stream(ENDLESS)):
            if i == 4:
                break
        assert c.execute("select 1").fetchone() == (1,)
        return time.perf_counter() - t0


def cancel_timed(run, cancel) -> float:
    fired = []

    def fire():
        fired.append(time.perf_counter())
        cancel()

    timer = threading.Timer(0.2, fire)
    timer.start()
    try:
        run()
    except Exception:  # noqa: BLE001  (the cancel error, whatever the client calls it)
        pass
    done = time.perf_counter()
    timer.join()
    return done - fired[0]


def cancel_riffq(dsn: str) -> float:
    with riffq.client.connect(dsn) as c:
        return cancel_timed(lambda: c.read_pq("select pg_sleep(30)"), c.cancel)


def cancel_psycopg(dsn: str) -> float:
    with psycopg.connect(dsn, autocommit=True) as c:
        return cancel_timed(lambda: c.execute("select pg_sleep(30)"), c.cancel)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cases = [("early stop after 5 rows, then select 1", early_stop_riffq, early_stop_psycopg),
             ("cancel of pg_sleep(30) to error", cancel_riffq, cancel_psycopg)]
    rows = []
    with PgCluster() as pg:
        for name, ours, theirs in cases:
            r = statistics.median(ours(pg.dsn()) for _ in range(args.repeat))
            p = statistics.median(theirs(pg.dsn()) for _ in range(args.repeat))
            rows.append((name, r * 1e3, p * 1e3))
    header = f"{'test':42} {'riffq.client ms':>15} {'psycopg 3 ms':>13} {'ratio':>6}"
    lines = [header, "-" * len(header)]
    lines += [f"{n:42} {r:>15.2f} {p:>13.2f} {r / p:>5.2f}x" for n, r, p in rows]
    save_table("cancel", "\n".join(lines))
    grouped_bars("cancel", [n for n, _, _ in rows],
                 {"riffq.client": [r for _, r, _ in rows], "psycopg 3": [p for _, _, p in rows]},
                 "ms (median)")


if __name__ == "__main__":
    main()

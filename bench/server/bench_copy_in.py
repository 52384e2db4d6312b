"""COPY … FROM STDIN throughput and server memory: a client uploads a large table (text or
binary format) and the server's copy-in hook pulls the Arrow batches (counting rows, or into
DuckDB); the server's peak RSS shows that memory stays bounded whatever the upload's size.
Optionally the same upload into a real PostgreSQL 15 (an UNLOGGED table) for scale.

    python bench/server/bench_copy_in.py [--mb 1000] [--format text|binary] [--sink count|duckdb]
                                         [--slow-ms 0] [--pg] [--json]

The server runs in a child process (its RSS is read from /proc every 20 ms); the client is
psycopg 3 sending pre-built 1 MiB blocks of rows (id int8, name text, price numeric(12,2),
day date). Not a test: no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import threading
import time

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))

from support.pg_cluster import PgCluster, free_port  # noqa: E402

COLUMNS = [("id", "int8"), ("name", "text"), ("price", "numeric(12,2)"), ("day", "date")]
BLOCK = 1 << 20


def serve(port: int, sink: str, slow_ms: float) -> None:
    """The server process: a copy-in hook that pulls every batch."""
    import riffq

    duck = None
    if sink == "duckdb":
        import duckdb

        duck = duckdb.connect()
        duck.execute("create table t (id bigint, name varchar, price decimal(12,2), day date)")

    def on_query(sql, callback, **kw):
        callback("OK", is_tag=True)

    def on_copy_in(sql, reader, callback, **kw):
        if duck is not None:
            cur = duck.cursor()
            cur.register("upload", reader.to_reader())
            cur.execute("insert into t select * from upload")
            callback(None)
            return
        rows = 0
        for batch in reader:  # pyarrow pulls without the GIL; decoding happens there
            rows += batch.num_rows
            if slow_ms:
                time.sleep(slow_ms / 1000)
        callback(f"COPY {rows}")

    server = riffq.Server(f"127.0.0.1:{port}")
    server.on_query(on_query)
    server.on_copy_in(on_copy_in)
    server.register_table("db", "public", "t",
                          [{n: {"type": t, "nullable": True}} for n, t in COLUMNS])
    print("ready", flush=True)
    server.start()


def text_block() -> tuple[bytes, int]:
    lines, size, i = [], 0, 0
    while size < BLOCK:
        line = f"{i}\tname {i} with some text\t{i % 100000}.{i % 100:02d}\t2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n"
        lines.append(line)
        size += len(line)
        i += 1
    return "".join(lines).encode(), i


def binary_block() -> tuple[bytes, int]:
    out, i = bytearray(), 0
    while len(out) < BLOCK:
        name = f"name {i} with some text".encode()
        cents = i % 10000000
        # numeric: ndigits, weight, sign, dscale, base-10000 digits of cents/100
        ints, frac = divmod(cents, 100)
        digits = []
        while ints:
            ints, d = divmod(ints, 10000)
            digits.insert(0, d)
        weight = len(digits) - 1 if digits else 0
        if frac:
            digits.append(frac * 100)
        num = struct.pack("!hhhh", len(digits), weight, 0, 2) + b"".join(struct.pack("!h", d) for d in digits)
        days = 8766 + i % 300  # 2024-01-01 is day 8766 after 2000-01-01
        out += struct.pack("!hiq", 4, 8, i) + struct.pack("!i", len(name)) + name
        out += struct.pack("!i", len(num)) + num + struct.pack("!ii", 4, days)
        i += 1
    return bytes(out), i


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def upload(dsn: str, fmt: str, blocks: int) -> tuple[int, float, str]:
    block, rows_per_block = text_block() if fmt == "text" else binary_block()
    sql = "copy t from stdin" + (" (format binary)" if fmt == "binary" else "")
    t0 = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        cur = conn.cursor()
        with cur.copy(sql) as cp:
            if fmt == "binary":
                cp.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
            for _ in range(blocks):
                cp.write(block)
            if fmt == "binary":
                cp.write(b"\xff\xff")
        tag = cur.statusmessage
    return rows_per_block * blocks, time.perf_counter() - t0, tag


def run_riffq(args) -> dict:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--sink", args.sink,
                             "--slow-ms", str(args.slow_ms)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        dsn = f"host=127.0.0.1 port={port} user=u dbname=db"
        for _ in range(100):
            try:
                psycopg.connect(dsn).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.05)
        base = rss_kb(proc.pid)
        peak = [base]
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_kb(proc.pid))
                time.sleep(0.02)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        rows, secs, tag = upload(dsn, args.format, args.mb)
        done.set()
        poller.join()
        return {"server": "riffq", "format": args.format, "sink": args.sink, "mb": args.mb,
                "rows": rows, "seconds": round(secs, 2), "rows_per_s": int(rows / secs),
                "mb_per_s": round(args.mb / secs, 1), "rss_base_mb": round(base / 1024, 1),
                "rss_peak_mb": round(peak[0] / 1024, 1), "tag": tag}
    finally:
        proc.terminate()
        proc.wait(10)


def run_pg(args) -> dict:
    with PgCluster() as pg:
        with psycopg.connect(pg.dsn(), autocommit=True) as c:
            c.execute("create unlogged table t (" + ", ".join(f"{n} {t}" for n, t in COLUMNS) + ")")
        rows, secs, tag = upload(pg.dsn(), args.format, args.mb)
    return {"server": "postgresql-15", "format": args.format, "mb": args.mb, "rows": rows,
            "seconds": round(secs, 2), "rows_per_s": int(rows / secs),
            "mb_per_s": round(args.mb / secs, 1), "tag": tag}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1000, help="upload size in MiB")
    ap.add_argument("--format", choices=["text", "binary"], default="text")
    ap.add_argument("--sink", choices=["count", "duckdb"], default="count")
    ap.add_argument("--slow-ms", type=float, default=0.0, help="hook sleeps this long per batch")
    ap.add_argument("--pg", action="store_true", help="also upload into PostgreSQL 15")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.sink, args.slow_ms)
        return
    results = [run_riffq(args)]
    if args.pg:
        results.append(run_pg(args))
    if args.json:
        print(json.dumps(results))
        return
    for r in results:
        print("  ".join(f"{k}={v}" for k, v in r.items()))


if __name__ == "__main__":
    main()

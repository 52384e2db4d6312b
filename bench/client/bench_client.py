"""Client benchmark: reading PostgreSQL tables into polars (SPEC §10, issue #3).

Generates a TPC-H lineitem-shaped table and a narrow table in a throwaway PostgreSQL cluster,
then reads each with riffq.client (single and partitioned), psycopg 3 (binary COPY), asyncpg,
ADBC (adbc-driver-postgresql), ConnectorX and polars.read_database_uri, every reader in its own
subprocess (rows/s, client CPU seconds, peak RSS), next to the server-bound floor
(`COPY … TO '/dev/null'`). Prints a table with ratios to ADBC and writes a PNG chart.

    PYTHONPATH=<dir with riffq + pg_rs> python bench/client/bench_client.py \
        --lineitem-rows 2000000 --narrow-rows 10000000 --chart bench_client.png

Benchmarks are not tests: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

from report import pyplot  # noqa: E402

LINEITEM_SQL = """
create unlogged table lineitem as
select (g / 4 + 1)::bigint as l_orderkey,
       (g * 7 % 200000 + 1)::bigint as l_partkey,
       (g * 13 % 10000 + 1)::bigint as l_suppkey,
       (g % 4 + 1)::int as l_linenumber,
       ((g % 50) + 1)::numeric(15,2) as l_quantity,
       round((900 + (g % 100000) * 1.37)::numeric, 2)::numeric(15,2) as l_extendedprice,
       ((g % 11) / 100.0)::numeric(15,2) as l_discount,
       ((g % 9) / 100.0)::numeric(15,2) as l_tax,
       (array['A','N','R'])[g % 3 + 1]::char(1) as l_returnflag,
       (array['F','O'])[g % 2 + 1]::char(1) as l_linestatus,
       ('1992-01-01'::date + (g % 2500)) as l_shipdate,
       ('1992-01-01'::date + (g % 2500) + 30) as l_commitdate,
       ('1992-01-01'::date + (g % 2500) + 15) as l_receiptdate,
       (array['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'])[g % 4 + 1]::char(25)
         as l_shipinstruct,
       (array['TRUCK','MAIL','SHIP','AIR','RAIL','FOB','REG AIR'])[g % 7 + 1]::char(10)
         as l_shipmode,
       substr(md5(g::text), 1, 10 + g % 30)::varchar(44) as l_comment
from generate_series(0, {n} - 1) g
"""

NARROW_SQL = """
create unlogged table narrow as
select g::bigint as id, (g * 0.5)::float8 as v from generate_series(1, {n}) g
"""

READERS = ["riffq", "riffq_x4", "psycopg3_copy", "asyncpg", "adbc", "connectorx", "polars_uri"]


# ---- worker side (one reader, one table, in its own process) ----------------------------


def _read(reader: str, dsn: str, uri: str, table: str):
    import polars as pl

    sql = f"select * from {table}"
    if reader == "riffq":
        import riffq.client
        with riffq.client.connect(dsn) as c:
            return c.read_pq(sql)
    if reader == "riffq_x4":
        import riffq.client
        with riffq.client.connect(dsn) as c:
            return c.read_pq(table, partition_on="ctid", partitions=4)
    if reader == "psycopg3_copy":
        import psycopg
        with psycopg.connect(dsn) as c, c.cursor() as cur:
            cur.execute(f"select * from {table} limit 0")
            names = [d.name for d in cur.description]
            types = [d.type_code for d in cur.description]
            rows = []
            with cur.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as cp:
                cp.set_types(types)
                rows.extend(cp.rows())
            return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=1000)
    if reader == "asyncpg":
        import asyncio
        import asyncpg

        async def go():
            c = await asyncpg.connect(uri)
            try:
                recs = await c.fetch(sql)
                names = list(recs[0].keys()) if recs else []
                return pl.DataFrame([tuple(r) for r in recs], schema=names, orient="row",
                                    infer_schema_length=1000)
            finally:
                await c.close()
        return asyncio.run(go())
    if reader == "adbc":
        import adbc_driver_postgresql.dbapi as adbc
        with adbc.connect(uri) as c, c.cursor() as cur:
            cur.execute(sql)
            return pl.from_arrow(cur.fetch_arrow_table())
    if reader == "connectorx":
        import connectorx as cx
        return cx.read_sql(uri, sql, return_type="polars")
    if reader == "polars_uri":
        return pl.read_database_uri(sql, uri)
    raise ValueError(reader)


def worker(reader: str, dsn: str, uri: str, table: str) -> None:
    import polars  # noqa: F401 — imported before timing, as every reader needs it

    t0, c0 = time.perf_counter(), os.times()
    df = _read(reader, dsn, uri, table)
    t1, c1 = time.perf_counter(), os.times()
    cpu = (c1.user - c0.user) + (c1.system - c0.system)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": df.height, "cols": df.width, "seconds": t1 - t0, "cpu": cpu,
                      "rss_mb": rss_mb}))


# ---- driver side --------------------------------------------------------------------------


def run_reader(reader, dsn, uri, table, timeout):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", reader, dsn, uri, table]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout {timeout}s"}
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1][:80]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lineitem-rows", type=int, default=2_000_000)
    ap.add_argument("--narrow-rows", type=int, default=10_000_000)
    ap.add_argument("--readers", default=",".join(READERS))
    ap.add_argument("--repeat", type=int, default=1, help="runs per reader; the best is kept")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--chart", default="bench_client.png")
    ap.add_argument("--worker", nargs=4, metavar=("READER", "DSN", "URI", "TABLE"))
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return

    sys.path.insert(0, os.path.join(REPO, "tests", "python"))
    from support.pg_cluster import PgCluster

    cluster = PgCluster().start()
    try:
        dsn = cluster.dsn()
        uri = f"postgresql://{cluster.user}@{cluster.host}:{cluster.port}/postgres"
        tables = [("lineitem", args.lineitem_rows, LINEITEM_SQL), ("narrow", args.narrow_rows, NARROW_SQL)]
        results = []
        for name, n, ddl in tables:
            t0 = time.perf_counter()
            cluster.psql(ddl.format(n=n))
            cluster.psql("vacuum analyze " + name)
            print(f"generated {name}: {n:,} rows in {time.perf_counter() - t0:.1f}s", flush=True)
            cluster.psql(f"select count(*) from {name}")  # warm the cache
            t0 = time.perf_counter()
            cluster.psql(f"copy {name} to '/dev/null' (format binary)")
            floor = time.perf_counter() - t0
            results.append({"table": name, "reader": "server COPY→/dev/null", "rows": n,
                            "seconds": floor, "cpu": None, "rss_mb": None})
            for reader in args.readers.split(","):
                best = None
                for _ in range(args.repeat):
                    r = run_reader(reader, dsn, uri, name, args.timeout)
                    if "error" in r or best is None or r["seconds"] < best["seconds"]:
                        best = r
                    if "error" in r:
                        break
                best.update(table=name, reader=reader)
                results.append(best)
                msg = best.get("error") or f"{best['rows'] / best['seconds']:,.0f} rows/s"
                print(f"  {name:9s} {reader:14s} {msg}", flush=True)
        report(results)
        chart(results, args.chart)
    finally:
        cluster.stop()


def report(results) -> None:
    print()
    hdr = f"{'table':9s} {'reader':22s} {'rows':>11s} {'seconds':>8s} {'rows/s':>12s} " \
          f"{'vs ADBC':>8s} {'CPU s':>7s} {'peak RSS MB':>12s}"
    print(hdr)
    print("-" * len(hdr))
    for table in dict.fromkeys(r["table"] for r in results):
        rows = [r for r in results if r["table"] == table]
        adbc = next((r for r in rows if r["reader"] == "adbc" and "error" not in r), None)
        for r in rows:
            if "error" in r:
                print(f"{table:9s} {r['reader']:22s} {'error: ' + r['error']}")
                continue
            rps = r["rows"] / r["seconds"]
            ratio = f"{rps / (adbc['rows'] / adbc['seconds']):.2f}x" if adbc else "-"
            cpu = f"{r['cpu']:.2f}" if r.get("cpu") is not None else "-"
            rss = f"{r['rss_mb']:.0f}" if r.get("rss_mb") is not None else "-"
            print(f"{table:9s} {r['reader']:22s} {r['rows']:>11,d} {r['seconds']:>8.2f} "
                  f"{rps:>12,.0f} {ratio:>8s} {cpu:>7s} {rss:>12s}")


def chart(results, path) -> None:
    plt = pyplot()
    if plt is None:
        return
    tables = list(dict.fromkeys(r["table"] for r in results))
    fig, axes = plt.subplots(1, len(tables), figsize=(6 * len(tables), 4.5))
    if len(tables) == 1:
        axes = [axes]
    for ax, table in zip(axes, tables):
        rows = [r for r in results if r["table"] == table and "error" not in r]
        names = [r["reader"] for r in rows]
        vals = [r["rows"] / r["seconds"] / 1e6 for r in rows]
        colors = ["#888" if n.startswith("server") else "#d62728" if n.startswith("riffq")
                  else "#1f77b4" for n in names]
        ax.barh(names, vals, color=colors)
        ax.set_title(f"{table} → polars")
        ax.set_xlabel("million rows / s (higher is better)")
        ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"chart written to {path}")


if __name__ == "__main__":
    main()

"""A riffq server with catalog emulation and N generated tables, run as its own process so the
benchmark can read its RSS (/proc/<pid>/status VmRSS) and time it without sharing a GIL.

    python bench/catalog/catalog_server.py PORT --tables 1000 --columns 20 [--lazy]

Eager mode registers the tables with register_table (as bench_catalog.py creates them in
PostgreSQL); --lazy serves the same tables from a lazy catalog source instead. Prints
"registered <seconds>" then "ready" on stdout, and serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
import time

import riffq

# Column types cycled over the columns of every generated table (c0 is the primary key).
TYPES = ["integer", "bigint", "text", "varchar(40)", "numeric(12,2)", "boolean", "date",
         "timestamptz", "text[]", "double precision"]
TYPE_OIDS = {"integer": 23, "bigint": 20, "text": 25, "varchar(40)": 1043, "numeric(12,2)": 1700,
             "boolean": 16, "date": 1082, "timestamptz": 1184, "text[]": 1009,
             "double precision": 701}
DATABASE = "bench"


def table_name(i: int) -> str:
    return f"t{i:05d}"


def column_specs(ncols: int) -> list:
    return [{f"c{j}": {"type": TYPES[j % len(TYPES)], "nullable": j != 0}} for j in range(ncols)]


class LazySource:
    """The same tables through set_lazy_catalog (OIDs chosen here, stable across calls)."""

    def __init__(self, ntables: int, ncols: int) -> None:
        self.ntables, self.ncols = ntables, ncols
        self.rels = [{"oid": 100000 + 2 * i, "reltype_oid": 100001 + 2 * i, "name": table_name(i),
                      "kind": "table", "owner_oid": 10} for i in range(ntables)]
        self.cols = [{"name": f"c{j}", "type_oid": TYPE_OIDS[TYPES[j % len(TYPES)]],
                      "nullable": j != 0} for j in range(ncols)]

    def version(self, database, cb):
        # The tables never change: riffq reuses what it read (and its snapshot) while the
        # version stays the same.
        cb(1)

    def databases(self, cb):
        cb([{"oid": 90000, "name": DATABASE, "datdba": 10}])

    def schemas(self, database, cb):
        cb([{"oid": 2200, "name": "public", "owner_oid": 10}])

    def relations(self, database, schema, cb):
        cb(self.rels if schema == "public" else [])

    def columns(self, database, schema, relation, cb):
        cb(self.cols)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--columns", type=int, default=20)
    ap.add_argument("--lazy", action="store_true")
    args = ap.parse_args()

    server = riffq.Server(f"127.0.0.1:{args.port}")
    server.on_query(lambda sql, callback, **kw: callback(
        ("ERROR", "0A000", "this server answers catalog statements only"), is_error=True))
    t0 = time.perf_counter()
    if args.lazy:
        server.set_lazy_catalog(LazySource(args.tables, args.columns))
    else:
        server.register_database(DATABASE)
        cols = column_specs(args.columns)
        for i in range(args.tables):
            server.register_table(DATABASE, "public", table_name(i), cols, primary_key=["c0"])
    print(f"registered {time.perf_counter() - t0:.3f}", flush=True)
    import threading

    def announce():
        if server.wait_until_serving(60):
            print("ready", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.start(catalog_emulation=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

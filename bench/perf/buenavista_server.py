"""buenavista (a pure-Python PostgreSQL proxy over DuckDB) serving the harness's rows. Runs
in buenavista's own virtual environment (peers.py makes it), not in riffq's.

    <venv>/bin/python bench/perf/buenavista_server.py PORT --rows N

MD5 password authentication for the bench user: buenavista has no SCRAM. Serves until killed.
"""

from __future__ import annotations

import argparse
import os
import sys

import duckdb
from buenavista.examples.duckdb_postgres import create

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rows import PASSWORD, SMALL_ROWS, USER, duckdb_sql  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--rows", type=int, required=True, help="rows of `big`")
    args = ap.parse_args()
    db = duckdb.connect()
    db.execute(duckdb_sql("t100", SMALL_ROWS))
    db.execute(duckdb_sql("big", args.rows))
    server = create(db, ("127.0.0.1", args.port), auth={USER: PASSWORD})
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""One riffq server process of the perf harness, for one handler variant, so that each
variant's numbers (q/s, CPU, RSS) are its own. SCRAM-SHA-256 for the bench user.

    python bench/perf/riffq_server.py PORT --variant reader [--rows N] [--workers N]

Variants (what the handler does for every statement):
  tag          answers only a command tag (no Arrow at all)
  reader       returns a ready RecordBatchReader over a prebuilt table (1 row, or t100)
  arrow_batch  builds the answer with BaseConnection.arrow_batch from Python lists (the seeds' way)
  core         refuses everything: what is measured is answered by the core (SHOW, catalog)
  large        the reader handler over `big`, N rows (the large-result server)
Serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, Optional

import riffq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rows import COLUMNS, PASSWORD, SMALL_ROWS, USER, arrow_table  # noqa: E402

# Built in main() for the variants that answer with Arrow: the tag and core servers do not
# import pyarrow (which imports pandas), so their memory is riffq's own.
pa: Any = None
ONE: Any = None
T100: Any = None
T100_LISTS: Any = None  # the seeds build their answer from Python values on every query
BIG: Any = None


class Base(riffq.BaseConnection):
    """Authentication is SCRAM in the core (set_scram_users), so handle_auth is never called."""

    def handle_auth(self, user: str, password: str, host: str, database: Optional[str] = None,
                    callback: Callable[..., None] = riffq.connection._noop) -> None:
        callback(False)

    def handle_query(self, sql: str, callback: Callable[..., None] = riffq.connection._noop,
                     **kwargs: Any) -> None:
        callback(("ERROR", "0A000", "this server answers only what the core answers"),
                 is_error=True)


class Tag(Base):
    def handle_query(self, sql: str, callback: Callable[..., None] = riffq.connection._noop,
                     **kwargs: Any) -> None:
        callback("SELECT 1", is_tag=True)


class Reader(Base):
    def handle_query(self, sql: str, callback: Callable[..., None] = riffq.connection._noop,
                     **kwargs: Any) -> None:
        if BIG is not None and "big" in sql:
            self.send_reader(BIG.to_reader(max_chunksize=65536), callback)
        elif "t100" in sql:
            self.send_reader(T100.to_reader(), callback)
        else:
            self.send_reader(ONE.to_reader(), callback)


class ArrowBatch(Base):
    def handle_query(self, sql: str, callback: Callable[..., None] = riffq.connection._noop,
                     **kwargs: Any) -> None:
        if "t100" in sql:
            arrays = [pa.array(values) for values in T100_LISTS]
            self.send_reader(self.arrow_batch(arrays, COLUMNS), callback)
        else:
            self.send_reader(self.arrow_batch([pa.array([1])], ["?column?"]), callback)


VARIANTS = {"tag": Tag, "reader": Reader, "arrow_batch": ArrowBatch, "core": Base,
            "large": Reader}


def load_arrow(rows: int) -> None:
    """Imports pyarrow and builds the tables the Arrow variants serve."""
    global pa, ONE, T100, T100_LISTS, BIG
    import pyarrow

    pa = pyarrow
    ONE = pa.table({"?column?": pa.array([1], pa.int32())})
    T100 = arrow_table(SMALL_ROWS)
    T100_LISTS = [T100.column(name).to_pylist() for name in COLUMNS]
    if rows:
        BIG = arrow_table(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--rows", type=int, default=0, help="rows of `big` (variant large)")
    ap.add_argument("--workers", type=int, default=0, help="start(workers=N) when > 0")
    ap.add_argument("--busy-poll-us", type=float, default=None,
                    help="start(busy_poll_us=…) (default: riffq's)")
    args = ap.parse_args()
    if args.variant in ("reader", "arrow_batch", "large"):
        load_arrow(args.rows if args.variant == "large" else 0)
    server = riffq.RiffqServer(f"127.0.0.1:{args.port}", connection_cls=VARIANTS[args.variant])
    server.set_scram_users({USER: PASSWORD})
    # max_connections above the 1 000 idle connections the harness opens.
    kwargs: dict = {"catalog_emulation": args.variant == "core", "max_connections": 1100}
    if args.workers > 0:
        kwargs["workers"] = args.workers
    if args.busy_poll_us is not None:
        kwargs["busy_poll_us"] = args.busy_poll_us
    server.start(**kwargs)


if __name__ == "__main__":
    main()

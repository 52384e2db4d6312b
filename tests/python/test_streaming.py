"""Results stream: bounded server memory for a 10-million-row result, a client that stops reading
does not slow others, a long-running query does not delay other connections, and pyarrow,
DuckDB, polars and pandas producers all stream through psycopg 3.

The memory and stall tests run the riffq server in a separate process (a small script written to
a temporary directory) so its RSS can be sampled with psutil without the test's own memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import duckdb
import pandas as pd
import polars as pl
import psutil
import psycopg
import pyarrow as pa
import pytest

from support.pg_cluster import free_port
from support.rss import RssSampler
from support.servers import wait_port

MB = 1024 * 1024

BIG_ROWS = 10_000_000
# A server that buffered the result instead of streaming it would hold either the Arrow data
# (~35 bytes a row, ~350 MB) or the encoded DataRows (~50 bytes a row, ~500 MB) at once.
MAX_RSS_GROWTH = 200 * MB

SERVER_SCRIPT = r'''
import sys
import numpy as np
import pyarrow as pa
import riffq

N_ROWS = int(sys.argv[2])
BATCH = 65_536
SCHEMA = pa.schema([("id", pa.int64()), ("x", pa.float64()), ("s", pa.utf8())])
WORDS = pa.array([f"row-{i:04d}-{'abcdefghij'[i % 10] * 6}" for i in range(1000)])


PRODUCED = [0]  # batches generated so far, over all queries ("select produced" tells)


def batches():
    # generated lazily, one batch at a time, as the server pulls them
    for start in range(0, N_ROWS, BATCH):
        PRODUCED[0] += 1
        ids = np.arange(start, min(start + BATCH, N_ROWS), dtype=np.int64)
        yield pa.record_batch([pa.array(ids), pa.array(ids * 0.25 + 0.5),
                               WORDS.take(pa.array(ids % 1000))], schema=SCHEMA)


def on_query(sql, callback, **kwargs):
    q = sql.strip().rstrip(";").strip().lower()
    if q == "select produced":
        callback(pa.table({"n": pa.array([PRODUCED[0]], pa.int64())}).to_reader()
                 .__arrow_c_stream__())
    elif q == "select * from big":
        callback(pa.RecordBatchReader.from_batches(SCHEMA, batches()).__arrow_c_stream__())
    elif q.startswith("select ") and q[7:].isdigit():
        callback(pa.table({"n": pa.array([int(q[7:])], pa.int64())}).to_reader()
                 .__arrow_c_stream__())
    else:
        callback(("ERROR", "42601", f"unsupported: {sql}"), is_error=True)


server = riffq.Server(sys.argv[1])
server.on_query(on_query)
server.start()
'''

def record(section: str, lines: List[str]) -> None:
    """Prints what a test observed (pytest -s shows it); timings belong to bench/."""
    print(f"[{section}]")
    for line in lines:
        print(line)


class BigServer:
    def __init__(self, proc: subprocess.Popen, port: int, log: str) -> None:
        self.proc = proc
        self.port = port
        self.log = log
        self.ps = psutil.Process(proc.pid)

    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=u dbname=db connect_timeout=5"

    def rss(self) -> int:
        return self.ps.memory_info().rss


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("big_server")
    script = d / "big_server.py"
    script.write_text(SERVER_SCRIPT)
    log = d / "server.log"
    port = free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, str(script), f"127.0.0.1:{port}", str(BIG_ROWS)],
                                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ))
    try:
        wait_port(port, proc=proc)
        server = BigServer(proc, port, str(log))
        with psycopg.connect(server.dsn(), autocommit=True) as conn:  # warm up imports
            assert conn.execute("select 3").fetchall() == [(3,)]
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------
# (a) 10 million rows with flat server memory
# ---------------------------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_ten_million_rows_stream_with_flat_server_memory(big_server):
    baseline = big_server.rss()
    n = 0
    bad: List[tuple] = []
    with RssSampler(big_server) as sampler:
        with psycopg.connect(big_server.dsn(), autocommit=True) as conn:
            cur = conn.cursor()
            for row in cur.stream("select * from big", size=10_000):
                if row[0] != n and len(bad) < 5:
                    bad.append((n, row))
                if n % 1_000_003 == 0 and len(bad) < 5:
                    if row != (n, n * 0.25 + 0.5, f"row-{n % 1000:04d}-{'abcdefghij'[n % 10] * 6}"):
                        bad.append((n, row))
                n += 1
    growth = sampler.peak - baseline
    record("10M rows, psycopg3 cursor.stream (chunks of 10000), server in its own process", [
        f"rows: {n}",
        f"server RSS baseline: {baseline / MB:.1f} MB",
        f"server RSS peak during stream: {sampler.peak / MB:.1f} MB",
        f"server RSS growth: {growth / MB:.1f} MB (bound {MAX_RSS_GROWTH / MB:.0f} MB)",
    ])
    assert not bad, f"wrong rows: {bad}"
    assert n == BIG_ROWS
    assert growth < MAX_RSS_GROWTH, f"server RSS grew by {growth / MB:.0f} MB while streaming"


# ---------------------------------------------------------------------------------------------
# (b) a client that stops reading does not slow another
# ---------------------------------------------------------------------------------------------


def _produced(server: BigServer) -> int:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        return conn.execute("select produced").fetchone()[0]


@pytest.mark.timeout(300)
def test_stalled_reader_does_not_slow_other_clients(big_server):
    baseline = big_server.rss()
    total_batches = -(-BIG_ROWS // 65_536)
    before = _produced(big_server)
    stalled = psycopg.pq.PGconn.connect(big_server.dsn().encode())
    assert stalled.status == psycopg.pq.ConnStatus.OK, stalled.get_error_message()
    try:
        stalled.send_query(b"select * from big")
        while stalled.flush() != 0:
            time.sleep(0.01)
        # The server fills the socket buffers and must then wait: production stops.
        deadline = time.monotonic() + 60
        last = -1
        while (now := _produced(big_server)) != last:
            assert time.monotonic() < deadline, "production never settled"
            last = now
            time.sleep(0.5)
        paused_at = now - before
        with RssSampler(big_server) as sampler:
            with psycopg.connect(big_server.dsn(), autocommit=True) as conn:
                for i in range(200):  # every quick query is answered meanwhile
                    assert conn.execute(f"select {i}").fetchall() == [(i,)]
        # the stalled client is still mid-result, and nothing more was produced for it
        stalled.consume_input()
        assert stalled.is_busy(), "the stalled query should still be in progress"
        assert _produced(big_server) - before == paused_at
    finally:
        stalled.finish()

    growth = sampler.peak - baseline
    record("stalled reader (select * from big, never read) + 200 quick queries on another "
           "connection", [
               f"batches produced for the stalled client: {paused_at} of {total_batches}",
               f"server RSS baseline {baseline / MB:.1f} MB, peak while stalled "
               f"{sampler.peak / MB:.1f} MB, growth {growth / MB:.1f} MB",
           ])
    assert 0 < paused_at < total_batches // 4, "the server ran ahead of a client that does not read"
    assert growth < MAX_RSS_GROWTH, "the server buffers the stalled client's result"


# ---------------------------------------------------------------------------------------------
# (c) a long-running query does not delay quick queries on other connections
# ---------------------------------------------------------------------------------------------


def table_reader(value: int):
    return pa.table({"v": pa.array([value], pa.int64())}).to_reader().__arrow_c_stream__()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("where", ["executor", "inline"])
def test_long_query_does_not_delay_other_connections(serve, where):
    """The slow handler waits (at most 5 s) for `release`; quick queries on three other
    connections must all finish before it is released. `executor`: the handler hands the slow
    work to a thread pool and returns; `inline`: the handler itself blocks (in time.sleep-like
    waiting that releases the GIL), as a synchronous DuckDB query would."""
    slow_started = threading.Event()
    release = threading.Event()
    slow_finished = threading.Event()
    pool = ThreadPoolExecutor(2)

    def slow(callback):
        slow_started.set()
        release.wait(5)
        slow_finished.set()
        callback(table_reader(-1))

    def on_query(sql, callback, **kwargs):
        if sql.strip() == "select slow":
            if kwargs.get("do_describe"):
                callback(table_reader(0))
            elif where == "executor":
                pool.submit(slow, callback)
            else:
                slow(callback)
        else:
            callback(table_reader(int(sql.split()[1])))

    st = serve(on_query)
    slow_result: list = []

    def run_slow():
        with psycopg.connect(st.dsn(), autocommit=True) as conn:
            slow_result.extend(conn.execute("select slow").fetchall())

    t = threading.Thread(target=run_slow)
    t.start()
    try:
        assert slow_started.wait(10), "the slow query never reached the handler"

        def quick(k):
            with psycopg.connect(st.dsn(), autocommit=True) as conn:
                return [conn.execute(f"select {k * 100 + i}").fetchone()[0] for i in range(10)]

        with ThreadPoolExecutor(3) as ex:
            results = list(ex.map(quick, range(3)))
        assert results == [[k * 100 + i for i in range(10)] for k in range(3)]
        assert not slow_finished.is_set(), "quick queries waited for the long-running one"
    finally:
        release.set()
        t.join(30)
        pool.shutdown(wait=True)
    assert slow_result == [(-1,)]


# ---------------------------------------------------------------------------------------------
# (d) pyarrow, DuckDB, polars and pandas producers all stream
# ---------------------------------------------------------------------------------------------

N = 50_000
EXPECTED = [(i, i * 0.5, None if i % 7 == 0 else f"v{i}") for i in range(N)]


def arrow_table() -> pa.Table:
    return pa.table({"id": pa.array(range(N), pa.int64()),
                     "x": pa.array([i * 0.5 for i in range(N)], pa.float64()),
                     "s": pa.array([None if i % 7 == 0 else f"v{i}" for i in range(N)])})


def from_batches():
    t = arrow_table()
    return pa.RecordBatchReader.from_batches(t.schema, iter(t.to_batches(max_chunksize=4096)))


DUCK_SQL = (f"select i::bigint as id, i * 0.5::double as x, "
            f"case when i % 7 = 0 then null else 'v' || i end as s from range({N}) t(i)")


def duckdb_reader():
    return duckdb.connect().execute(DUCK_SQL).fetch_record_batch(5000)


def duckdb_arrow_reader():
    return duckdb.connect().execute(DUCK_SQL).to_arrow_reader(5000)


def duckdb_relation():
    return duckdb.connect().sql(DUCK_SQL)


def polars_frame():
    return pl.DataFrame({"id": pl.Series(range(N), dtype=pl.Int64),
                         "x": [i * 0.5 for i in range(N)],
                         "s": [None if i % 7 == 0 else f"v{i}" for i in range(N)]})


def pandas_table():
    df = pd.DataFrame({"id": pd.Series(range(N), dtype="int64"),
                       "x": [i * 0.5 for i in range(N)],
                       "s": [None if i % 7 == 0 else f"v{i}" for i in range(N)]})
    return pa.Table.from_pandas(df, preserve_index=False)


PRODUCERS = {
    "pyarrow-Table.to_reader": lambda: arrow_table().to_reader(max_chunksize=3000),
    "pyarrow-Table": arrow_table,
    "pyarrow-RecordBatchReader.from_batches": from_batches,
    "duckdb-fetch_record_batch": duckdb_reader,
    "duckdb-to_arrow_reader": duckdb_arrow_reader,
    "duckdb-relation": duckdb_relation,
    "polars-DataFrame": polars_frame,
    "pandas-Table.from_pandas": pandas_table,
}


@pytest.mark.timeout(120)
@pytest.mark.filterwarnings("ignore:fetch_record_batch.*deprecated:DeprecationWarning")
@pytest.mark.parametrize("producer", list(PRODUCERS), ids=list(PRODUCERS))
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_producers_stream_through_psycopg3(serve, producer, binary):
    # The test environment installs duckdb >= 1.5 (scripts/setup.sh): both APIs exist there.
    if producer == "duckdb-relation":
        assert hasattr(duckdb.DuckDBPyRelation, "__arrow_c_stream__"), duckdb.__version__
    if producer == "duckdb-to_arrow_reader":
        assert hasattr(duckdb.DuckDBPyConnection, "to_arrow_reader"), duckdb.__version__
    make = PRODUCERS[producer]
    calls: list = []

    def on_query(sql, callback, **kwargs):
        calls.append(kwargs.get("do_describe"))
        result = make()
        callback(result.__arrow_c_stream__())

    st = serve(on_query)
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        cur = conn.cursor(binary=binary)
        cur.execute("select * from t")
        assert [d.name for d in cur.description] == ["id", "x", "s"]
        assert [d.type_code for d in cur.description] == [20, 701, 25]
        rows = cur.fetchall()
        assert cur.statusmessage == f"SELECT {N}"
    assert len(rows) == N
    assert rows == EXPECTED
    assert False in calls  # at least one real execution

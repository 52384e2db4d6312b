"""Multi-process serving: RiffqServer.start(workers=N) — N forked processes on one port
(SO_REUSEPORT), per-process handler state, CancelRequests relayed to the owning process,
graceful stop, restart of a worker that dies."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import psycopg
import pyarrow as pa
import pytest

import riffq

WORKER_INDEX = -1  # set in each worker process by worker_init


def _init(index: int) -> None:
    global WORKER_INDEX
    WORKER_INDEX = index


class WhoConnection(riffq.BaseConnection):
    """`select who` → (os pid, worker index); `select sleep` waits until cancelled."""

    def handle_auth(self, user, password, host, database=None, callback=None):
        callback(True)

    def handle_query(self, sql, callback=None, **kwargs):
        if kwargs.get("do_describe"):
            callback(pa.table({"pid": pa.array([], pa.int64()),
                               "idx": pa.array([], pa.int64())}).to_reader())
            return
        if "sleep" in sql:
            deadline = time.monotonic() + 30
            while not callback.cancelled and time.monotonic() < deadline:
                time.sleep(0.01)
            callback(("ERROR", "XX000", "not cancelled"), is_error=True)
            return
        callback(pa.table({"pid": [os.getpid()], "idx": [WORKER_INDEX]}).to_reader())


@pytest.fixture
def group():
    srv = riffq.RiffqServer("127.0.0.1:0", connection_cls=WhoConnection)
    srv.start_in_background(workers=2, worker_init=_init, shutdown_grace=1.0)
    try:
        yield srv
    finally:
        srv.stop(timeout=20)


def _dsn(port: int) -> str:
    return f"host=127.0.0.1 port={port} user=u password=x dbname=db"


def _who(port: int):
    with psycopg.connect(_dsn(port), autocommit=True) as conn:
        pid, idx = conn.execute("select who").fetchone()
        backend = conn.execute("select pg_backend_pid()").fetchone()[0]
        return pid, idx, backend


def test_connections_are_spread_over_the_worker_processes(group):
    assert len(group.worker_pids) == 2
    seen = [_who(group.port) for _ in range(24)]
    pids = {pid for pid, _, _ in seen}
    # 24 connections from distinct source ports all hashed to one socket: 2**-23.
    assert pids == set(group.worker_pids)
    for pid, idx, backend in seen:
        assert idx in (0, 1)
        assert backend % 2 == idx  # the backend pid names its worker


def test_a_cancel_request_reaches_the_owning_process(group):
    # Each CancelRequest is a new connection that lands on either worker: over 8 sessions both
    # the local and the relayed path are taken (all on one worker: 2**-7).
    relayed_or_local = set()
    for _ in range(8):
        with psycopg.connect(_dsn(group.port), autocommit=True) as conn:
            idx = conn.execute("select who").fetchone()[1]
            relayed_or_local.add(idx)
            timer = threading.Timer(0.3, conn.cancel)
            timer.start()
            started = time.monotonic()
            with pytest.raises(psycopg.errors.QueryCanceled):
                conn.execute("select sleep")
            assert time.monotonic() - started < 10
            timer.join()
            assert conn.execute("select 1 as one").fetchone() is not None
    assert relayed_or_local == {0, 1}


def test_a_worker_that_dies_is_started_again(group):
    victim = group.worker_pids[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pids = group.worker_pids
        if victim not in pids and len(pids) == 2:
            break
        time.sleep(0.05)
    assert victim not in group.worker_pids and len(group.worker_pids) == 2
    # The new worker serves: every connection gets an answer, from the live processes only.
    time.sleep(0.5)
    pids = {_who(group.port)[0] for _ in range(16)}
    assert victim not in pids and pids <= set(group.worker_pids)


def test_stop_ends_every_worker_and_frees_the_port():
    srv = riffq.RiffqServer("127.0.0.1:0", connection_cls=WhoConnection)
    srv.start_in_background(workers=2, worker_init=_init)
    port, pids = srv.port, srv.worker_pids
    assert _who(port)[1] in (0, 1)
    srv.stop(timeout=20)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_a_busy_port_fails_before_any_worker_starts():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        srv = riffq.RiffqServer(f"127.0.0.1:{port}", connection_cls=WhoConnection)
        with pytest.raises(OSError):
            srv.start_in_background(workers=2)
        assert srv.worker_pids == []


def test_metrics_with_workers_is_refused():
    srv = riffq.RiffqServer("127.0.0.1:0", connection_cls=WhoConnection)
    with pytest.raises(ValueError, match="metrics_port"):
        srv.start(workers=2, metrics_port=9)

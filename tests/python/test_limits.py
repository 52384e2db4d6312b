"""Configurable limits: connection count (53300), message size, startup timeout — a client that
breaks a limit is refused, everyone else keeps being served."""

from __future__ import annotations

import socket
import time

import psycopg
import pyarrow as pa
import pytest

from test_protocol import _raw_startup, _read_all


def answer(sql, callback, **kw):
    callback(pa.table({"x": [len(sql)]}).to_reader())


def test_max_connections(serve):
    st = serve(answer, max_connections=2)
    a = psycopg.connect(st.dsn(), autocommit=True)
    b = psycopg.connect(st.dsn(), autocommit=True)
    with pytest.raises(psycopg.OperationalError, match="too many clients"):
        psycopg.connect(st.dsn())
    a.close()
    deadline = time.time() + 5
    while True:  # the slot frees once the server saw the disconnect
        try:
            c = psycopg.connect(st.dsn(), autocommit=True)
            break
        except psycopg.OperationalError:
            assert time.time() < deadline
            time.sleep(0.05)
    assert c.execute("select 1").fetchone() == (8,)
    assert b.execute("select 1").fetchone() == (8,)
    b.close()
    c.close()


def test_max_message_size(serve):
    st = serve(answer, max_message_size=4096)
    with psycopg.connect(st.dsn(), autocommit=True) as ok:
        assert ok.execute("select 1 -- " + "x" * 1000).fetchone()[0] > 1000
        big = psycopg.connect(st.dsn(), autocommit=True)
        with pytest.raises(psycopg.OperationalError):
            big.execute("select 1 -- " + "x" * 5000)
        big.close()
        assert ok.execute("select 2").fetchone() == (8,)  # others are unaffected


def test_startup_timeout_drops_silent_clients(serve):
    st = serve(answer, startup_timeout=1.0)
    s = socket.create_connection(("127.0.0.1", st.port), timeout=10)
    t0 = time.time()
    data = _read_all(s)  # returns when the server closes the connection
    s.close()
    assert data == b""
    assert 0.5 < time.time() - t0 < 8
    conn = _raw_startup(st.port)  # a client that completes startup is not affected
    conn.close()


@pytest.mark.parametrize("kwargs", [{"max_connections": 0}, {"max_message_size": 10},
                                    {"startup_timeout": 0}])
def test_bad_limits_are_rejected(kwargs):
    import riffq
    from support.pg_cluster import free_port

    s = riffq.Server(f"127.0.0.1:{free_port()}")
    s.on_query(answer)
    with pytest.raises(ValueError):
        s.start(**kwargs)


def test_idle_timeout_closes_idle_sessions_only(serve):
    def handler(sql, callback, **kw):
        word = sql.split()[0].lower()
        if word in ("begin", "commit"):
            callback(word.upper(), is_tag=True)
        else:
            callback(pa.table({"x": [1]}).to_reader())

    st = serve(handler, idle_timeout=0.5)
    idle = psycopg.connect(st.dsn(), autocommit=True)
    in_tx = psycopg.connect(st.dsn(), autocommit=True)
    in_tx.execute("begin")
    active = psycopg.connect(st.dsn(), autocommit=True)
    t0 = time.time()
    while time.time() - t0 < 1.5:  # keeps talking: never idle long enough
        active.execute("select 1")
        time.sleep(0.1)
    with pytest.raises(psycopg.OperationalError, match="idle-session timeout|closed|terminat"):
        idle.execute("select 1")
    assert in_tx.execute("select 1").fetchone() == (1,)  # inside a transaction: kept
    in_tx.execute("commit")
    assert active.execute("select 1").fetchone() == (1,)
    for c in (idle, in_tx, active):
        c.close()

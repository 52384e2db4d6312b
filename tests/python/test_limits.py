"""Configurable limits: connection count (53300), message size, startup timeout — a client that
breaks a limit is refused, everyone else keeps being served."""

from __future__ import annotations

import threading
import time

import psycopg
import pyarrow as pa
import pytest

from support import wire
from support.handlers import tx_handler
from support.wire import WireClient


def answer(sql, callback, **kw):
    callback(pa.table({"x": [len(sql)]}).to_reader())


def test_max_connections_53300(serve):
    st = serve(answer, max_connections=2)
    a = psycopg.connect(st.dsn(), autocommit=True)
    b = psycopg.connect(st.dsn(), autocommit=True)
    with WireClient(st.port) as c:
        c.send(wire.startup_packet({"user": "u", "database": "d"}))
        errs = wire.errors(c.messages_until_close())
    assert [(e["S"], e["C"], e["M"]) for e in errs] == \
        [("FATAL", "53300", "sorry, too many clients already")]
    with pytest.raises(psycopg.OperationalError, match="too many clients"):
        psycopg.connect(st.dsn())
    a.close()
    deadline = time.monotonic() + 10
    while True:  # the slot frees once the server saw the disconnect
        try:
            c = psycopg.connect(st.dsn(), autocommit=True)
            break
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, "the closed connection's slot never came back"
            time.sleep(0.05)
    assert c.execute("select 1").fetchone() == (8,)
    assert b.execute("select 1").fetchone() == (8,)
    b.close()
    c.close()


def test_max_message_size_54000(serve):
    st = serve(answer, max_message_size=4096)
    with psycopg.connect(st.dsn(), autocommit=True) as ok:
        assert ok.execute("select 1 -- " + "x" * 1000).fetchone()[0] > 1000
        with WireClient(st.port) as big:
            big.startup()
            big.send(wire.query("select 1 -- " + "x" * 5000))
            errs = wire.errors(big.messages_until_close())
        assert [(e["S"], e["C"]) for e in errs] == [("FATAL", "54000")]
        assert ok.execute("select 2").fetchone() == (8,)  # others are unaffected


def test_startup_timeout_drops_silent_clients(serve):
    st = serve(answer, startup_timeout=1.0)
    with WireClient(st.port, timeout=30) as silent:
        msgs = silent.messages_until_close()  # returns when the server closes; a hang fails
    assert msgs == []  # closed without a word, as PostgreSQL's authentication_timeout
    with WireClient(st.port) as c:  # a client that completes startup is not affected
        assert wire.kinds(c.startup())[-1:] == b"Z"


@pytest.mark.parametrize("kwargs", [{"max_connections": 0}, {"max_message_size": 10},
                                    {"startup_timeout": 0}])
def test_bad_limits_are_rejected(kwargs):
    import riffq
    from support.pg_cluster import free_port

    s = riffq.Server(f"127.0.0.1:{free_port()}")
    s.on_query(answer)
    with pytest.raises(ValueError):
        s.start(**kwargs)


def test_idle_timeout_57p05_closes_idle_sessions_only(serve):
    st = serve(tx_handler, idle_timeout=0.5)
    idle = WireClient(st.port, timeout=30)
    idle.startup()
    in_tx = psycopg.connect(st.dsn(), autocommit=True)
    in_tx.execute("begin")
    active = psycopg.connect(st.dsn(), autocommit=True)
    gone = threading.Event()
    closing = []

    def watch_idle():  # reads until the server closes the idle session
        closing.extend(idle.messages_until_close())
        gone.set()

    watcher = threading.Thread(target=watch_idle)
    watcher.start()
    queries = 0
    deadline = time.monotonic() + 30
    while not gone.is_set():  # keeps talking: never idle for long
        assert time.monotonic() < deadline, "the idle session was never closed"
        assert active.execute("select 1").fetchone() == (1,)
        queries += 1
        gone.wait(0.05)
    watcher.join(10)
    assert queries > 1
    errs = wire.errors(closing)
    assert [(e["S"], e["C"]) for e in errs] == [("FATAL", "57P05")]
    assert errs[0]["M"] == "terminating connection due to idle-session timeout"
    assert in_tx.execute("select 1").fetchone() == (1,)  # inside a transaction: kept
    in_tx.execute("commit")
    assert active.execute("select 1").fetchone() == (1,)  # active throughout: kept
    for c in (in_tx, active):
        c.close()
    idle.close()


def test_idle_in_transaction_session_timeout_25p03(serve):
    st = serve(tx_handler)
    opts = {"options": "-c idle_in_transaction_session_timeout=200ms"}
    with WireClient(st.port, timeout=30) as in_tx, WireClient(st.port, timeout=30) as idle:
        in_tx.startup(**opts)
        idle.startup(**opts)
        in_tx.send(wire.query("begin"))
        assert wire.kinds(in_tx.messages_until_ready()) == b"CZ"
        errs = wire.errors(in_tx.messages_until_close())  # a hang here fails by the test timeout
        assert [(e["S"], e["C"]) for e in errs] == [("FATAL", "25P03")]
        assert errs[0]["M"] == "terminating connection due to idle-in-transaction timeout"
        idle.send(wire.query("select 1"))  # idle outside a transaction all along: kept
        assert wire.kinds(idle.messages_until_ready()) == b"TDCZ"

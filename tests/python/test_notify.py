"""LISTEN / UNLISTEN are tracked per session and Server.notify(channel, payload) delivers a
NotificationResponse to every listening session, as PostgreSQL's NOTIFY: only to listeners, and
not inside a transaction block (delivered when it ends)."""

from __future__ import annotations

import psycopg
import pytest

from support import wire
from support.handlers import tx_handler
from support.wire import WireClient


handler = tx_handler


def notifications(msgs):
    out = []
    for body in wire.iter_kinds(msgs, b"A"):
        channel, payload = body[4:].split(b"\0")[:2]
        out.append((channel.decode(), payload.decode()))
    return out


@pytest.mark.timeout(60)
def test_listeners_get_notifications_and_others_do_not(serve):
    st = serve(handler)
    with WireClient(st.port) as a, WireClient(st.port) as b:
        a.startup()
        b.startup()
        a.send(wire.query("LISTEN jobs"))
        assert wire.kinds(a.messages_until_ready()) == b"CZ"
        st.server.notify("jobs", "job 1 done")
        st.server.notify("other", "not for a")
        a.send(wire.query("select 1"))
        msgs = a.messages_until_ready()
        assert notifications(msgs) == [("jobs", "job 1 done")]
        b.send(wire.query("select 1"))
        assert notifications(b.messages_until_ready()) == []
        # Inside a transaction block the notification waits for its end.
        a.send(wire.query("begin"))
        a.messages_until_ready()
        st.server.notify("jobs", "job 2 done")
        a.send(wire.query("select 1"))
        assert notifications(a.messages_until_ready()) == []
        a.send(wire.query("commit"))
        msgs = a.messages_until_ready()
        assert notifications(msgs) == [("jobs", "job 2 done")]
        assert wire.kinds(msgs).index(b"A") < wire.kinds(msgs).index(b"Z")
        a.send(wire.query("UNLISTEN *"))
        a.messages_until_ready()
        st.server.notify("jobs", "job 3 done")
        a.send(wire.query("select 1"))
        assert notifications(a.messages_until_ready()) == []


@pytest.mark.timeout(60)
def test_psycopg_notifies(serve):
    st = serve(handler)
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        conn.execute("LISTEN events")
        st.server.notify("events", "hello")
        gen = conn.notifies(timeout=10, stop_after=1)
        got = [(n.channel, n.payload) for n in gen]
    assert got == [("events", "hello")]

"""Hostile input, each answered as PostgreSQL answers it, while a well-behaved client goes on:
negative and oversized lengths, truncated messages, a startup packet with 10 000 parameters, a
cancel with a stranger's key, and hundreds of connections that never send a byte."""

from __future__ import annotations

import socket
import struct
import threading

import psycopg
import pyarrow as pa
import pytest

from support import wire
from support.wire import WireClient


def handler(sql, callback, **kw):
    if "never" in sql:
        return handler.kept.append(callback)  # held: only a cancel ends it
    callback(pa.table({"x": [1]}).to_reader())


handler.kept = []


def served(st) -> bool:
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        return conn.execute("select 1").fetchone() == (1,)


@pytest.mark.parametrize("name,payload,sqlstate", [
    ("negative length", b"Q" + struct.pack("!i", -5), "08P01"),
    ("length below 4", b"Q" + struct.pack("!I", 3), "08P01"),
    ("oversized length", b"Q" + struct.pack("!I", 0x7FFFFFF0), "54000"),
    ("Sync with a body", b"S" + struct.pack("!I", 8) + b"xxxx", "08P01"),
    ("Bind cut short", b"B" + struct.pack("!I", 6) + b"\0\0", "08P01"),
])
def test_bad_messages_are_fatal_and_others_are_served(serve, name, payload, sqlstate):
    st = serve(handler)
    with WireClient(st.port) as c:
        c.startup()
        c.send(payload)
        errs = wire.errors(c.messages_until_close())
    assert [(e["S"], e["C"]) for e in errs] == [("FATAL", sqlstate)], name
    assert served(st)


@pytest.mark.parametrize("name,packet", [
    ("negative startup length", struct.pack("!i", -8) + struct.pack("!I", 196608)),
    ("startup length past the limit", struct.pack("!I", 10_001) + struct.pack("!I", 196608)),
    ("unknown protocol", struct.pack("!II", 8, 0x00020000)),
])
def test_bad_startup_packets_are_refused(serve, name, packet):
    st = serve(handler)
    with WireClient(st.port) as c:
        c.send(packet)
        msgs = c.messages_until_close()
    errs = wire.errors(msgs)
    assert len(errs) <= 1 and all(e["S"] == "FATAL" for e in errs), name
    assert served(st)


def test_startup_packet_with_ten_thousand_parameters(serve):
    st = serve(handler)
    params = {f"p{i}": "v" for i in range(10_000)}
    with WireClient(st.port) as c:
        c.send(wire.startup_packet({"user": "u", "database": "d", **params}))
        errs = wire.errors(c.messages_until_close())
    # Far larger than PostgreSQL's 10 000-byte startup limit: refused (PostgreSQL only closes).
    assert [(e["S"], e["C"], e["M"]) for e in errs] == \
        [("FATAL", "08P01", "invalid length of startup packet")]
    assert served(st)


def test_bytes_after_sslrequest_before_the_handshake_are_refused(serve):
    st = serve(handler)  # no TLS configured: 'N', then a plaintext startup is fine …
    with WireClient(st.port) as c:
        c.send(struct.pack("!II", 8, 80877103))
        assert c.sock.recv(1) == b"N"
        assert wire.kinds(c.startup())[-1:] == b"Z"
    # … but bytes sent along with the SSLRequest, before its answer, are refused as
    # PostgreSQL 15 refuses them (they could have been injected).
    with WireClient(st.port) as c:
        c.send(struct.pack("!II", 8, 80877103) + b"Q\0\0\0\x0dselect 1\0")
        assert c.sock.recv(1) == b"N"
        errs = wire.errors(c.messages_until_close())
    assert [(e["S"], e["C"], e["M"]) for e in errs] == \
        [("FATAL", "08P01", "received unencrypted data after SSL request")]
    assert served(st)


@pytest.mark.timeout(60)
def test_cancel_with_a_strangers_key_changes_nothing(serve):
    handler.kept = []
    st = serve(handler)
    victim = psycopg.connect(st.dsn(), autocommit=True)
    result = []
    t = threading.Thread(target=lambda: result.append(victim.execute("select never").fetchall()))
    t.start()
    try:
        while not handler.kept:
            threading.Event().wait(0.02)
        pid = victim.info.backend_pid
        with socket.create_connection(("127.0.0.1", st.port)) as s:
            s.sendall(struct.pack("!IIII", 16, 80877102, pid, 12345))  # a guessed secret
        threading.Event().wait(0.3)
        assert t.is_alive(), "a wrong key cancelled the query"
        handler.kept[0](pa.table({"x": [5]}).to_reader())  # the real answer still arrives
        t.join(10)
        assert result == [[(5,)]]
    finally:
        victim.close()


@pytest.mark.timeout(120)
def test_500_silent_connections_do_not_stop_a_working_client(serve):
    st = serve(handler)
    silent = [socket.create_connection(("127.0.0.1", st.port)) for _ in range(500)]
    try:
        with psycopg.connect(st.dsn(), autocommit=True) as conn:
            for i in range(200):
                assert conn.execute("select 1").fetchone() == (1,)
    finally:
        for s in silent:
            s.close()
    assert served(st)

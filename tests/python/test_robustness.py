"""Broken clients lose nothing for anyone else: clients that vanish mid-stream, mid-startup or
mid-pipeline leave the server serving, with no connection or worker leaked."""

from __future__ import annotations

import random
import socket
import struct
import threading
import time

import psycopg
import pyarrow as pa
import pytest

from support.wire import WireClient

BIG = pa.table({"i": pa.array(range(200_000), pa.int64()),
                "s": pa.array([f"row {i:08d} with some padding text" for i in range(200_000)])})


def handler(sql, callback, **kw):
    if "big" in sql:
        callback(BIG.to_reader(max_chunksize=5000))
    else:
        callback(pa.table({"one": [1]}).to_reader())


def abusive_client(port: int, kind: str, rng: random.Random) -> None:
    try:
        if kind == "half-startup":
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(struct.pack("!I", 40)[:3])  # a length word cut short, then gone
            s.close()
            return
        c = WireClient(port, timeout=5)
        c.startup()
        s = c.sock
        if kind == "mid-stream":
            s.sendall(b"Q" + struct.pack("!I", 4 + 11) + b"select big\0")
            s.recv(rng.randint(1, 200_000))
        elif kind == "pipeline":
            parse = b"P" + struct.pack("!I", 4 + 1 + 11 + 2) + b"\0select big\0\0\0"
            bind = b"B" + struct.pack("!I", 4 + 2 + 2 + 2 + 2) + b"\0\0\0\0\0\0\0\0"
            execute = b"E" + struct.pack("!I", 4 + 1 + 4) + b"\0\0\0\0\0"
            s.sendall(parse + bind + execute)  # no Sync, then gone
        s.close()
    except OSError:
        pass


@pytest.mark.timeout(120)
def test_vanishing_clients_do_not_hurt_others(serve):
    st = serve(handler)
    rng = random.Random(7)
    stop = threading.Event()
    healthy_errors = []
    healthy_count = [0]

    def healthy():
        try:
            with psycopg.connect(st.dsn(), autocommit=True) as conn:
                while not stop.is_set():
                    assert conn.execute("select 1").fetchone() == (1,)
                    healthy_count[0] += 1
        except Exception as exc:  # reported below
            healthy_errors.append(exc)

    t = threading.Thread(target=healthy)
    t.start()
    kinds = ["mid-stream", "half-startup", "pipeline"] * 15
    threads = [threading.Thread(target=abusive_client, args=(st.port, k, random.Random(rng.random())))
               for k in kinds]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    stop.set()
    t.join(30)
    assert healthy_errors == []
    assert healthy_count[0] > 0
    # Every abusive connection is gone again (the half-startup ones within the socket close).
    deadline = time.time() + 20
    while st.server.stats()["connections_active"] > 0 and time.time() < deadline:
        time.sleep(0.1)
    assert st.server.stats()["connections_active"] == 0
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert len(conn.execute("select big").fetchall()) == 200_000

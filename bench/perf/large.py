"""Large results: every row of `big` read by a header-only reader (psycopg 3 / libpq does the
connection and SCRAM, then the reader takes the socket, sends the statement and only looks for
the end of the result: rows are never materialised), as text (a simple Query) and as binary
(Parse / Bind with binary result columns / Execute / Sync). Rows/s, MB/s, server CPU seconds
and the server's peak RSS during the read.

A psycopg cursor (`conn.execute(sql, binary=True)`) is not the reader: libpq then builds a
PGresult holding every value, about 0.23 s of client CPU per million rows on the harness
machine — more than riffq's server needs to send them — so it measured the client."""

from __future__ import annotations

import os
import re
import socket
import struct
import time
from typing import Callable, Dict

import psycopg

from pgbench_points import Endpoint
from procs import TreeSampler

# A binary DataRow of `big`: type byte, length, column count, then per column a length word
# and the value (int8 8, float8 8, text 20, timestamp 8). Every server sends the same bytes.
BINARY_ROW_BYTES = 1 + 4 + 2 + 4 * 4 + 8 + 8 + 20 + 8
READY = re.compile(rb"C\x00\x00\x00.SELECT (\d+)\x00Z\x00\x00\x00\x05[ITE]$", re.S)


def connect(ep: Endpoint) -> psycopg.Connection:
    """A psycopg 3 connection with the password (SCRAM or MD5, whatever the server asks)."""
    return psycopg.connect(host=ep.host, port=ep.port, user=ep.user, password=ep.password,
                           dbname=ep.dbname, sslmode="disable", autocommit=True,
                           connect_timeout=20)


def _message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


def _read_result(conn: psycopg.Connection, request: bytes) -> Dict[str, float]:
    """Sends request on the connection's socket (libpq authenticated it and is idle) and reads
    the reply in 4 MB chunks until its ReadyForQuery; returns bytes and the row count of the
    CommandComplete."""
    sock = socket.socket(fileno=os.dup(conn.pgconn.socket))
    try:
        sock.setblocking(True)
        sock.sendall(request)
        buf = bytearray(4 << 20)
        view = memoryview(buf)
        tail = b""
        total = 0
        while True:
            n = sock.recv_into(view)
            if n == 0:
                raise ConnectionError("server closed the connection")
            total += n
            tail = (tail + bytes(view[max(0, n - 64):n]))[-64:]
            if tail[-6:-1] == b"Z\x00\x00\x00\x05":
                break
    finally:
        sock.close()
    done = READY.search(tail)
    if done is None:
        raise RuntimeError(f"the result did not end with SELECT n: {tail[-40:]!r}")
    return {"bytes": total, "rows": int(done.group(1))}


def read_text(conn: psycopg.Connection, sql: str) -> Dict[str, float]:
    """A simple Query: rows in text."""
    return _read_result(conn, _message(b"Q", sql.encode() + b"\0"))


def read_binary(conn: psycopg.Connection, sql: str) -> Dict[str, float]:
    """The extended protocol with every result column in binary (one format code, 1)."""
    parse = _message(b"P", b"\0" + sql.encode() + b"\0" + struct.pack("!H", 0))
    bind = _message(b"B", b"\0\0" + struct.pack("!HHHH", 0, 0, 1, 1))
    execute = _message(b"E", b"\0" + struct.pack("!I", 0))
    return _read_result(conn, parse + bind + execute + _message(b"S", b""))


READERS: Dict[str, Callable[[psycopg.Connection, str], Dict[str, float]]] = {
    "text": read_text, "binary": read_binary}


def measure(ep: Endpoint, server_pid: int, fmt: str, rows: int, repeat: int) -> dict:
    """The best of `repeat` reads of `select * from big` (its `rows` rows) in one format."""
    best: dict = {}
    for _ in range(repeat):
        try:
            # Connected before sampling: PostgreSQL's backend for it is then in the tree for
            # the whole read (its CPU seconds, its memory in the base).
            with connect(ep) as conn, TreeSampler(server_pid) as s:
                t0, c0 = time.perf_counter(), time.process_time()
                got = READERS[fmt](conn, "select * from big")
                dt, client_cpu = time.perf_counter() - t0, time.process_time() - c0
        except Exception as exc:  # a peer without binary results, say: reported, not fatal
            return {"rows": rows, "error": f"{type(exc).__name__}: {str(exc).strip()[:200]}"}
        if got["rows"] != rows:
            return {"rows": rows, "error": f"got {got['rows']} rows, expected {rows}"}
        if not best or dt < best["seconds"]:
            best = {"rows": rows, "seconds": dt, "rows_s": rows / dt, "mb_s": got["bytes"] / dt / 1e6,
                    "result_mb": got["bytes"] / 1e6, "cpu_s": s.cpu_s, "client_cpu_s": client_cpu,
                    "rss_base_mb": s.base / 1e6, "rss_peak_mb": s.peak / 1e6}
    return best

"""A minimal raw protocol-3.0 client for benchmarks: it measures the server, not a driver's
row decoding. It reads whole socket buffers and only checks for the final ReadyForQuery."""

from __future__ import annotations

import socket
import struct


def _msg(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


class RawClient:
    def __init__(self, host: str, port: int, user: str, database: str) -> None:
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        params = f"user\0{user}\0database\0{database}\0\0".encode()
        body = struct.pack("!I", 196608) + params
        self.sock.sendall(struct.pack("!I", len(body) + 4) + body)
        self._drain()

    def _drain(self) -> int:
        """Reads until a ReadyForQuery ends the input; returns the bytes read."""
        buf = bytearray(1 << 20)
        view = memoryview(buf)
        tail = b""
        total = 0
        while True:
            n = self.sock.recv_into(view)
            if n == 0:
                raise ConnectionError("server closed the connection")
            total += n
            tail = (tail + bytes(view[max(0, n - 6):n]))[-6:]
            if tail[:5] == b"Z\0\0\0\x05":
                return total

    def simple(self, sql: str) -> int:
        self.sock.sendall(_msg(b"Q", sql.encode() + b"\0"))
        return self._drain()

    def extended(self, sql: str, binary: bool) -> int:
        fmt = struct.pack("!hh", 1, 1) if binary else struct.pack("!h", 0)
        out = (_msg(b"P", b"\0" + sql.encode() + b"\0" + struct.pack("!h", 0))
               + _msg(b"B", b"\0\0" + struct.pack("!hh", 0, 0) + fmt)
               + _msg(b"E", b"\0" + struct.pack("!i", 0))
               + _msg(b"S", b""))
        self.sock.sendall(out)
        return self._drain()

    def close(self) -> None:
        try:
            self.sock.sendall(_msg(b"X", b""))
        finally:
            self.sock.close()

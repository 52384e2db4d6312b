"""A raw PostgreSQL wire client for tests that must see exact messages: SQLSTATEs of errors a
driver hides, NegotiateProtocolVersion, Describe(statement) that no driver sends on demand.

Only framing and the few message layouts the tests need; no I/O beyond a blocking socket.
A read that times out is an error, never taken for the end of the stream.
"""

from __future__ import annotations

import socket
import struct
from typing import Dict, Iterator, List, Optional, Tuple

PROTOCOL_3_0 = 196608
PROTOCOL_3_2 = 196610


class WireTimeout(AssertionError):
    """The server neither answered nor closed within the timeout."""


def message(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


def cstr(s: str | bytes) -> bytes:
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def query(sql: str | bytes) -> bytes:
    return message(b"Q", cstr(sql))


def parse(name: str, sql: str, param_oids: Tuple[int, ...] = ()) -> bytes:
    body = cstr(name) + cstr(sql) + struct.pack("!H", len(param_oids))
    body += b"".join(struct.pack("!I", o) for o in param_oids)
    return message(b"P", body)


def bind(portal: str = "", statement: str = "", params: Tuple[Optional[bytes], ...] = ()) -> bytes:
    body = cstr(portal) + cstr(statement) + struct.pack("!H", 0) + struct.pack("!H", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    return message(b"B", body + struct.pack("!H", 0))


def describe(kind: bytes, name: str = "") -> bytes:
    return message(b"D", kind + cstr(name))


def execute(portal: str = "", max_rows: int = 0) -> bytes:
    return message(b"E", cstr(portal) + struct.pack("!I", max_rows))


SYNC = message(b"S")
TERMINATE = message(b"X")


def startup_packet(params: Dict[str, str], version: int = PROTOCOL_3_0) -> bytes:
    body = struct.pack("!I", version)
    for k, v in params.items():
        body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


class WireClient:
    """One socket, messages read one at a time as (type byte, body)."""

    def __init__(self, port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self._buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout as exc:
            raise WireTimeout("no answer and no close from the server") from exc
        except ConnectionResetError:
            return False
        if not chunk:
            return False
        self._buf += chunk
        return True

    def read_message(self) -> Optional[Tuple[bytes, bytes]]:
        """The next message, or None once the server closed the connection."""
        while len(self._buf) < 5:
            if not self._fill():
                return None
        kind = self._buf[:1]
        (length,) = struct.unpack("!I", self._buf[1:5])
        while len(self._buf) < 1 + length:
            if not self._fill():
                return None
        body = self._buf[5:1 + length]
        self._buf = self._buf[1 + length:]
        return kind, body

    def messages_until_ready(self) -> List[Tuple[bytes, bytes]]:
        """Messages up to and including ReadyForQuery (or until the server closes)."""
        out = []
        while (m := self.read_message()) is not None:
            out.append(m)
            if m[0] == b"Z":
                break
        return out

    def messages_until_close(self) -> List[Tuple[bytes, bytes]]:
        """Every message the server sends before it closes the connection."""
        out = []
        while (m := self.read_message()) is not None:
            out.append(m)
        return out

    def startup(self, user: str = "u", database: str = "d", version: int = PROTOCOL_3_0,
                **params: str) -> List[Tuple[bytes, bytes]]:
        """Sends a startup packet (trust authentication expected) and reads to ReadyForQuery."""
        self.send(startup_packet({"user": user, "database": database, **params}, version))
        return self.messages_until_ready()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "WireClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def error_fields(body: bytes) -> Dict[str, str]:
    """The fields of an ErrorResponse / NoticeResponse body, keyed by field letter."""
    out = {}
    for part in body.split(b"\0"):
        if part:
            out[chr(part[0])] = part[1:].decode()
    return out


def errors(msgs: List[Tuple[bytes, bytes]]) -> List[Dict[str, str]]:
    """The fields of every ErrorResponse among msgs."""
    return [error_fields(body) for kind, body in msgs if kind == b"E"]


def kinds(msgs: List[Tuple[bytes, bytes]]) -> bytes:
    return b"".join(kind for kind, _ in msgs)


def iter_kinds(msgs: List[Tuple[bytes, bytes]], kind: bytes) -> Iterator[bytes]:
    return (body for k, body in msgs if k == kind)


def row_description(body: bytes) -> List[Tuple[bytes, int, int, int]]:
    """(name, type oid, type length, typmod) of each field of a RowDescription body."""
    (count,) = struct.unpack("!H", body[:2])
    out, pos = [], 2
    for _ in range(count):
        end = body.index(b"\0", pos)
        # After the name: table oid (4), attnum (2), type oid (4), length (2), typmod (4), format (2).
        oid, size, typmod = struct.unpack("!Ihi", body[end + 7:end + 17])
        out.append((body[pos:end], oid, size, typmod))
        pos = end + 19
    return out

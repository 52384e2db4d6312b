"""TLS: SSLRequest negotiation, direct TLS with ALPN (PostgreSQL 17 clients), SNI reaching
on_connect, plaintext-after-SSLRequest refusal, key formats."""

from __future__ import annotations

import socket
import struct
import subprocess

import psycopg
import pyarrow as pa
import pytest

from support.pg_cluster import free_port
from support.servers import ServerThread



def answer(sql, callback, **kw):
    callback(pa.table({"x": [1]}).to_reader())


@pytest.fixture(scope="module", params=["rsa", "ec"])
def cert(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"tls-{request.param}")
    key, crt = d / "server.key", d / "server.crt"
    if request.param == "rsa":
        subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-x509",
                        "-days", "1", "-out", str(crt), "-subj", "/CN=localhost"], check=True, capture_output=True)
    else:  # SEC1 EC key
        subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key)],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "req", "-new", "-x509", "-key", str(key), "-days", "1", "-out", str(crt),
                        "-subj", "/CN=localhost"], check=True, capture_output=True)
    return str(crt), str(key)


def tls_server(cert, names=None, tls=True) -> ServerThread:
    def on_connect(cid, ip, port, *, callback, server_name):
        if names is not None:
            names.append(server_name)
        callback(True)

    st = ServerThread(answer, port=free_port(), on_connect=on_connect, tls=tls)
    st.server.set_tls(*cert)
    return st.start()


def test_sslmode_require_prefer_disable(cert):
    names = []
    st = tls_server(cert, names)
    try:
        for mode, encrypted in (("require", True), ("prefer", True), ("disable", False)):
            with psycopg.connect(st.dsn() + f" host=localhost sslmode={mode}", autocommit=True) as c:
                assert c.execute("select 1").fetchone() == (1,)
                assert c.pgconn.ssl_in_use == encrypted
        assert names == ["localhost", "localhost", None]  # SNI only over TLS
    finally:
        st.stop()


def test_psql_over_tls(cert):
    st = tls_server(cert)
    try:
        out = subprocess.run(["psql", "-X", "-A", "-t", f"host=localhost port={st.port} user=u dbname=d sslmode=require",
                              "-c", "select 1"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "1"
    finally:
        st.stop()


def test_direct_tls_with_alpn(cert):
    st = tls_server(cert)
    try:
        dsn = st.dsn() + " host=localhost sslmode=require sslnegotiation=direct"
        with psycopg.connect(dsn, autocommit=True) as c:
            assert c.execute("select 1").fetchone() == (1,)
            assert c.pgconn.ssl_in_use
    finally:
        st.stop()


def test_tls_not_started_means_no_tls(cert):
    st = tls_server(cert, tls=False)
    try:
        with pytest.raises(psycopg.OperationalError, match="does not support SSL"):
            psycopg.connect(st.dsn() + " sslmode=require")
    finally:
        st.stop()


def test_plaintext_after_sslrequest_is_refused(cert):
    st = tls_server(cert)
    try:
        s = socket.create_connection(("127.0.0.1", st.port), timeout=5)
        ssl_request = struct.pack("!II", 8, 80877103)
        params = b"user\0u\0database\0d\0\0"
        startup = struct.pack("!II", len(params) + 8, 196608) + params
        s.sendall(ssl_request + startup)  # the startup packet sneaks in unencrypted
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        assert data[:1] == b"S"
        assert b"R" not in data[1:6]  # never authenticated
        assert b"unencrypted data after SSL request" in data
    finally:
        st.stop()


def test_mismatched_key_raises_oserror(cert, tmp_path):
    other = tmp_path / "other.key"
    subprocess.run(["openssl", "genrsa", "-out", str(other), "2048"], check=True, capture_output=True)
    import riffq
    s = riffq.Server("127.0.0.1:1")
    with pytest.raises(OSError):
        s.set_tls(cert[0], str(other))


def test_require_tls_refuses_plaintext(cert):
    st = ServerThread(answer, port=free_port(), tls=True, require_tls=True)
    st.server.set_tls(*cert)
    st.start()
    try:
        with pytest.raises(psycopg.OperationalError, match="TLS is required"):
            psycopg.connect(st.dsn() + " sslmode=disable")
        with psycopg.connect(st.dsn() + " host=localhost sslmode=require", autocommit=True) as c:
            assert c.execute("select 1").fetchone() == (1,)
    finally:
        st.stop()


def test_require_tls_needs_tls():
    import riffq
    s = riffq.Server(f"127.0.0.1:{free_port()}")
    s.on_query(answer)
    with pytest.raises(ValueError, match="require_tls"):
        s.start(require_tls=True)

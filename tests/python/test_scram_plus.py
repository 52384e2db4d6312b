"""SCRAM-SHA-256-PLUS (tls-server-end-point channel binding) and SASLprep: libpq (psycopg, psql)
with channel_binding=require / disable, asyncpg and pgjdbc over TLS; a raw client that lies
with the 'y' flag (downgrade), binds to another certificate or asks for binding without TLS is
refused with PostgreSQL's errors; non-ASCII passwords log in as PostgreSQL SASLpreps them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import ssl
import struct
import subprocess

import psycopg
import pyarrow as pa
import pytest

from support.pg_cluster import free_port
from support.servers import ServerThread

PASSWORD = "wonderland"


def answer(sql, callback, **kw):
    callback(pa.table({"x": [1]}).to_reader())


# (key type, signature hash): the channel binding hashes the certificate with the signature's
# hash (RFC 5929 §4.1), so each gives a different binding length.
CERTS = {"rsa-sha256": ("rsa:2048", "sha256"), "ec-sha384": ("ec", "sha384"),
         "rsa-sha512": ("rsa:2048", "sha512")}


@pytest.fixture(scope="module", params=list(CERTS))
def cert(request, tmp_path_factory):
    kind, digest = CERTS[request.param]
    d = tmp_path_factory.mktemp(f"plus-{request.param}")
    key, crt = d / "server.key", d / "server.crt"
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] if kind == "ec" else ["-newkey", kind]
    subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-keyout", str(key), "-out", str(crt),
                    f"-{digest}", "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    return str(crt), str(key), digest


@pytest.fixture
def plus_server(cert):
    st = ServerThread(answer, port=free_port(), tls=True)
    st.server.set_tls(cert[0], cert[1])
    st.server.set_scram_users({"alice": PASSWORD, "nine": "\u2168", "soft": "pass\u00adword"})
    st.start()
    st.digest = cert[2]
    yield st
    st.stop()


def test_libpq_channel_binding_require_uses_plus(plus_server):
    dsn = plus_server.dsn(user="alice", password=PASSWORD) + " sslmode=require channel_binding=require"
    with psycopg.connect(dsn, autocommit=True) as c:
        assert c.execute("select 1").fetchone() == (1,)
        assert c.pgconn.ssl_in_use
    r = subprocess.run(["psql", "-X", "-At", f"host=127.0.0.1 port={plus_server.port} user=alice dbname=d "
                        "sslmode=require channel_binding=require", "-c", "select 1"],
                       env=dict(os.environ, PGPASSWORD=PASSWORD), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr


def test_libpq_channel_binding_disable_and_prefer_over_tls(plus_server):
    for mode in ("disable", "prefer"):
        dsn = plus_server.dsn(user="alice", password=PASSWORD) + f" sslmode=require channel_binding={mode}"
        with psycopg.connect(dsn, autocommit=True) as c:
            assert c.execute("select 1").fetchone() == (1,)


def test_libpq_wrong_password_with_plus_is_28p01(plus_server):
    dsn = plus_server.dsn(user="alice", password="nope") + " sslmode=require channel_binding=require"
    with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "alice"'):
        psycopg.connect(dsn)


def test_asyncpg_over_tls(plus_server):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    import asyncio

    import asyncpg

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=plus_server.port, user="alice",
                                     password=PASSWORD, database="d", ssl=ctx)
        try:
            return await conn.fetchval("select 1")
        finally:
            await conn.close()

    assert asyncio.run(run()) == 1


def jdbc_jar() -> str:
    """pgjdbc from Maven Central (scripts/build_clients.sh): channelBinding needs 42.7.x."""
    cache = os.environ.get("RIFFQ_CLIENTS_CACHE", os.path.expanduser("~/.cache/riffq-clients"))
    jar = os.path.join(cache, "java", "postgresql-maven.jar")
    assert os.path.exists(jar), "run scripts/build_clients.sh (pgjdbc 42.7.x from Maven Central)"
    return jar


@pytest.fixture(scope="module")
def jdbc_classes(tmp_path_factory):
    out = tmp_path_factory.mktemp("jdbc-cb")
    src = os.path.join(os.path.dirname(__file__), "java", "JdbcChannelBinding.java")
    subprocess.run(["javac", "-d", str(out), "-cp", jdbc_jar(), src], check=True, capture_output=True)
    return str(out)


@pytest.mark.parametrize("binding", ["require", "disable"])
def test_pgjdbc_channel_binding(plus_server, jdbc_classes, binding):
    out = subprocess.run(["java", "-cp", f"{jdbc_jar()}:{jdbc_classes}", "JdbcChannelBinding",
                          str(plus_server.port), "alice", PASSWORD, "require", binding],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok 1", out.stdout + out.stderr


# ---- a raw SCRAM client, to send what well-behaved clients never send ----------------------

def recv_message(sock) -> tuple[bytes, bytes]:
    head = b""
    while len(head) < 5:
        chunk = sock.recv(5 - len(head))
        if not chunk:
            raise ConnectionError("closed")
        head += chunk
    n = struct.unpack("!I", head[1:5])[0] - 4
    body = b""
    while len(body) < n:
        body += sock.recv(n - len(body))
    return head[:1], body


def error_fields(body: bytes) -> dict[str, str]:
    return {f[:1].decode(): f[1:].decode() for f in body.split(b"\0") if f}


def connect(port: int, tls: bool):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls:
        s.sendall(struct.pack("!II", 8, 80877103))
        assert s.recv(1) == b"S"
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    params = b"user\0alice\0database\0d\0\0"
    s.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    t, body = recv_message(s)
    assert t == b"R" and struct.unpack("!I", body[:4])[0] == 10, (t, body)  # AuthenticationSASL
    mechanisms = [m.decode() for m in body[4:].split(b"\0") if m]
    return s, mechanisms


def sasl_initial(sock, mechanism: str, first: bytes) -> None:
    body = mechanism.encode() + b"\0" + struct.pack("!i", len(first)) + first
    sock.sendall(b"p" + struct.pack("!I", len(body) + 4) + body)


def scram_login(sock, mechanism: str, gs2: bytes, cbind_data: bytes, password: str,
                replay: bytes | None = None, sent: list | None = None):
    """Runs a whole exchange; returns the message type and body that ended it. replay: send
    this client-final-message instead of the computed one; sent: receives the one sent."""
    first_bare = b"n=,r=rawclientnonce"
    sasl_initial(sock, mechanism, gs2 + first_bare)
    t, body = recv_message(sock)
    if t != b"R":
        return t, body
    server_first = body[4:]
    attrs = dict(a.split(b"=", 1) for a in server_first.split(b","))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs[b"s"]), int(attrs[b"i"]))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    without_proof = b"c=" + base64.b64encode(gs2 + cbind_data) + b",r=" + attrs[b"r"]
    auth = first_bare + b"," + server_first + b"," + without_proof
    sig = hmac.new(hashlib.sha256(client_key).digest(), auth, "sha256").digest()
    proof = bytes(a ^ b for a, b in zip(client_key, sig))
    final = replay if replay is not None else without_proof + b",p=" + base64.b64encode(proof)
    if sent is not None:
        sent.append(final)
    sock.sendall(b"p" + struct.pack("!I", len(final) + 4) + final)
    return recv_message(sock)


def end_point_hash(sock, digest: str) -> bytes:
    return hashlib.new(digest, sock.getpeercert(binary_form=True)).digest()


def test_plus_is_offered_only_over_tls(plus_server):
    s, mechanisms = connect(plus_server.port, tls=True)
    s.close()
    assert mechanisms == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]
    s, mechanisms = connect(plus_server.port, tls=False)
    s.close()
    assert mechanisms == ["SCRAM-SHA-256"]


def test_raw_plus_client_with_the_right_hash_logs_in(plus_server):
    s, _ = connect(plus_server.port, tls=True)
    t, body = scram_login(s, "SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,",
                          end_point_hash(s, plus_server.digest), PASSWORD)
    s.close()
    assert t == b"R" and struct.unpack("!I", body[:4])[0] == 12  # AuthenticationSASLFinal


def test_mismatched_cbind_data_is_28000(plus_server):
    # A man in the middle with its own certificate relays the exchange: the hash the client
    # binds to is not the hash of our certificate.
    s, _ = connect(plus_server.port, tls=True)
    wrong = hashlib.new(plus_server.digest, b"another certificate").digest()
    t, body = scram_login(s, "SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,", wrong, PASSWORD)
    s.close()
    f = error_fields(body)
    assert t == b"E" and f["C"] == "28000" and f["S"] == "FATAL"
    assert f["M"] == "SCRAM channel binding check failed"


def test_downgrade_flag_y_over_tls_is_28000(plus_server):
    # 'y': "I could bind but you cannot" — yet PLUS was offered: someone removed it.
    s, _ = connect(plus_server.port, tls=True)
    t, body = scram_login(s, "SCRAM-SHA-256", b"y,,", b"", PASSWORD)
    s.close()
    f = error_fields(body)
    assert t == b"E" and f["C"] == "28000"
    assert f["M"] == "SCRAM channel binding negotiation error"
    assert "this server does support channel binding" in f["D"]


def test_flag_y_without_tls_logs_in(plus_server):
    s, _ = connect(plus_server.port, tls=False)
    t, body = scram_login(s, "SCRAM-SHA-256", b"y,,", b"", PASSWORD)
    s.close()
    assert t == b"R" and struct.unpack("!I", body[:4])[0] == 12


@pytest.mark.parametrize("mechanism,gs2,message", [
    ("SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,", "client selected an invalid SASL authentication mechanism"),
    ("SCRAM-SHA-256", b"p=tls-server-end-point,,", "malformed SCRAM message"),
])
def test_binding_without_tls_is_refused_08p01(plus_server, mechanism, gs2, message):
    s, _ = connect(plus_server.port, tls=False)
    t, body = scram_login(s, mechanism, gs2, b"x" * 32, PASSWORD)
    s.close()
    f = error_fields(body)
    assert t == b"E" and f["C"] == "08P01" and f["M"] == message


def test_plus_selected_without_binding_data_is_08p01(plus_server):
    s, _ = connect(plus_server.port, tls=True)
    t, body = scram_login(s, "SCRAM-SHA-256-PLUS", b"n,,", b"", PASSWORD)
    s.close()
    f = error_fields(body)
    assert t == b"E" and f["C"] == "08P01" and "does not include channel binding data" in f["D"]


def test_wrong_proof_is_28p01(plus_server):
    s, _ = connect(plus_server.port, tls=True)
    t, body = scram_login(s, "SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,",
                          end_point_hash(s, plus_server.digest), "not-the-password")
    s.close()
    f = error_fields(body)
    assert t == b"E" and f["C"] == "28P01"
    assert f["M"] == 'password authentication failed for user "alice"'


def test_replayed_client_final_message_is_refused(plus_server):
    # An eavesdropper (on a plaintext connection) records a successful login and replays its
    # client-final-message: the server's nonce is new on every connection.
    sent: list[bytes] = []
    s, _ = connect(plus_server.port, tls=False)
    t, body = scram_login(s, "SCRAM-SHA-256", b"n,,", b"", PASSWORD, sent=sent)
    s.close()
    assert t == b"R" and struct.unpack("!I", body[:4])[0] == 12
    s, _ = connect(plus_server.port, tls=False)
    t, body = scram_login(s, "SCRAM-SHA-256", b"n,,", b"", "unknown to the attacker", replay=sent[0])
    s.close()
    f = error_fields(body)
    assert t == b"E" and f["C"] == "08P01" and f["D"] == "Nonce does not match."


# ---- SASLprep ------------------------------------------------------------------------------

@pytest.mark.parametrize("user,typed", [
    ("nine", "\u2168"),        # libpq SASLpreps it to "IX" too
    ("nine", "IX"),
    ("soft", "pass\u00adword"),  # the soft hyphen is mapped to nothing
    ("soft", "password"),
])
def test_saslprep_non_ascii_passwords(plus_server, user, typed):
    for extra in (" sslmode=require channel_binding=require", " sslmode=disable"):
        with psycopg.connect(plus_server.dsn(user=user, password=typed) + extra, autocommit=True) as c:
            assert c.execute("select 1").fetchone() == (1,)
    r = subprocess.run(["psql", "-X", "-At", f"host=127.0.0.1 port={plus_server.port} user={user} dbname=d "
                        "sslmode=disable", "-c", "select 1"],
                       env=dict(os.environ, PGPASSWORD=typed), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr


def test_saslprep_matches_postgresql(pg):
    """A verifier PostgreSQL 15 made for "Ⅸ" accepts "IX" through riffq, and riffq's own
    verifier for "Ⅸ" accepts what libpq sends: both sides prepared the password alike."""
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        c.execute("set password_encryption = 'scram-sha-256'")
        c.execute("drop role if exists nine")
        c.execute("create role nine login password '\u2168'")
        (verifier,) = c.execute("select rolpassword from pg_authid where rolname = 'nine'").fetchone()
    st = ServerThread(answer, port=free_port())
    st.server.set_scram_users({"nine": verifier})
    st.start()
    try:
        with psycopg.connect(st.dsn(user="nine", password="IX"), autocommit=True) as c:
            assert c.execute("select 1").fetchone() == (1,)
    finally:
        st.stop()

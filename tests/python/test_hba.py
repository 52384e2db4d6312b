"""Host-based rules (pg_hba.conf): set from Python (lines or dicts) or loaded from a file; the
first matching rule decides (trust, reject, password, md5, scram-sha-256, by connection type,
database, user and CIDR); no match or reject is FATAL 28000 with PostgreSQL's message. Only
loopback addresses: 127.0.0.2 as a client source address tests CIDR matching."""

from __future__ import annotations

import os
import socket
import struct
import subprocess

import psycopg
import pyarrow as pa
import pytest

import riffq
from support.clients import asyncpg_call
from support.pg_cluster import free_port
from support.servers import ServerThread


def answer(sql, callback, **kw):
    callback(pa.table({"x": [1]}).to_reader())


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("hba-tls")
    key, crt = d / "server.key", d / "server.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(crt), "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    return str(crt), str(key)


def serve(rules=None, hba_file=None, cert=None, host="127.0.0.1") -> ServerThread:
    st = ServerThread(answer, port=free_port(), tls=cert is not None, host=host)
    if cert:
        st.server.set_tls(*cert)
    st.server.set_scram_users({"sam": "scram-pw"})
    st.server.set_md5_users({"mo": "md5-pw"})
    if rules is not None:
        st.server.set_hba_rules(rules)
    if hba_file is not None:
        st.server.load_hba_file(hba_file)
    return st.start()


def login(st: ServerThread, user: str, password: str | None = None, dbname: str = "d",
          extra: str = "", host: str = "127.0.0.1") -> int:
    dsn = f"host={host} port={st.port} user={user} dbname={dbname} connect_timeout=5 {extra}"
    if password is not None:
        dsn += f" password={password}"
    with psycopg.connect(dsn, autocommit=True) as c:
        return c.execute("select 1").fetchone()[0]


def refusal(st: ServerThread, user: str, password: str | None = None, dbname: str = "d") -> tuple[str, str]:
    """(SQLSTATE, message) of a refused asyncpg login (asyncpg reads the ErrorResponse itself)."""
    import asyncpg

    with pytest.raises(asyncpg.PostgresError) as ei:
        asyncpg_call(st.port, "fetchval", "select 1", user=user, password=password, database=dbname)
    return ei.value.sqlstate, ei.value.args[0]


def raw_startup(port: int, source: str, user: str, database: str) -> dict[str, str]:
    """Connects from `source` (a loopback address) and returns the fields of the first
    ErrorResponse, or {} when authentication went on."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    params = f"user\0{user}\0database\0{database}\0\0".encode()
    s.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    data = b""
    while len(data) < 5 or len(data) < 1 + struct.unpack("!I", data[1:5])[0]:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    if data[:1] != b"E":
        return {}
    return {f[:1].decode(): f[1:].decode() for f in data[5:].split(b"\0") if f}


def test_no_matching_rule_is_28000_with_postgresqls_message():
    st = serve(["host sales all 127.0.0.1/32 trust"])
    try:
        assert login(st, "sam", dbname="sales") == 1
        with pytest.raises(psycopg.OperationalError) as ei:
            login(st, "sam", dbname="hr")
        message = 'no pg_hba.conf entry for host "127.0.0.1", user "sam", database "hr", no encryption'
        assert message in str(ei.value)
        assert refusal(st, "sam", dbname="hr") == ("28000", message)
    finally:
        st.stop()


def test_reject_is_28000_and_first_match_decides():
    st = serve(["host all mallory all reject", "host all all all trust"])
    try:
        with pytest.raises(psycopg.OperationalError) as ei:
            login(st, "mallory")
        message = ('pg_hba.conf rejects connection for host "127.0.0.1", user "mallory", database "d", '
                   "no encryption")
        assert message in str(ei.value)
        assert refusal(st, "mallory") == ("28000", message)
        assert login(st, "anyone") == 1  # trust: no password asked
    finally:
        st.stop()


def test_cidr_matching_with_another_loopback_source():
    st = serve(["host all all 127.0.0.2/32 reject", "host all all 127.0.0.0/8 trust"])
    try:
        f = raw_startup(st.port, "127.0.0.2", "u", "d")
        assert f["C"] == "28000"
        assert f["M"] == ('pg_hba.conf rejects connection for host "127.0.0.2", user "u", database "d", '
                          "no encryption")
        assert raw_startup(st.port, "127.0.0.3", "u", "d") == {}
        assert login(st, "u") == 1
    finally:
        st.stop()


def test_ipv6_loopback_rules():
    st = ServerThread(answer, port=free_port(), host="[::1]")
    st.server.set_hba_rules(["host all all 127.0.0.1/32 trust"])
    st.start()
    try:
        with pytest.raises(psycopg.OperationalError, match='no pg_hba.conf entry for host "::1"'):
            login(st, "u", host="::1")
    finally:
        st.stop()
    st = ServerThread(answer, port=free_port(), host="[::1]")
    st.server.set_hba_rules([{"type": "host", "database": "all", "user": "all", "address": "::1/128",
                              "method": "trust"}])
    st.start()
    try:
        assert login(st, "u", host="::1") == 1
    finally:
        st.stop()


def test_hostssl_and_hostnossl(cert):
    st = serve(["hostssl all all all scram-sha-256", "hostnossl all sam all reject"], cert=cert)
    try:
        assert login(st, "sam", "scram-pw", extra="sslmode=require channel_binding=require") == 1
        with pytest.raises(psycopg.OperationalError) as ei:
            login(st, "sam", "scram-pw", extra="sslmode=disable")
        assert "pg_hba.conf rejects connection" in str(ei.value)
        with pytest.raises(psycopg.OperationalError) as ei:
            login(st, "mo", "md5-pw", extra="sslmode=disable")
        assert 'no pg_hba.conf entry for host "127.0.0.1", user "mo", database "d", no encryption' in str(ei.value)
        # hostssl matched: scram-sha-256 fails an MD5-only user, as in PostgreSQL.
        with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "mo"'):
            login(st, "mo", "md5-pw", extra="sslmode=require")
    finally:
        st.stop()


def test_methods_per_user_and_database(tmp_path):
    hba = tmp_path / "pg_hba.conf"
    hba.write_text(
        "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
        "host    sameuser  all   127.0.0.1/32  trust\n"
        "host    all       mo    127.0.0.1/32  md5\n"
        "host    all       sam   127.0.0.1     255.255.255.255  password\n"
        "host    all       all   all           reject\n")
    st = serve(hba_file=str(hba))
    try:
        assert login(st, "carol", dbname="carol") == 1  # sameuser: trust
        assert login(st, "mo", "md5-pw") == 1          # md5
        r = subprocess.run(["psql", "-X", "-At", f"host=127.0.0.1 port={st.port} user=sam dbname=d",
                            "-c", "select 1"], env=dict(os.environ, PGPASSWORD="scram-pw"),
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr  # cleartext vs SCRAM secret
        assert refusal(st, "sam", "wrong") == ("28P01", 'password authentication failed for user "sam"')
        with pytest.raises(psycopg.OperationalError, match="pg_hba.conf rejects connection"):
            login(st, "carol", dbname="d")
    finally:
        st.stop()


def test_password_method_asks_the_application_for_other_users():
    seen = []

    def on_auth(cid, user, password, host, *, callback, **kw):
        seen.append((user, password, host))
        callback(password == "app-pw")

    st = ServerThread(answer, port=free_port(), on_authentication=on_auth)
    st.server.set_hba_rules(["host all all 127.0.0.1/32 password"])
    st.start()
    try:
        assert login(st, "app", "app-pw") == 1
        assert seen == [("app", "app-pw", "127.0.0.1")]
    finally:
        st.stop()


def test_parse_errors_name_the_line(tmp_path):
    s = riffq.Server("127.0.0.1:0")
    hba = tmp_path / "pg_hba.conf"
    hba.write_text("host all all 127.0.0.1/32 trust\n\n# comment\nhots all all all trust\n")
    with pytest.raises(ValueError, match=r'pg_hba.conf: line 4: invalid connection type "hots"'):
        s.load_hba_file(str(hba))
    with pytest.raises(ValueError, match=r'hba rule 2: invalid authentication method "scram"'):
        s.set_hba_rules(["host all all all trust", "host all all all scram"])
    with pytest.raises(ValueError, match=r"hba rule 1: invalid CIDR mask"):
        s.set_hba_rules([{"type": "host", "database": "all", "user": "all", "address": "127.0.0.1/40",
                          "method": "trust"}])
    with pytest.raises(ValueError, match=r'hba rule 1: missing "method"'):
        s.set_hba_rules([{"type": "host", "database": "all", "user": "all", "address": "all"}])
    with pytest.raises(ValueError, match="must not be empty"):
        s.set_hba_rules([])
    with pytest.raises(OSError):
        s.load_hba_file(str(tmp_path / "missing.conf"))
    s.set_hba_rules(None)  # removes the rules


def test_riffq_server_wrapper_has_the_methods():
    assert callable(riffq.RiffqServer.set_hba_rules) and callable(riffq.RiffqServer.load_hba_file)

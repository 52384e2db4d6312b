"""MD5 password authentication (off unless configured): psql, psycopg, asyncpg and pgjdbc log in;
a verifier made by PostgreSQL 15 (password_encryption = md5) is accepted as it is; wrong
passwords get 28P01."""

from __future__ import annotations

import os
import subprocess

import asyncpg
import psycopg
import pyarrow as pa
import pytest

from support.clients import asyncpg_call
from support.pg_cluster import free_port
from support.servers import ServerThread
from test_jdbc import JAR, SRC
from test_jdbc import handler as jdbc_handler


def answer(sql, callback, **kw):
    callback(pa.table({"x": [1]}).to_reader())


@pytest.fixture
def md5_server():
    st = ServerThread(answer, port=free_port())
    st.server.set_md5_users({"alice": "wonderland"})
    st.start()
    yield st
    st.stop()


def test_psql_psycopg_and_asyncpg_log_in(md5_server):
    r = subprocess.run(["psql", "-X", "-At", f"host=127.0.0.1 port={md5_server.port} user=alice dbname=d",
                        "-c", "select 1"], env=dict(os.environ, PGPASSWORD="wonderland"),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr
    with psycopg.connect(md5_server.dsn(user="alice", password="wonderland"), autocommit=True) as c:
        assert c.execute("select 1").fetchone() == (1,)

    assert asyncpg_call(md5_server.port, "fetchval", "select 1", user="alice",
                        password="wonderland") == 1


def test_wrong_password_is_28p01(md5_server):
    with pytest.raises(asyncpg.InvalidPasswordError) as ei:
        asyncpg_call(md5_server.port, "fetchval", "select 1", user="alice", password="nope")
    assert ei.value.sqlstate == "28P01"
    assert ei.value.args[0] == 'password authentication failed for user "alice"'


def test_verifier_made_by_postgresql(pg):
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        c.execute("set password_encryption = 'md5'")
        c.execute("drop role if exists dave")
        c.execute("create role dave login password 'secret-💡'")
        (verifier,) = c.execute("select rolpassword from pg_authid where rolname = 'dave'").fetchone()
    assert verifier.startswith("md5") and len(verifier) == 35
    st = ServerThread(answer, port=free_port())
    st.server.set_md5_users({"dave": verifier})
    st.start()
    try:
        with psycopg.connect(st.dsn(user="dave", password="secret-💡"), autocommit=True) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(st.dsn(user="dave", password="secret"))
    finally:
        st.stop()


def test_pgjdbc_logs_in_with_md5(tmp_path):
    subprocess.run(["javac", "-d", str(tmp_path), "-cp", JAR, SRC], check=True, capture_output=True)
    st = ServerThread(jdbc_handler, port=free_port())
    st.server.set_md5_users({"user": "secret"})  # JdbcSmoke logs in as user/secret
    st.start()
    try:
        out = subprocess.run(["java", "-cp", f"{JAR}:{tmp_path}", "JdbcSmoke", str(st.port)],
                             capture_output=True, text=True, timeout=60)
    finally:
        st.stop()
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "simple 1"

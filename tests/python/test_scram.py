"""SCRAM-SHA-256 authentication with libpq (psycopg, psql) and asyncpg; verifiers made by a real
PostgreSQL 15 are accepted as they are."""

from __future__ import annotations

import os
import subprocess

import asyncpg
import psycopg
import pyarrow as pa
import pytest

import riffq
from support.clients import asyncpg_call
from support.pg_cluster import free_port
from support.servers import ServerThread


def answer(sql, callback, **kw):
    callback(pa.table({"x": [1]}).to_reader())


@pytest.fixture
def scram_server():
    connects = []

    def on_connect(cid, ip, port, *, callback, server_name):
        connects.append(cid)
        callback(True)

    st = ServerThread(answer, port=free_port(), on_connect=on_connect)
    st.server.set_scram_users({"alice": "wonderland", "bob": "builder"})
    st.start()
    st.connects = connects
    yield st
    st.stop()


def test_libpq_and_psql_log_in(scram_server):
    with psycopg.connect(scram_server.dsn(user="alice", password="wonderland"), autocommit=True) as c:
        assert c.execute("select 1").fetchone() == (1,)
    r = subprocess.run(["psql", "-X", "-At", f"host=127.0.0.1 port={scram_server.port} user=bob dbname=d",
                        "-c", "select 1"], env=dict(os.environ, PGPASSWORD="builder"),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr
    assert len(scram_server.connects) == 2  # on_connect still runs after SCRAM


def test_asyncpg_logs_in(scram_server):
    assert asyncpg_call(scram_server.port, "fetchval", "select 1", user="alice",
                        password="wonderland") == 1


@pytest.mark.parametrize("user,password", [("alice", "nope"), ("mallory", "wonderland")])
def test_wrong_password_and_unknown_user_look_the_same_28p01(scram_server, user, password):
    with pytest.raises(psycopg.OperationalError,
                       match=f'password authentication failed for user "{user}"'):
        psycopg.connect(scram_server.dsn(user=user, password=password))

    # asyncpg reads the ErrorResponse itself: the SQLSTATE is visible.
    with pytest.raises(asyncpg.InvalidPasswordError) as ei:
        asyncpg_call(scram_server.port, "fetchval", "select 1", user=user, password=password)
    assert ei.value.sqlstate == "28P01"
    assert ei.value.args[0] == f'password authentication failed for user "{user}"'
    assert scram_server.connects == []


def test_channel_binding_required_is_refused(scram_server):
    with pytest.raises(psycopg.OperationalError, match="channel binding"):
        psycopg.connect(scram_server.dsn(user="alice", password="wonderland") + " channel_binding=require")


def test_verifier_made_by_postgresql(pg):
    with psycopg.connect(pg.dsn(), autocommit=True) as c:
        c.execute("set password_encryption = 'scram-sha-256'")
        c.execute("drop role if exists carol")
        c.execute("create role carol login password 'secret-💡'")
        (verifier,) = c.execute("select rolpassword from pg_authid where rolname = 'carol'").fetchone()
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    st = ServerThread(answer, port=free_port())
    st.server.set_scram_users({"carol": verifier})
    st.start()
    try:
        with psycopg.connect(st.dsn(user="carol", password="secret-💡"), autocommit=True) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(st.dsn(user="carol", password="secret"))
    finally:
        st.stop()


def test_malformed_verifier_is_rejected():
    s = riffq.Server("127.0.0.1:1")
    with pytest.raises(ValueError, match="malformed SCRAM verifier"):
        s.set_scram_users({"x": "SCRAM-SHA-256$nonsense"})

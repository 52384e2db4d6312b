"""Protocol behaviour real clients depend on (reference/protocol-checklist.md): multi-statement
queries, empty queries, transaction status, SET/SHOW/ParameterStatus, the extended protocol,
cancel and disconnect while a handler is pending."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time

import psycopg
import pyarrow as pa
import pytest
from psycopg.pq import TransactionStatus

from support.servers import ServerThread


def reader_of(**cols):
    return pa.Table.from_pydict({k: (v if isinstance(v, list) else [v]) for k, v in cols.items()}).to_reader()


def echo_handler(log=None):
    """Answers `select <int>` with that int, BEGIN/COMMIT/ROLLBACK with their tag, `fail` with
    an error; records (sql, kwargs)."""

    def on_query(sql, callback, **kw):
        if log is not None:
            log.append((sql, kw))
        word = sql.strip().split()[0].lower() if sql.strip() else ""
        if word in ("begin", "commit", "rollback", "start", "end", "abort"):
            callback(word.upper() if word not in ("start", "end", "abort") else
                     {"start": "BEGIN", "end": "COMMIT", "abort": "ROLLBACK"}[word], is_tag=True)
        elif "fail" in sql:
            callback(("ERROR", "22012", "division by zero"), is_error=True)
        else:
            m = re.search(r"select\s+(\d+)", sql, re.I)
            callback(reader_of(v=int(m.group(1)) if m else 0).__arrow_c_stream__())

    return on_query


def psql(st: ServerThread, *args: str) -> subprocess.CompletedProcess:
    cmd = ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(st.port), "-U", "u", "-d", "d", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, PGCONNECT_TIMEOUT="5"))


def test_multi_statement_query_runs_each_and_stops_at_error(serve):
    log = []
    st = serve(echo_handler(log))
    out = psql(st, "-c", "select 1; select 2 ; select 3 as \"a;b\"")
    assert out.stdout.split() == ["1", "2", "3"]
    assert [s for s, _ in log] == ["select 1", "select 2", 'select 3 as "a;b"']
    log.clear()
    out = psql(st, "-c", "select 1; select fail; select 3")
    assert "division by zero" in out.stderr
    assert out.stdout.split() == ["1"]
    assert [s for s, _ in log] == ["select 1", "select fail"]  # the rest is skipped


def test_single_statement_reaches_handler_byte_for_byte(serve):
    log = []
    st = serve(echo_handler(log))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        conn.execute("  SELECT 5 -- trailing comment\n", prepare=False)
    assert log[-1][0] == "  SELECT 5 -- trailing comment\n"


def test_unparseable_sql_reaches_handler(serve):
    log = []
    st = serve(echo_handler(log))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.execute("FROM tbl SELECT 7 QUALIFY x").fetchone() == (7,)
    assert log[-1][0] == "FROM tbl SELECT 7 QUALIFY x"


def test_empty_query(serve):
    st = serve(echo_handler())
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute(";")
        assert cur.pgresult.status == psycopg.pq.ExecStatus.EMPTY_QUERY
    out = psql(st, "-c", ";;")
    assert out.returncode == 0 and out.stderr == ""


def test_transaction_status_tracks_begin_error_rollback(serve):
    log = []
    st = serve(echo_handler(log))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.info.transaction_status == TransactionStatus.IDLE
        conn.execute("begin")
        assert conn.info.transaction_status == TransactionStatus.INTRANS
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("select fail")
        assert conn.info.transaction_status == TransactionStatus.INERROR
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            conn.execute("select 1")
        assert "select 1" not in [s for s, _ in log]  # rejected by the core, not the handler
        conn.execute("rollback")
        assert conn.info.transaction_status == TransactionStatus.IDLE
        conn.execute("begin")
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("select fail")
        cur = conn.execute("commit")
        assert cur.statusmessage == "ROLLBACK"  # COMMIT of an aborted transaction
        assert conn.info.transaction_status == TransactionStatus.IDLE


def test_psycopg_non_autocommit_transactions(serve):
    st = serve(echo_handler())
    with psycopg.connect(st.dsn()) as conn:  # psycopg sends BEGIN itself
        assert conn.execute("select 4").fetchone() == (4,)
        assert conn.info.transaction_status == TransactionStatus.INTRANS
        conn.commit()
        assert conn.info.transaction_status == TransactionStatus.IDLE


def test_set_show_reset_and_parameter_status(serve):
    log = []
    st = serve(echo_handler(log))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.info.parameter_status("DateStyle") == "ISO, MDY"
        conn.execute("set timezone to 'Asia/Tokyo'")
        assert conn.info.parameter_status("TimeZone") == "Asia/Tokyo"
        assert conn.execute("show timezone").fetchone() == ("Asia/Tokyo",)
        assert conn.execute("show time zone").fetchone() == ("Asia/Tokyo",)
        conn.execute("set datestyle = 'german'")
        assert conn.info.parameter_status("DateStyle") == "German, DMY"
        conn.execute("reset all")
        assert conn.info.parameter_status("TimeZone") == "UTC"
        assert conn.execute("show transaction isolation level").fetchone() == ("read committed",)
        conn.execute("set application_name = 'riffq-test'")
        assert conn.info.parameter_status("application_name") == "riffq-test"
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("set extra_float_digits = 9")
        conn.execute("set myapp.flag = 'on'")
        assert conn.execute("show myapp.flag").fetchone() == ("on",)
        cur = conn.execute("show all")
        names = [r[0] for r in cur.fetchall()]
        assert "TimeZone" in names and "server_version" in names
        assert cur.description[0].name == "name"
    assert log == []  # none of this reached the handler


def test_unknown_setting_goes_to_handler(serve):
    log = []
    st = serve(lambda sql, callback, **kw: (log.append(sql), callback("SET", is_tag=True)))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        conn.execute("SET threads = 4")
    assert log == ["SET threads = 4"]


def test_startup_parameters_are_echoed(serve):
    st = serve(echo_handler())
    dsn = st.dsn() + " application_name=myapp options='-c DateStyle=ISO,\\\\ DMY -c extra_float_digits=3'"
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.info.parameter_status("application_name") == "myapp"
        assert conn.info.parameter_status("DateStyle") == "ISO, DMY"
        assert conn.execute("show extra_float_digits").fetchone() == ("3",)
        assert conn.info.parameter_status("session_authorization") == "user"


def test_prepared_statement_describe_is_cached(serve):
    log = []
    st = serve(echo_handler(log))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        for _ in range(4):
            assert conn.execute("select 8 where %s = 1", [1], prepare=True).fetchone() == (8,)
    describes = [kw for s, kw in log if kw.get("do_describe")]
    executes = [kw for s, kw in log if not kw.get("do_describe")]
    assert len(executes) == 4
    assert len(describes) <= 1  # schema cached per statement


def test_extended_protocol_error_skips_to_sync_and_recovers(serve):
    st = serve(echo_handler())
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            with conn.pipeline():
                c1 = conn.execute("select 1 where %s = 1", [1])
                conn.execute("select fail where %s = 1", [1])
                conn.execute("select 3 where %s = 1", [1])
        assert c1.fetchone() == (1,)
        assert conn.execute("select 9 where %s = 1", [1]).fetchone() == (9,)


def test_prepare_of_two_statements_is_rejected(serve):
    st = serve(echo_handler())
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.SyntaxError, match="multiple commands"):
            conn.execute("select 1; select 2", prepare=True)


def test_insert_describe_does_not_run_handler_twice(serve):
    log = []

    def on_query(sql, callback, **kw):
        log.append(kw.get("do_describe"))
        callback("INSERT 0 1", is_tag=True)

    st = serve(on_query)
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        cur = conn.execute("insert into t values (%s)", [1], prepare=True)
        assert cur.rowcount == 1
    assert log == [False]  # no schema-only call for a statement that returns no rows


def test_cancel_a_query_whose_handler_never_answers(serve):
    kept = []
    st = serve(lambda sql, callback, **kw: kept.append(callback))  # never calls back
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        threading.Timer(0.3, conn.cancel).start()
        t0 = time.time()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("select 1")
        assert time.time() - t0 < 10
        kept[0](reader_of(v=1).__arrow_c_stream__())  # a late answer is dropped
        st2 = conn.execute  # the session still works afterwards
    assert kept


def test_disconnect_while_handler_pending_does_not_wedge_server(serve):
    kept = []
    gone = threading.Event()
    st = serve(lambda sql, callback, **kw: kept.append(callback),
               on_disconnect=lambda *a: gone.set())
    conn = psycopg.connect(st.dsn(), autocommit=True)
    t = threading.Thread(target=lambda: pytest.raises(Exception, conn.execute, "select 1"))
    t.start()
    time.sleep(0.3)
    conn.pgconn.finish()  # drop the socket under the running query
    assert gone.wait(5)
    kept[0](reader_of(v=1).__arrow_c_stream__())  # late reply to a closed connection: ignored
    t.join(5)


def test_terminate_closes_and_fires_disconnect(serve):
    gone = []
    st = serve(echo_handler(), on_disconnect=lambda cid, ip, port: gone.append(cid))
    conn = psycopg.connect(st.dsn(), autocommit=True)
    conn.execute("select 1")
    conn.close()
    deadline = time.time() + 5
    while not gone and time.time() < deadline:
        time.sleep(0.02)
    assert len(gone) == 1


def _raw_startup(port: int):
    import socket
    import struct

    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    params = b"user\0u\0database\0d\0\0"
    s.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    data = b""
    while not data.endswith(b"Z\0\0\0\x05I"):
        chunk = s.recv(4096)
        assert chunk, "closed during startup"
        data += chunk
    return s


def _read_all(s) -> bytes:
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_oversized_small_message_is_fatal_and_others_keep_working(serve):
    import struct

    st = serve(echo_handler())
    s = _raw_startup(st.port)
    s.sendall(b"D" + struct.pack("!I", 20004) + b"S" + b"x" * 20002)
    data = _read_all(s)
    s.close()
    assert data[:1] == b"E" and b"FATAL" in data
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.execute("select 5").fetchone() == (5,)


def test_garbage_message_type_is_fatal(serve):
    st = serve(echo_handler())
    s = _raw_startup(st.port)
    s.sendall(b"\x01\x00\x00\x00\x04")
    data = _read_all(s)
    s.close()
    assert b"08P01" in data and b"FATAL" in data


def test_asyncpg_parameters_typed_by_casts(serve):
    import asyncio

    import asyncpg

    seen = []

    def on_query(sql, callback, *, do_describe, connection_id, query_args=None):
        seen.append(query_args)
        if do_describe or query_args is None:
            callback(pa.table({"v": pa.array([0], pa.int64()), "s": ["x"]}).to_reader())
        else:
            n, s = query_args
            callback(pa.table({"v": pa.array([n + 1], pa.int64()), "s": [s.upper()]}).to_reader())

    st = serve(on_query)

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=st.port, user="u", database="d")
        try:
            row = await conn.fetchrow("select $1::int8 + 1 as v, upper($2::text) as s", 41, "abc")
            assert tuple(row) == (42, "ABC")
        finally:
            await conn.close()

    asyncio.run(run())
    assert [41, "abc"] in seen  # asyncpg sent binary int8 and text, decoded by type


def test_session_functions_are_answered_by_the_core(serve):
    log = []
    st = serve(echo_handler(log))
    with psycopg.connect(st.dsn(dbname="sales"), autocommit=True) as conn:
        cur = conn.execute("select version(), current_schema(), current_database(), current_user, "
                           "session_user, pg_backend_pid(), current_setting('server_version_num'), "
                           "current_schemas(true), pg_is_in_recovery()")
        row = cur.fetchone()
        assert row[0].startswith("PostgreSQL 15.8 on ")
        assert row[1:5] == ("public", "sales", "user", "user")
        assert isinstance(row[5], int) and row[5] == conn.info.backend_pid
        assert row[6] == "150008"
        assert row[7] == ["pg_catalog", "public"]
        assert row[8] is False
        assert [d.type_code for d in cur.description] == [25, 19, 19, 19, 19, 23, 25, 1003, 16]
        # The same through the extended protocol, in binary.
        cur = conn.cursor(binary=True)
        cur.execute("select current_setting(%s) as tz, pg_backend_pid()", ["TimeZone"])
        assert cur.fetchone() == ("UTC", conn.info.backend_pid)
        conn.execute("select set_config('application_name', 'via-set-config', false)")
        assert conn.info.parameter_status("application_name") == "via-set-config"
        with pytest.raises(psycopg.errors.UndefinedObject):
            conn.execute("select current_setting('no.such')")
    assert log == []  # the handler never saw any of it


def test_invalid_utf8_query_is_an_error_not_a_crash(serve):
    import struct

    st = serve(echo_handler())
    s = _raw_startup(st.port)
    sql = b"select '\xff\xfe'\x00"
    s.sendall(b"Q" + struct.pack("!I", len(sql) + 4) + sql)
    data = b""
    while not data.endswith(b"Z\x00\x00\x00\x05I"):
        chunk = s.recv(4096)
        assert chunk
        data += chunk
    s.close()
    assert data[:1] == b"E" and b"XX000" in data
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.execute("select 3").fetchone() == (3,)


@pytest.mark.skipif(psycopg.pq.version() < 180000, reason="protocol 3.2 requests need libpq 18")
def test_protocol_3_2_request_is_negotiated_down(serve):
    st = serve(echo_handler())
    with psycopg.connect(st.dsn() + " max_protocol_version=3.2", autocommit=True) as conn:
        assert conn.pgconn.protocol_version == 3
        assert conn.execute("select 7").fetchone() == (7,)

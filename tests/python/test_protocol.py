"""Protocol behaviour real clients depend on (reference/protocol-checklist.md): multi-statement
queries, empty queries, transaction status, SET/SHOW/ParameterStatus, the extended protocol,
cancel and disconnect while a handler is pending."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time

import psycopg
import pyarrow as pa
import pytest
from psycopg.pq import TransactionStatus

from support import wire
from support.servers import ServerThread
from support.wire import WireClient


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
    with WireClient(st.port) as c:
        c.startup()
        c.send(wire.parse("s1", "select 8") + wire.SYNC)
        assert wire.kinds(c.messages_until_ready()) == b"1Z"
        for _ in range(3):  # asyncpg and pgjdbc describe a statement before each use
            c.send(wire.describe(b"S", "s1") + wire.SYNC)
            msgs = c.messages_until_ready()
            assert wire.kinds(msgs) == b"tTZ"
        for _ in range(2):
            c.send(wire.bind("", "s1") + wire.execute() + wire.SYNC)
            msgs = c.messages_until_ready()
            assert wire.kinds(msgs) == b"2DCZ"
    describes = [kw for s, kw in log if kw.get("do_describe")]
    executes = [kw for s, kw in log if not kw.get("do_describe")]
    assert len(describes) == 1  # the schema is asked for once and cached per statement
    assert len(executes) == 2


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


@pytest.mark.timeout(60)  # a cancel that does not work hangs the query
def test_cancel_a_query_whose_handler_never_answers(serve):
    kept = []

    def on_query(sql, callback, **kw):
        if "never" in sql:
            kept.append(callback)  # never calls back
        else:
            echo_handler()(sql, callback, **kw)

    st = serve(on_query)
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        threading.Timer(0.3, conn.cancel).start()
        with pytest.raises(psycopg.errors.QueryCanceled) as ei:
            conn.execute("select 1 never")
        assert ei.value.sqlstate == "57014"
        assert len(kept) == 1
        kept[0](reader_of(v=1).__arrow_c_stream__())  # a late answer is dropped ...
        assert conn.execute("select 2").fetchone() == (2,)  # ... and the session goes on
        assert conn.info.transaction_status == TransactionStatus.IDLE


@pytest.mark.timeout(60)
def test_disconnect_while_handler_pending_does_not_wedge_server(serve):
    kept = []
    gone = threading.Event()

    def on_query(sql, callback, **kw):
        if "never" in sql:
            kept.append(callback)
        else:
            echo_handler()(sql, callback, **kw)

    st = serve(on_query, on_disconnect=lambda *a: gone.set())
    conn = psycopg.connect(st.dsn(), autocommit=True)
    outcome = []

    def run():
        try:
            conn.execute("select 1 never")
            outcome.append("answered")
        except psycopg.Error as exc:
            outcome.append(exc)

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 10
    while not kept and time.monotonic() < deadline:
        time.sleep(0.01)
    assert kept, "the query never reached the handler"
    line = socket.socket(fileno=os.dup(conn.pgconn.socket))
    line.shutdown(socket.SHUT_RDWR)  # the line drops under the running query
    line.close()
    assert gone.wait(10), "the server never saw the disconnect"
    kept[0](reader_of(v=1).__arrow_c_stream__())  # late reply to a closed connection: ignored
    t.join(10)
    assert not t.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], psycopg.OperationalError)
    conn.close()
    with psycopg.connect(st.dsn(), autocommit=True) as other:  # the server still serves
        assert other.execute("select 4").fetchone() == (4,)


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


def test_oversized_small_message_is_fatal_54000_and_others_keep_working(serve):
    import struct

    st = serve(echo_handler())
    with WireClient(st.port) as c:
        c.startup()
        c.send(b"D" + struct.pack("!I", 20004) + b"S" + b"x" * 20002)
        msgs = c.messages_until_close()
    errs = wire.errors(msgs)
    assert len(errs) == 1 and errs[0]["S"] == "FATAL" and errs[0]["C"] == "54000"
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.execute("select 5").fetchone() == (5,)


def test_garbage_message_type_is_fatal(serve):
    st = serve(echo_handler())
    with WireClient(st.port) as c:
        c.startup()
        c.send(b"\x01\x00\x00\x00\x04")
        msgs = c.messages_until_close()
    errs = wire.errors(msgs)
    assert len(errs) == 1 and errs[0]["S"] == "FATAL" and errs[0]["C"] == "08P01"


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
    st = serve(echo_handler())
    with WireClient(st.port) as c:
        c.startup()
        c.send(wire.query(b"select '\xff\xfe'"))
        msgs = c.messages_until_ready()
    assert wire.kinds(msgs) == b"EZ"
    err = wire.errors(msgs)[0]
    assert err["S"] == "ERROR" and err["C"] == "22021"  # as PostgreSQL: invalid byte sequence
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        assert conn.execute("select 3").fetchone() == (3,)


def test_protocol_3_2_request_is_negotiated_down(serve):
    import struct

    st = serve(echo_handler())
    with WireClient(st.port) as c:  # what libpq 18 sends with max_protocol_version=3.2
        msgs = c.startup(version=wire.PROTOCOL_3_2, **{"_pq_.compression": "on"})
        c.send(wire.query("select 7"))
        answer = c.messages_until_ready()
    assert wire.kinds(msgs)[:2] == b"vR"  # NegotiateProtocolVersion before authentication
    body = msgs[0][1]
    assert struct.unpack("!II", body[:8]) == (wire.PROTOCOL_3_0, 1)  # 3.0, one option refused
    assert body[8:] == b"_pq_.compression\0"
    assert wire.kinds(answer) == b"TDCZ"
    with WireClient(st.port) as c:  # a 3.0 request is answered without it
        assert b"v" not in wire.kinds(c.startup())


def test_transaction_statements_answered_with_rows_get_their_own_tag() -> None:
    """DuckDB answers BEGIN with a result (a 'Success' column, no rows); PostgreSQL sends only
    the BEGIN tag, and psycopg2 refuses anything else ('error with status PGRES_TUPLES_OK')."""
    import psycopg2
    import pyarrow as pa

    from support.pg_cluster import free_port
    from support.servers import ServerThread

    def handler(sql: str, callback, **kwargs) -> None:
        if sql.strip().lower() in ("begin", "commit", "rollback", "set x = 1"):
            callback(pa.table({"Success": pa.array([], pa.bool_())}))
        else:
            callback(pa.table({"a": [1]}))

    srv = ServerThread(handler, free_port())
    srv.start()
    try:
        conn = psycopg2.connect(srv.dsn())
        cur = conn.cursor()
        cur.execute("select 1")  # psycopg2 sends BEGIN first
        assert cur.fetchall() == [(1,)]
        assert cur.statusmessage == "SELECT 1"
        conn.commit()
        cur.execute("BEGIN")
        assert cur.statusmessage == "BEGIN"
        conn.rollback()
        conn.close()
    finally:
        srv.stop()

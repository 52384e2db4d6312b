"""statement_timeout (SET or startup option): a statement that runs longer ends with 57014
"canceling statement due to statement timeout", whether the handler has not answered yet or its
rows are still streaming; the session goes on. Values are read and shown as PostgreSQL does."""

from __future__ import annotations

import threading
import time

import psycopg
import pyarrow as pa
import pytest

SCHEMA = pa.schema([("n", pa.int64())])


def handler(release: threading.Event):
    def slow_batches():
        for i in range(1000):
            yield pa.record_batch([pa.array([i])], schema=SCHEMA)
            release.wait(0.05)  # a producer that takes ~50 s in all

    kept = []

    def on_query(sql, callback, **kw):
        if "never" in sql:
            kept.append(callback)  # keeps the callback: no answer until the timeout
            return
        if "slow" in sql:
            callback(pa.RecordBatchReader.from_batches(SCHEMA, slow_batches()))
        else:
            callback(pa.table({"n": pa.array([1], pa.int64())}).to_reader())

    return on_query


@pytest.mark.timeout(60)
@pytest.mark.parametrize("query", ["select never", "select slow"])
def test_statement_timeout_is_57014_and_the_session_goes_on(serve, query):
    release = threading.Event()
    st = serve(handler(release))
    try:
        with psycopg.connect(st.dsn(), autocommit=True) as conn:
            conn.execute("set statement_timeout = '300ms'")
            with pytest.raises(psycopg.errors.QueryCanceled) as ei:
                conn.execute(query).fetchall()
            assert ei.value.sqlstate == "57014"
            assert ei.value.diag.message_primary == "canceling statement due to statement timeout"
            assert conn.execute("select 1").fetchone() == (1,)
            conn.execute("set statement_timeout = 0")  # off again: a slow statement completes
            release.set()
            assert len(conn.execute("select slow").fetchall()) == 1000
    finally:
        release.set()


@pytest.mark.timeout(60)
def test_statement_timeout_as_a_startup_option(serve):
    st = serve(handler(threading.Event()))
    with psycopg.connect(st.dsn() + " options='-c statement_timeout=200'", autocommit=True) as conn:
        assert conn.execute("show statement_timeout").fetchone() == ("200ms",)
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            conn.execute("select never")


@pytest.mark.parametrize("value", ["1000", "1500ms", "90s", "2min", "0", "1h", "1.5s", "2500us"])
def test_time_settings_show_as_postgresql(pg, serve, value):
    st = serve(handler(threading.Event()))
    shown = []
    for dsn in (pg.dsn(), st.dsn()):
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"set statement_timeout = '{value}'")
            shown.append(conn.execute("show statement_timeout").fetchone()[0])
    assert shown[1] == shown[0]


def test_invalid_time_setting_is_22023(serve):
    st = serve(handler(threading.Event()))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue) as ei:
            conn.execute("set statement_timeout = '5 parsecs'")
        assert ei.value.sqlstate == "22023"
        assert "Valid units" in (ei.value.diag.message_hint or "")

"""A handler can send NoticeResponse messages (progress, warnings) before its result: psql
prints them, psycopg hands them to its notice handlers, and a notice after the answer or with
an error severity is refused."""

from __future__ import annotations

import os
import subprocess

import psycopg
import pyarrow as pa
import pytest


def handler(sql, callback, **kw):
    callback.notice("step 1 of 2")
    callback.notice("careful", severity="WARNING", sqlstate="01000", detail="some detail",
                    hint="a hint")
    if "bad" in sql:
        with pytest.raises(ValueError, match="severity"):
            callback.notice("no", severity="ERROR")
    callback(pa.table({"x": [1]}).to_reader())
    callback.notice("too late")  # ignored: the statement is answered


def test_psql_prints_notices_before_the_result(serve):
    st = serve(handler)
    out = subprocess.run(["psql", "-X", "-At", "-d", st.dsn(), "-c", "select 1"],
                         capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
    assert out.stderr.splitlines() == ["NOTICE:  step 1 of 2", "WARNING:  careful",
                                       "DETAIL:  some detail", "HINT:  a hint"]


@pytest.mark.parametrize("prepare", [False, True], ids=["simple", "extended"])
def test_psycopg_notice_handlers_get_them(serve, prepare):
    st = serve(handler)
    seen = []
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        conn.add_notice_handler(lambda d: seen.append((d.severity_nonlocalized, d.sqlstate,
                                                       d.message_primary)))
        assert conn.execute("select bad", prepare=prepare).fetchone() == (1,)
        assert conn.execute("select 1").fetchone() == (1,)
    assert seen[:2] == [("NOTICE", "00000", "step 1 of 2"), ("WARNING", "01000", "careful")]
    assert len(seen) == 4 and ("NOTICE", "00000", "too late") not in seen

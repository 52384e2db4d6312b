"""pgjdbc (Debian's libpostgresql-jdbc-java) against a riffq server."""

from __future__ import annotations

import os
import subprocess

import pyarrow as pa
import pytest

JAR = "/usr/share/java/postgresql.jar"
SRC = os.path.join(os.path.dirname(__file__), "java", "JdbcSmoke.java")



def handler(sql, callback, **kwargs):
    word = sql.strip().split()[0].lower()
    if word in ("begin", "commit", "rollback"):
        callback(word.upper(), is_tag=True)
    elif "fail" in sql:
        callback(("ERROR", "42P01", "no such thing"), is_error=True)
    elif "status" in sql:
        callback(pa.table({"status": ["ok"]}).to_reader())
    else:
        callback(pa.table({"?column?": pa.array([1], pa.int32())}).to_reader())


def test_jdbc_smoke(serve, tmp_path):
    subprocess.run(["javac", "-d", str(tmp_path), "-cp", JAR, SRC], check=True, capture_output=True)
    st = serve(handler)
    out = subprocess.run(["java", "-cp", f"{JAR}:{tmp_path}", "JdbcSmoke", str(st.port)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == "simple 1"
    assert [l for l in lines if l.startswith("prepared")] == [f"prepared {i} ok text" for i in range(7)]
    assert "committed" in lines
    assert "error 42P01" in lines
    assert "rolled back" in lines

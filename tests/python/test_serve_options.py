"""``riffq serve``'s options and its answers to bad input: one line on stderr, a non-zero
exit status and no traceback for a missing path, a busy port or a certificate that does not
load; a file DuckDB cannot read is named and the others are served; users with passwords
(SCRAM), TLS and read-only mode."""
from __future__ import annotations

import socket
import subprocess

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from support.pg_cluster import free_port
from support.serve_process import ServeProcess, psql, run_cli


@pytest.fixture
def good(tmp_path):
    pq.write_table(pa.table({"n": [1, 2, 3]}), tmp_path / "good.parquet")
    return tmp_path


def _one_clean_line(r: subprocess.CompletedProcess) -> str:
    lines = r.stderr.strip().splitlines()
    assert "Traceback" not in r.stderr
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("riffq: error: ")
    return lines[0]


def test_missing_path_is_one_line_and_exit_2(tmp_path) -> None:
    r = run_cli("serve", str(tmp_path / "nope.parquet"), "--port", str(free_port()))
    assert r.returncode == 2
    assert "nope.parquet: no such file or directory" in _one_clean_line(r)


def test_glob_matching_nothing(tmp_path) -> None:
    r = run_cli("serve", str(tmp_path / "*.parquet"), "--port", str(free_port()))
    assert r.returncode == 2
    assert "no file matches" in _one_clean_line(r)


def test_unreadable_file_is_named_and_the_others_served(good) -> None:
    (good / "broken.parquet").write_bytes(b"PAR1 this is not parquet at all PAR1")
    (good / "broken.csv").write_bytes(b"\x00\x01")
    with ServeProcess(free_port(), str(good / "good.parquet"), str(good / "broken.parquet")) as p:
        err = p.wait_for_output("serving 1 table")
        assert "riffq: skipping " in err and "broken.parquet" in err
        assert "Traceback" not in err
        out = psql(p.port, "SELECT sum(n) FROM good")
        assert " 6\n" in out.stdout, out.stderr


def test_only_unreadable_files_is_an_error(tmp_path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    r = run_cli("serve", str(tmp_path / "broken.parquet"), "--port", str(free_port()))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "broken.parquet" in r.stderr and "nothing to serve" in r.stderr


def test_busy_port_is_one_line_and_exit_1(good) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run_cli("serve", str(good / "good.parquet"), "--port", str(port))
    assert r.returncode == 1
    assert "Address already in use" in r.stderr.strip().splitlines()[-1]
    assert "Traceback" not in r.stderr


def test_bad_certificate_is_one_line_and_exit_1(good) -> None:
    (good / "bad.crt").write_text("not a certificate")
    (good / "bad.key").write_text("not a key")
    r = run_cli("serve", str(good / "good.parquet"), "--port", str(free_port()),
                "--tls-cert", str(good / "bad.crt"), "--tls-key", str(good / "bad.key"))
    assert r.returncode == 1
    assert "could not load TLS certificate" in _one_clean_line(r)


def test_missing_certificate_file(good) -> None:
    r = run_cli("serve", str(good / "good.parquet"), "--port", str(free_port()),
                "--tls-cert", str(good / "none.crt"), "--tls-key", str(good / "none.key"))
    assert r.returncode == 1
    assert "none.crt: no such file" in _one_clean_line(r)


def test_bad_option_value() -> None:
    r = run_cli("serve", "--user", "nopassword")
    assert r.returncode == 2
    assert "expected NAME:PASSWORD" in r.stderr and "Traceback" not in r.stderr


def test_tls_and_scram_users(good) -> None:
    key, crt = good / "server.key", good / "server.crt"
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-x509",
                    "-days", "1", "-out", str(crt), "-subj", "/CN=localhost"], check=True,
                   capture_output=True)
    with ServeProcess(free_port(), str(good / "good.parquet"), "--tls-cert", str(crt), "--tls-key",
                      str(key), "--user", "alice:wonderland") as p:
        dsn = f"host=127.0.0.1 port={p.port} dbname=alice user=alice sslmode=require"
        with psycopg.connect(dsn + " password=wonderland", autocommit=True) as c:
            assert c.info.pgconn.ssl_in_use
            assert c.execute("SELECT count(*) FROM good").fetchone() == (3,)
        with pytest.raises(psycopg.OperationalError, match="authentication failed|Authentication failed"):
            psycopg.connect(dsn + " password=wrong")
        assert psql(p.port, "SELECT 1", user="alice").returncode != 0  # no password given


def test_read_only_refuses_writes(good, tmp_path) -> None:
    import duckdb

    db = tmp_path / "rw.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t (i INTEGER)")
    con.close()
    with ServeProcess(free_port(), str(db), str(good / "good.parquet"), "--read-only") as p:
        with psycopg.connect(f"host=127.0.0.1 port={p.port} dbname=riffq user=x", autocommit=True) as c:
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                c.execute("INSERT INTO t VALUES (1)")
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                c.execute("CREATE TABLE x (i INTEGER)")
            assert c.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_writable_without_read_only(tmp_path) -> None:
    import duckdb

    db = tmp_path / "rw.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t (i INTEGER)")
    con.close()
    with ServeProcess(free_port(), str(db)) as p:
        with psycopg.connect(f"host=127.0.0.1 port={p.port} dbname=riffq user=x", autocommit=True) as c:
            assert c.execute("INSERT INTO t VALUES (1), (2)").rowcount == 2
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM t").fetchone() == (2,)
    con.close()


def test_name_conflict_is_reported(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pq.write_table(pa.table({"n": [1]}), tmp_path / "a" / "t.parquet")
    pq.write_table(pa.table({"n": [2]}), tmp_path / "b" / "t.parquet")
    with ServeProcess(free_port(), str(tmp_path / "a" / "t.parquet"), str(tmp_path / "b" / "t.parquet"),
                      "u=" + str(tmp_path / "b" / "t.parquet")) as p:
        err = p.wait_for_output("serving 2 tables")
        assert "table public.t is already served" in err
        out = psql(p.port, "SELECT n FROM t", "SELECT n FROM u")
        assert out.stdout.split().count("1") == 1 and out.stdout.split().count("2") == 1

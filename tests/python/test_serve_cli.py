"""``riffq serve``, run as a user runs it (a separate process, psql and JDBC as clients):
Parquet / CSV / JSON / Arrow files, folders and globs, and a DuckDB database file, each file a
table, the catalog filled automatically — compared with a real PostgreSQL 15 holding the same
tables."""
from __future__ import annotations

import os
import re
import subprocess
import urllib.request
import uuid
from typing import Iterator

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from support.pg_cluster import PgCluster, free_port
from support.serve_process import ServeProcess, psql, run_cli

SHOP_DDL = [
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name {text} NOT NULL)",
    "CREATE TABLE trades (id BIGINT PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES "
    "customers (id), price NUMERIC(12,2) NOT NULL, qty INTEGER, tags {text}[], "
    "at_time TIMESTAMP WITH TIME ZONE, note {text} DEFAULT 'none')",
    "COMMENT ON TABLE trades IS 'every trade'",
    "COMMENT ON COLUMN trades.price IS 'unit price'",
]


# A Parquet file with UUID and JSON logical types, and the same rows in PostgreSQL.
IDS = [("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", '{"k": [1, null], "s": "x"}')]


def make_shop(path: str) -> None:
    con = duckdb.connect(path)
    for stmt in SHOP_DDL:
        con.execute(stmt.format(text="VARCHAR"))
    con.execute("INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob')")
    con.execute("INSERT INTO trades VALUES (1, 1, 9.50, 3, ['a', 'b'], TIMESTAMPTZ '2024-05-01 10:00:00+00', 'x'), "
                "(2, 2, 100.25, 1, NULL, NULL, DEFAULT)")
    con.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("serve")
    folder = root / "some" / "folder"
    (folder / "archive").mkdir(parents=True)
    schema = pa.schema([pa.field("sku", pa.int64(), nullable=False), pa.field("label", pa.string()),
                        pa.field("amount", pa.decimal128(10, 3)),
                        pa.field("seen", pa.timestamp("us", tz="UTC"))])
    pq.write_table(pa.table({"sku": [1, 2], "label": ["x", None], "amount": [None, None],
                             "seen": [None, None]}, schema=schema), folder / "products.parquet")
    pq.write_table(pa.table({"day": pa.array([19000], pa.date32()), "n": [3]}), folder / "daily.parquet")
    pq.write_table(pa.table({"old": [1]}), folder / "archive" / "y2020.parquet")
    pq.write_table(pa.table({"id": pa.array([uuid.UUID(IDS[0][0]).bytes, None], pa.uuid()),
                             "doc": pa.array([IDS[0][1], None], pa.json_())}), folder / "ids.parquet")
    (folder / "people.csv").write_text("id,name\n1,Ann\n2,Bob\n")
    (folder / "events.jsonl").write_text('{"kind": "a", "n": 1}\n{"kind": "b", "n": 2}\n')
    feather.write_feather(pa.table({"z": [7, 8, 9]}), str(folder / "ticks.arrow"))
    make_shop(str(root / "shop.duckdb"))
    return str(root)


@pytest.fixture(scope="module")
def served(data_dir) -> Iterator[ServeProcess]:
    with ServeProcess(free_port(), "some/folder/*.parquet", "some/folder/people.csv",
                      "some/folder/events.jsonl", "some/folder/ticks.arrow", "shop.duckdb",
                      cwd=data_dir) as p:
        yield p


@pytest.fixture(scope="module")
def pg_shop(pg: PgCluster) -> PgCluster:
    pg.psql("CREATE DATABASE shop")
    for stmt in SHOP_DDL:
        pg.psql(stmt.format(text="text"), "shop")
    return pg


def _lines(out: str) -> list[str]:
    return [line.rstrip() for line in out.strip().splitlines()]


def test_dt_lists_every_table(served) -> None:
    r = psql(served.port, r"\dt")
    assert r.returncode == 0, r.stderr
    names = sorted(line.split("|")[1].strip() for line in r.stdout.splitlines()
                   if line.startswith(" public"))
    assert names == ["customers", "daily", "events", "ids", "people", "products", "ticks", "trades"]


def test_d_trades_matches_postgres(served, pg_shop) -> None:
    ours = psql(served.port, r"\d trades")
    assert ours.returncode == 0, ours.stderr
    theirs = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(pg_shop.port), "-U", "postgres",
                             "-d", "shop", "-c", r"\d trades"], capture_output=True, text=True, timeout=30)
    assert theirs.returncode == 0, theirs.stderr
    assert _lines(ours.stdout) == _lines(theirs.stdout)
    assert "numeric(12,2)" in ours.stdout and "not null" in ours.stdout
    assert '"trades_pkey" PRIMARY KEY, btree (id)' in ours.stdout
    assert "REFERENCES customers(id)" in ours.stdout


def test_d_plus_shows_comments(served) -> None:
    out = psql(served.port, r"\d+ trades", r"\dt+ products").stdout
    assert "unit price" in out
    assert "parquet data from products.parquet" in out


def test_parquet_required_columns_are_not_null(served) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={served.port} dbname=riffq user=x", autocommit=True) as c:
        rows = c.execute("SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
                         "WHERE attrelid = 'public.products'::regclass AND attnum > 0 ORDER BY attnum").fetchall()
    assert rows == [("sku", "bigint", True), ("label", "text", False), ("amount", "numeric(10,3)", False),
                    ("seen", "timestamp with time zone", False)]


def test_data_from_every_kind_of_file(served) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={served.port} dbname=riffq user=x", autocommit=True) as c:
        assert c.execute("SELECT sum(z) FROM ticks").fetchone() == (24,)
        assert c.execute("SELECT name FROM people ORDER BY id").fetchall() == [("Ann",), ("Bob",)]
        assert c.execute("SELECT kind FROM events WHERE n = 2").fetchall() == [("b",)]
        assert c.execute("SELECT count(*) FROM public.products").fetchone() == (2,)
        assert c.execute("SELECT t.price, c.name FROM trades t JOIN customers c ON c.id = t.customer_id "
                         "ORDER BY t.id").fetchall()[0][1] == "Ann"
        assert c.execute("SELECT count(*) FROM public.trades").fetchone() == (2,)


def test_writes_reach_the_duckdb_file(served) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={served.port} dbname=riffq user=x") as c:
        c.execute("INSERT INTO customers VALUES (3, 'Cy')")
        assert c.execute("SELECT count(*) FROM customers").fetchone() == (3,)
        c.rollback()
        assert c.execute("SELECT count(*) FROM customers").fetchone() == (2,)


def test_parquet_uuid_and_json_are_uuid_and_json(served, pg_shop) -> None:
    pg_shop.psql("CREATE TABLE ids (id uuid, doc json)", "shop")
    pg_shop.psql("INSERT INTO ids VALUES ('%s', '%s'), (NULL, NULL)" % IDS[0], "shop")
    sql = "SELECT id, doc, id::text AS t FROM ids ORDER BY id"
    ours = psql(served.port, sql, r"\d ids")
    assert ours.returncode == 0, ours.stderr
    theirs = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(pg_shop.port), "-U", "postgres",
                             "-d", "shop", "-c", sql, "-c", r"\d ids"], capture_output=True, text=True,
                            timeout=30)
    assert _lines(ours.stdout) == _lines(theirs.stdout)
    with psycopg.connect(f"host=127.0.0.1 port={served.port} dbname=riffq user=x", autocommit=True) as c:
        cur = c.execute("SELECT id, doc FROM ids WHERE id IS NOT NULL")
        assert [d.type_code for d in cur.description] == [2950, 114]
        assert cur.fetchall() == [(uuid.UUID(IDS[0][0]), {"k": [1, None], "s": "x"})]


def test_missing_table_is_42P01(served) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={served.port} dbname=riffq user=x", autocommit=True) as c:
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("SELECT * FROM no_such_table")


def test_jdbc_get_columns_returns_the_same_types(served, pg_shop, tmp_path) -> None:
    jar = "/usr/share/java/postgresql.jar"
    src = os.path.join(os.path.dirname(__file__), "java", "JdbcColumns.java")
    subprocess.run(["javac", "-d", str(tmp_path), "-cp", jar, src], check=True, capture_output=True)

    def columns(port: int, db: str) -> list[str]:
        r = subprocess.run(["java", "-cp", f"{jar}:{tmp_path}", "JdbcColumns", str(port), db, "postgres",
                            "public", "trades"], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()

    ours, theirs = columns(served.port, "riffq"), columns(pg_shop.port, "shop")
    assert len(ours) == 7
    assert ours == theirs


def test_folder_subfolders_become_schemas(data_dir) -> None:
    with ServeProcess(free_port(), "some/folder", cwd=data_dir) as p:
        out = psql(p.port, r"\dn", "SELECT old FROM archive.y2020", r"\dt archive.*")
        assert out.returncode == 0, out.stderr
        assert "archive" in out.stdout and " 1\n" in out.stdout and "y2020" in out.stdout


def test_named_glob_is_one_table(data_dir) -> None:
    with ServeProcess(free_port(), "all_parquet=some/folder/**/*.parquet", cwd=data_dir) as p:
        out = psql(p.port, r"\dt", "SELECT count(*) AS n FROM all_parquet")
        assert out.returncode == 0, out.stderr
        assert "all_parquet" in out.stdout
        assert "\n 6\n" in out.stdout  # products 2 + daily 1 + ids 2 + archive/y2020 1, by name


def test_no_path_serves_the_sample() -> None:
    with ServeProcess(free_port()) as p:
        out = psql(p.port, "SELECT count(*) FROM trips", r"\d trips")
        assert out.returncode == 0, out.stderr
        assert "100000" in out.stdout
        assert "REFERENCES cities(city)" in out.stdout


def test_python_m_and_console_script_help() -> None:
    r = run_cli("serve", "--help")
    assert r.returncode == 0
    for option in ("--host", "--port", "--tls-cert", "--tls-key", "--user", "--read-only",
                   "--workers", "--metrics-port", "--slow-query-ms", "NAME=PATH"):
        assert option in r.stdout


def test_console_script_is_installed() -> None:
    import sysconfig

    script = os.path.join(sysconfig.get_path("scripts"), "riffq")
    r = subprocess.run([script, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "usage: riffq serve" in r.stdout


def test_progress_is_shown_for_many_files(tmp_path) -> None:
    for i in range(12):
        pq.write_table(pa.table({"i": [i]}), tmp_path / f"part{i:02}.parquet")
    with ServeProcess(free_port(), str(tmp_path)) as p:
        err = p.wait_for_output("serving 12 tables")
        assert "scanning files 12/12" in err
        assert "scanned 12 files" in err


def test_one_line_per_connection_at_info(served) -> None:
    psql(served.port, "SELECT 1")
    err = served.wait_for_output("closed: 1 statement, 0 errors")
    assert "connection" in err and "from 127.0.0.1:" in err


def test_metrics_endpoint(data_dir) -> None:
    mport = free_port()
    with ServeProcess(free_port(), "some/folder/people.csv", "--metrics-port", str(mport), cwd=data_dir) as p:
        psql(p.port, "SELECT 1", "SELECT * FROM nope")
        text = urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=10).read().decode()
    assert "# TYPE riffq_queries_total counter" in text
    values = {line.split()[0]: line.split()[1] for line in text.splitlines()
              if line and not line.startswith("#")}
    assert int(values["riffq_queries_total"]) >= 2
    assert int(values["riffq_errors_total"]) >= 1
    assert 'riffq_connections{state="idle"}' in values
    assert 'riffq_statement_latency_ms{quantile="0.99"}' in values


def test_slow_query_log(data_dir) -> None:
    with ServeProcess(free_port(), "some/folder/people.csv", "--slow-query-ms", "0", cwd=data_dir) as p:
        psql(p.port, "SELECT 42 AS answer")
        err = p.wait_for_output("slow statement")
        assert "SELECT 42 AS answer" in err


def test_readme_demo_command() -> None:
    # scripts/demo.sh runs `python3 -m riffq serve --user user:secret`; README's query on it.
    with ServeProcess(free_port(), "--user", "user:secret") as p:
        out = psql(p.port, r"\d trips", "select city, count(*), avg(distance_km) from trips group by city "
                   "order by city", user="user", password="secret")
        assert out.returncode == 0, out.stderr
        assert re.search(r"Berlin\s*\|\s*20000\s*\|", out.stdout)
        assert "numeric(10,2)" in out.stdout and '"trips_pkey" PRIMARY KEY' in out.stdout
        assert psql(p.port, "select 1", user="user", password="wrong").returncode != 0

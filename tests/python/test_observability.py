"""Observability: the ``riffq`` logger (one line per connection at INFO, slow statements at
WARNING), the Prometheus text endpoint of ``RiffqServer.start(metrics_port=…)`` and the
per-state connection counts."""
from __future__ import annotations

import logging
import threading
import urllib.request

import psycopg
import pyarrow as pa
import pytest

import riffq
from riffq.metrics import prometheus_text
from support.pg_cluster import free_port

RELEASE = threading.Event()
STARTED = threading.Event()


class Conn(riffq.BaseConnection):
    def handle_auth(self, user, password, host, database=None, callback=callable):
        callback(True)

    def handle_query(self, sql, callback=callable, **kwargs):
        if "wait" in sql:
            def later():
                STARTED.set()
                RELEASE.wait(30)
                callback(pa.table({"w": [1]}))
            threading.Thread(target=later, daemon=True).start()
            return
        if "fail" in sql:
            callback(("ERROR", "42P01", "no table"), is_error=True)
            return
        callback(pa.table({"x": [1]}))


@pytest.fixture
def server():
    mport = free_port()
    srv = riffq.RiffqServer(f"127.0.0.1:{free_port()}", connection_cls=Conn)
    srv.start_in_background(metrics_port=mport, slow_query_ms=0)
    yield srv, mport
    RELEASE.set()
    srv.stop()


def _metrics(port: int) -> dict:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line and not line.startswith("#")}


def _dsn(srv) -> str:
    return f"host=127.0.0.1 port={srv.port} dbname=db user=u password=p"


def test_connection_line_and_slow_statements(server, caplog) -> None:
    srv, _ = server
    caplog.set_level(logging.INFO, logger="riffq")
    with psycopg.connect(_dsn(srv), autocommit=True) as c:
        c.execute("select 1").fetchall()
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("select fail")
    srv.stop()  # the disconnect has been handled once the server stopped
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO and "closed:" in r.getMessage()]
    assert len(infos) == 1
    assert "2 statements, 1 error" in infos[0] and "from 127.0.0.1:" in infos[0]
    slow = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("slow statement" in m and "select 1" in m for m in slow)


def test_metrics_endpoint_and_states(server) -> None:
    srv, mport = server
    RELEASE.clear()
    STARTED.clear()
    with psycopg.connect(_dsn(srv), autocommit=True) as c, psycopg.connect(_dsn(srv), autocommit=True) as d:
        d.execute("select 1").fetchall()
        t = threading.Thread(target=lambda: c.execute("select wait").fetchall())
        t.start()
        assert STARTED.wait(10)
        m = _metrics(mport)
        assert m['riffq_connections{state="active"}'] == 1
        assert m['riffq_connections{state="idle"}'] == 1
        assert srv.stats()["connections_by_state"] == {"active": 1, "idle": 1}
        RELEASE.set()
        t.join(10)
        m = _metrics(mport)
        assert m['riffq_connections{state="active"}'] == 0
        assert m["riffq_queries_total"] >= 2
        assert m["riffq_connections_active"] == 2
        assert m["riffq_slow_statements_total"] >= 2


def test_prometheus_text_format() -> None:
    text = prometheus_text({"connections_total": 3, "queries": 10, "latency_p50_ms": 0.5,
                            "latency_p95_ms": 1.25, "latency_p99_ms": 2.0, "custom": 1.5},
                           {"active": 1, "idle": 2}, 4)
    assert "# TYPE riffq_connections_total counter\nriffq_connections_total 3\n" in text
    assert 'riffq_statement_latency_ms{quantile="0.95"} 1.25' in text
    assert 'riffq_connections{state="idle"} 2' in text
    assert "riffq_custom 1.5" in text
    assert "riffq_slow_statements_total 4" in text
    assert text.endswith("\n")

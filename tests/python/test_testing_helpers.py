"""riffq.testing and riffq.helpers as documented in the seeds' API reference."""

from __future__ import annotations

import multiprocessing
import time

import psycopg
import pyarrow as pa
import pytest

import riffq
from riffq import helpers, testing
from support.pg_cluster import free_port
from support.servers import wait_port


def _serve(port: int) -> None:
    def on_query(sql, callback, **kw):
        callback(helpers.to_arrow([{"name": "n", "type": "int"}, {"name": "s", "type": "str"}],
                                  [[1, "x"]]))

    s = riffq.Server(f"127.0.0.1:{port}")
    s.on_query(on_query)
    s.start()


def test_wait_for_catalog_and_stop_server():
    port = free_port()
    proc = multiprocessing.get_context("spawn").Process(target=_serve, args=(port,))
    proc.start()
    try:
        waited = testing.wait_for_catalog(port, "db", "select n from t", 1, attempts=100)
        assert waited >= 0
        with pytest.raises(RuntimeError, match="never returned"):
            testing.wait_for_catalog(port, "db", "select n from t", 2, attempts=3)
    finally:
        testing.stop_server(proc, grace=5)
    assert not proc.is_alive()
    assert proc.exitcode == 0  # SIGTERM is handled inside start(): a clean exit


def test_to_arrow_types_and_unknown_name():
    cap = helpers.to_arrow(
        [{"name": c, "type": t} for c, t in [("i", "int"), ("f", "float"), ("b", "bool"),
                                             ("s", "string"), ("d", "date"), ("t", "datetime")]],
        [[1, 1.5, True, "a", None, None]])
    class Holder:  # pyarrow imports PyCapsule streams through an object that exposes one
        def __arrow_c_stream__(self, requested_schema=None):
            return cap

    table = pa.RecordBatchReader.from_stream(Holder()).read_all()
    assert [str(t) for t in table.schema.types] == ["int64", "double", "bool", "string",
                                                     "date32[day]", "timestamp[us]"]
    with pytest.raises(KeyError):
        helpers.to_arrow([{"name": "x", "type": "uuid"}], [[1]])


def test_to_arrow_result_served(serve):
    st = serve(lambda sql, callback, **kw: callback(
        helpers.to_arrow([{"name": "n", "type": "int"}], [[41], [None]])))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        cur = conn.execute("select n")
        assert cur.fetchall() == [(41,), (None,)]
        assert cur.description[0].type_code == 20  # int → int64 → int8

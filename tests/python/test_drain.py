"""Graceful drain: stop() / SIGTERM stops accepting, lets running statements finish within
shutdown_grace, sends 57P01 to idle sessions, ends statements still running at the end of the
grace with 57P01 between two whole messages, then runs the shutdown callback."""

from __future__ import annotations

import threading
import time

import pyarrow as pa
import pytest

from support import wire
from support.pg_cluster import free_port
from support.servers import ServerThread
from support.wire import WireClient

SCHEMA = pa.schema([("n", pa.int64()), ("pad", pa.utf8())])


def handler(sql, callback, **kw):
    if "endless" in sql:
        def batches():
            for i in range(100_000):
                yield pa.record_batch([pa.array([i] * 100), pa.array(["x" * 50] * 100)], schema=SCHEMA)
                time.sleep(0.01)
        callback(pa.RecordBatchReader.from_batches(SCHEMA, batches()))
    elif "slow" in sql:
        threading.Timer(0.5, lambda: callback(pa.table({"n": [7], "pad": ["done"]}).to_reader())).start()
    else:
        callback(pa.table({"n": [1], "pad": ["x"]}).to_reader())


@pytest.mark.timeout(60)
def test_stop_drains_running_statements_and_ends_the_rest_cleanly():
    finished = threading.Event()
    st = ServerThread(handler, port=free_port(), on_shutdown=finished.set, shutdown_grace=1.5)
    st.start()
    idle, slow, endless = (WireClient(st.port, timeout=30) for _ in range(3))
    for c in (idle, slow, endless):
        c.startup()
    slow.send(wire.query("select slow"))      # finishes within the grace period
    endless.send(wire.query("select endless"))  # does not
    assert endless.read_message()[0] == b"T"  # streaming has begun
    stopper = threading.Thread(target=st.stop)
    stopper.start()
    # The idle session is told at once; the slow statement still gets its answer.
    idle_errs = wire.errors(idle.messages_until_close())
    assert [(e["S"], e["C"]) for e in idle_errs] == [("FATAL", "57P01")]
    slow_msgs = slow.messages_until_close()
    assert wire.kinds(slow_msgs) == b"TDCZE"
    assert wire.errors(slow_msgs)[0]["C"] == "57P01"
    # The endless stream is cut between messages: DataRows, then FATAL 57P01, then the close.
    rest = endless.messages_until_close()
    assert endless._buf == b"", "a message was cut in half"
    assert set(wire.kinds(rest)[:-1]) == {ord("D")} and rest[-1][0] == b"E"
    assert wire.error_fields(rest[-1][1])["C"] == "57P01"
    stopper.join(30)
    assert finished.is_set()  # the shutdown callback ran after the drain
    for c in (idle, slow, endless):
        c.close()


def test_shutdown_grace_must_not_be_negative():
    import riffq

    s = riffq.Server(f"127.0.0.1:{free_port()}")
    s.on_query(handler)
    with pytest.raises(ValueError, match="shutdown_grace"):
        s.start(shutdown_grace=-1)

"""Busy polling (``start(busy_poll_us=…)``): I/O and query threads poll for more work for a
while after work, instead of sleeping at once. Checked here: queries are answered with it on
and off, an idle server goes to sleep (no CPU burnt while nothing happens), and the option is
validated. Its speed is measured by bench/perf, not asserted."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import psycopg
import pytest

import riffq
from support.pg_cluster import free_port
from support.servers import stop_process, wait_port

SERVER = textwrap.dedent("""
    import sys, pyarrow as pa, riffq

    ONE = pa.table({"x": pa.array([1], pa.int64())})

    class Conn(riffq.BaseConnection):
        def handle_auth(self, user, password, host, database=None, callback=None):
            callback(True)

        def handle_query(self, sql, callback=None, **kwargs):
            self.send_reader(ONE.to_reader(), callback)

    server = riffq.RiffqServer(f"127.0.0.1:{sys.argv[1]}", connection_cls=Conn)
    server.start(busy_poll_us=float(sys.argv[2]))
""")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its threads, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(params=[0, 100, 20000], ids=["off", "default", "20ms"])
def server(request):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(request.param)])
    try:
        wait_port(port, timeout=30, proc=proc)
        yield port, proc
    finally:
        stop_process(proc)


def test_answers_and_sleeps_when_idle(server):
    port, proc = server
    with psycopg.connect(f"host=127.0.0.1 port={port} user=u password=p dbname=db",
                         autocommit=True) as conn:
        for _ in range(200):
            assert conn.execute("select 1").fetchone() == (1,)
        time.sleep(0.3)  # longer than any polling window
        before = cpu_seconds(proc.pid)
        time.sleep(1.0)
        idle_cpu = cpu_seconds(proc.pid) - before
        # A poller that never went to sleep would burn about a second per polling thread.
        assert idle_cpu < 0.2, f"idle server used {idle_cpu:.2f} s of CPU in 1 s"
        assert conn.execute("select 1").fetchone() == (1,)


@pytest.mark.parametrize("value", [-1, 100001, float("nan")])
def test_busy_poll_us_is_validated(value):
    server = riffq.Server(f"127.0.0.1:{free_port()}")
    server.on_query(lambda sql, callback, **kw: callback("SELECT 0", is_tag=True))
    with pytest.raises(ValueError, match="busy_poll_us"):
        server.start(busy_poll_us=value)

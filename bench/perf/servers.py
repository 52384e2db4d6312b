"""The contenders of one harness run, each a process tree the harness starts and stops: a
throwaway PostgreSQL 15 (SCRAM for the bench user), riffq processes (one per handler variant,
bench/perf/riffq_server.py) and buenavista (bench/perf/buenavista_server.py in its own venv)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))

from pgbench_points import Endpoint  # noqa: E402
from rows import PASSWORD, SMALL_ROWS, USER, postgres_sql  # noqa: E402
from support.pg_cluster import PgCluster, free_port  # noqa: E402
from support.servers import stop_process, wait_port  # noqa: E402

POSTGRES = "PostgreSQL 15"
BUENAVISTA = "buenavista"


@dataclass
class Contender:
    """A started server: its label, where to connect, the root of its process tree."""

    name: str
    endpoint: Endpoint
    pid: int
    proc: Optional[subprocess.Popen] = None
    log: Optional[str] = None
    notes: List[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)


def riffq_label(variant: str, workers: int = 0) -> str:
    return f"riffq · {variant}" + (f", workers={workers}" if workers else "")


def workers_supported() -> bool:
    """Whether RiffqServer.start takes a `workers` keyword (multi-process scale-out)."""
    import riffq

    if "workers" in inspect.signature(riffq.RiffqServer.start).parameters:
        return True
    return "workers" in (getattr(riffq.Server.start, "__doc__", "") or "")


def start_postgres(big_rows: int, max_connections: int) -> tuple:
    """(cluster, contender): PostgreSQL 15 with t100 and big, and the bench user logging in
    with SCRAM-SHA-256 (its pg_hba line goes before initdb's trust lines)."""
    pg = PgCluster(max_connections=max_connections)
    try:
        pg.start()
        pg.psql(postgres_sql("t100", SMALL_ROWS))
        pg.psql(postgres_sql("big", big_rows))
        pg.psql("vacuum analyze")
        pg.psql(f"create role {USER} login password '{PASSWORD}'")
        pg.psql(f"grant select on all tables in schema public to {USER}")
        hba = os.path.join(pg.datadir, "pg_hba.conf")
        with open(hba) as f:
            rules = f.read()
        with open(hba, "w") as f:
            f.write(f"host all {USER} 127.0.0.1/32 scram-sha-256\n" + rules)
        pg.psql("select pg_reload_conf()")
        with open(os.path.join(pg.datadir, "postmaster.pid")) as f:
            pid = int(f.readline())
    except Exception:
        pg.stop()
        raise
    return pg, Contender(POSTGRES, Endpoint(pg.port, USER, PASSWORD), pid)


def _spawn(name: str, cmd: List[str], password: str) -> Contender:
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="riffq-perf-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd + [str(port)], stdout=log, stderr=subprocess.STDOUT)
    return Contender(name, Endpoint(port, USER, password), proc.pid, proc, log.name)


def spawn_riffq(variant: str, rows: int = 0, workers: int = 0) -> Contender:
    """Starts (without waiting) bench/perf/riffq_server.py for one variant."""
    cmd = [sys.executable, os.path.join(HERE, "riffq_server.py"), "--variant", variant,
           "--rows", str(rows), "--workers", str(workers)]
    return _spawn(riffq_label(variant, workers), cmd, PASSWORD)


def spawn_buenavista(python: str, rows: int) -> Contender:
    """Starts (without waiting) buenavista over DuckDB with t100 and `rows` rows of big."""
    cmd = [python, os.path.join(HERE, "buenavista_server.py"), "--rows", str(rows)]
    contender = _spawn(BUENAVISTA, cmd, PASSWORD)
    contender.notes.append("MD5 authentication (no SCRAM)")
    return contender


def wait_ready(contender: Contender, timeout: float = 300) -> None:
    """Waits until the contender accepts connections; RuntimeError with its log otherwise."""
    try:
        wait_port(contender.endpoint.port, timeout=timeout, proc=contender.proc)
    except Exception as exc:
        contender.stop()
        output = open(contender.log).read()[-2000:] if contender.log else ""
        raise RuntimeError(f"{contender.name} did not start ({exc}):\n{output}") from exc

"""psql's backslash commands against riffq's catalog emulation, compared with a real
PostgreSQL 15 holding the same objects (support/catalog_objects.py): the printed output
(psql -X, default aligned format) must be identical.

A command that differs because of an engine gap stays asserted against PostgreSQL's exact
output and is marked xfail(strict=True) with the difference in its reason, so it turns into a
failure the moment it starts to match (and the mark must then go).
"""

from __future__ import annotations

import difflib
import subprocess
from typing import Iterator

import pytest

from support import catalog_objects as co
from support.pg_cluster import PgCluster, free_port
from support.servers import ServerThread


def _handler(sql, callback, **kw):
    callback(("ERROR", "0A000", "only catalog statements are answered here"), is_error=True)


@pytest.fixture(scope="module")
def pg_demo() -> Iterator[PgCluster]:
    """A PostgreSQL 15 cluster of this module alone (its superuser is postgres, as riffq's
    bootstrap superuser), so \\l and \\du see no databases or roles of other tests."""
    cluster = co.Utf8PgCluster()
    try:
        cluster.start()
        co.create_in_postgres(cluster)
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def riffq_demo() -> Iterator[ServerThread]:
    st = ServerThread(_handler, port=free_port(), catalog_emulation=True)
    co.register(st.server)
    st.start()
    yield st
    st.stop()


def run_psql(dsn: str, command: str) -> str:
    """psql's output for one command: stdout, then stderr, then the exit code."""
    r = subprocess.run(["psql", "-X", "-d", dsn, "-c", command], capture_output=True,
                       text=True, timeout=60, env={"PGCONNECT_TIMEOUT": "5", "PATH": "/usr/bin:/bin",
                                                    "LANG": "C.UTF-8", "PAGER": "", "COLUMNS": "200"})
    return f"{r.stdout}--- stderr ---\n{r.stderr}--- exit {r.returncode}\n"


def pg_dsn(cluster: PgCluster) -> str:
    return cluster.dsn(co.DATABASE)


def riffq_dsn(st: ServerThread) -> str:
    return f"host=127.0.0.1 port={st.port} user=postgres dbname={co.DATABASE}"


# Commands whose output does not match yet; the reason carries the difference observed
# (PostgreSQL's line first, riffq's second).
XFAIL: dict[str, str] = {}

COMMANDS = [
    r"\d", r"\dt", r"\dt sales.*", r"\dn", r"\dv", r"\di", r"\di sales.*",
    r"\dt+", r"\dn+", r"\dv+", r"\di+", r"\dd", r"\dt *.regions",
    *[rf"\d {o['schema']}.{o['name']}" for o in co.OBJECTS],
    *[rf"\d+ {o['schema']}.{o['name']}" for o in co.OBJECTS],
    r"\l", r"\du", r"\dT", r"\ds", r"\df", r"\dx", r"\dp",
]


def _param(cmd: str):
    if cmd in XFAIL:
        return pytest.param(cmd, marks=pytest.mark.xfail(strict=True, reason=XFAIL[cmd]), id=cmd)
    return pytest.param(cmd, id=cmd)


@pytest.mark.parametrize("command", [_param(c) for c in COMMANDS])
def test_psql_output_matches_postgres(pg_demo, riffq_demo, command):
    expected = run_psql(pg_dsn(pg_demo), command)
    got = run_psql(riffq_dsn(riffq_demo), command)
    assert "--- exit 0" in expected, expected  # the command itself is valid on PostgreSQL
    diff = "\n".join(difflib.unified_diff(expected.splitlines(), got.splitlines(),
                                         "postgresql", "riffq", lineterm=""))
    assert got == expected, f"psql {command!r} differs:\n{diff}"

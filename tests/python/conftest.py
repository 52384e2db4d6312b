"""Shared fixtures: a throwaway PostgreSQL 15 cluster, and riffq servers run in-process on
free loopback ports."""

from __future__ import annotations

import os
import sys
from typing import Callable, Iterator

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from support.pg_cluster import PgCluster, free_port  # noqa: E402
from support.servers import ServerThread  # noqa: E402


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    """A real PostgreSQL server for differential tests (skipped if not installed)."""
    try:
        cluster = PgCluster()
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL server binaries: {exc}")
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def serve() -> Iterator[Callable[..., ServerThread]]:
    """Starts riffq servers in background threads; all are stopped at the end of the test.

    ``serve(on_query, on_connect=None, …, start_kwargs={})`` returns a started ServerThread
    with ``.port`` and ``.dsn``.
    """
    started: list[ServerThread] = []

    def factory(on_query, **kwargs) -> ServerThread:
        st = ServerThread(on_query, port=free_port(), **kwargs)
        st.start()
        started.append(st)
        return st

    yield factory
    for st in started:
        st.stop()

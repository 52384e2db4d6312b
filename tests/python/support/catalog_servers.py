"""Module-scoped fixtures shared by the catalog client tests: one PostgreSQL 15 cluster holding
the demo objects and their rows (support/catalog_objects.py), and riffq servers answering data
statements from DuckDB holding the same (with catalog emulation and the objects registered, and
without emulation). Import the fixtures into a test module to use them there."""

from __future__ import annotations

from typing import Iterator

import duckdb
import pytest

from support import catalog_objects as co
from support.duckdb_handler import DuckDBHandler
from support.pg_cluster import PgCluster, free_port
from support.servers import ServerThread


@pytest.fixture(scope="module")
def pg_demo() -> Iterator[PgCluster]:
    cluster = co.Utf8PgCluster()
    try:
        cluster.start()
        co.create_in_postgres(cluster)
        co.insert_data_in_postgres(cluster)
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


def demo_duckdb() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the demo objects and rows."""
    con = duckdb.connect()
    co.create_in_duckdb(con)
    return con


@pytest.fixture(scope="module")
def riffq_emul() -> Iterator[ServerThread]:
    """DuckDB data, catalog emulation on, the demo objects registered."""
    st = ServerThread(DuckDBHandler(demo_duckdb()), port=free_port(), catalog_emulation=True)
    co.register(st.server)
    st.start()
    yield st
    st.stop()


@pytest.fixture(scope="module")
def riffq_plain() -> Iterator[ServerThread]:
    """DuckDB data, catalog emulation off (only drivers' type look-ups are the core's)."""
    st = ServerThread(DuckDBHandler(demo_duckdb()), port=free_port())
    st.start()
    yield st
    st.stop()

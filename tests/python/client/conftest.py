"""Fixtures for the riffq.client tests: one throwaway PostgreSQL cluster per session."""

import os
import sys

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_TESTS_PY = os.path.dirname(_HERE)
if _TESTS_PY not in sys.path:
    sys.path.insert(0, _TESTS_PY)

from support.pg_cluster import PgCluster  # noqa: E402

pytest.importorskip("polars")


def _client_available() -> bool:
    try:
        import riffq.client  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def pg():
    if not _client_available():
        pytest.skip("riffq._client extension not built")
    try:
        cluster = PgCluster().start()
    except Exception as e:  # noqa: BLE001
        pytest.skip(f"no PostgreSQL server: {e}")
    yield cluster
    cluster.stop()


@pytest.fixture()
def conn(pg):
    import riffq.client

    c = riffq.client.connect(pg.dsn())
    yield c
    c.close()

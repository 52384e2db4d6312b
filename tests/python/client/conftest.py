"""Fixtures for the riffq.client tests: a connection to the session's PostgreSQL 15 cluster
(the `pg` fixture of tests/python/conftest.py)."""

import os
import sys

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_TESTS_PY = os.path.dirname(_HERE)
if _TESTS_PY not in sys.path:
    sys.path.insert(0, _TESTS_PY)

import polars  # noqa: E402,F401  (a test dependency: missing means a broken set-up)
import riffq.client  # noqa: E402,F401  (fails loudly when the _client extension is not built)


@pytest.fixture()
def conn(pg):
    import riffq.client

    c = riffq.client.connect(pg.dsn())
    yield c
    c.close()

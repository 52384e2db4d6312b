"""riffq: PostgreSQL wire-compatible servers over any Arrow producer, with a C++ core.

A drop-in replacement for the Python API of riffq 0.1.11: subclass :class:`BaseConnection`,
answer ``handle_query(sql, callback)`` with any Arrow producer (DuckDB, polars, pandas,
pyarrow), and serve it with :class:`RiffqServer`. Importing the package starts no threads.
"""

from ._riffq import BoolCallback, QueryCallback, Server
from .connection import BaseConnection, RiffqServer
from . import helpers, testing, values
from .values import Interval

__all__ = [
    "Server",
    "BaseConnection",
    "RiffqServer",
    "QueryCallback",
    "BoolCallback",
    "helpers",
    "testing",
    "values",
    "Interval",
]
__version__ = "0.2.0"

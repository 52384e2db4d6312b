"""riffq: PostgreSQL wire-compatible servers over any Arrow producer, with a C++ core.

A drop-in replacement for the Python API of riffq 0.1.11: subclass :class:`BaseConnection`,
answer ``handle_query(sql, callback)`` with any Arrow producer (DuckDB, polars, pandas,
pyarrow), and serve it with :class:`RiffqServer`. Or, simplest, decorate a function that
returns its answer with :func:`query_handler` and call :func:`serve`. Ready backends for
DuckDB, polars and pandas are in :mod:`riffq.backends`; ``riffq serve`` puts files on the
wire with no code. Importing the package starts no threads.
"""

from ._riffq import BoolCallback, CopyInReader, QueryCallback, Server
from .connection import BaseConnection, RiffqServer
from . import helpers, testing, values
from .answers import SQLError
from .simple import query_handler, serve
from .values import Interval

__all__ = [
    "Server",
    "BaseConnection",
    "RiffqServer",
    "QueryCallback",
    "BoolCallback",
    "CopyInReader",
    "helpers",
    "testing",
    "values",
    "Interval",
    "SQLError",
    "query_handler",
    "serve",
]
__version__ = "0.2.0"

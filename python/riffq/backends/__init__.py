"""Ready backends: objects that answer every statement from an engine, with the catalog
filled from it. Each has ``serve(host=…, port=…)`` and can be given to
:class:`riffq.runner.BackendServer`.

- :class:`riffq.backends.duckdb.DuckDBBackend`: a DuckDB database (files, attached databases);
- :class:`riffq.backends.polars.PolarsBackend`: polars frames through ``SQLContext``;
- :class:`riffq.backends.pandas.PandasBackend`: pandas frames, queried with DuckDB.

The modules import their engine only when used.
"""
from .base import Backend, ExecutorBackend

__all__ = ["Backend", "ExecutorBackend"]

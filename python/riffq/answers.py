"""Turning what a handler *returns* into what the core's query callback takes.

The seeds' simplest API lets a plain function return its answer instead of calling a
callback. :func:`to_result` accepts every form that API allows:

- ``(rows, columns)``: ``rows`` a list of dicts (or of sequences), ``columns`` a list of
  ``(name, dtype)`` pairs with pandas dtype names (``int64``, ``float64``, ``object``, ``bool``,
  ``datetime64[ns]``, ``datetime64[ns, UTC]``, ``Int64``, ``string``, ``int64[pyarrow]``, …);
- a pandas ``DataFrame``, a polars ``DataFrame`` or ``LazyFrame``;
- any Arrow producer (an object with ``__arrow_c_stream__``: pyarrow tables and readers,
  DuckDB relations, …), an Arrow stream capsule or Arrow IPC stream ``bytes``;
- a command tag string such as ``"INSERT 0 3"``, or ``None`` (the statement's own tag).

:func:`error_tuple` turns an exception into the ``(severity, sqlstate, message)`` of an
ErrorResponse.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = ["SQLError", "to_result", "rows_to_arrow", "dtype_to_arrow", "error_tuple",
           "statement_tag", "Result"]

#: What :func:`to_result` hands to the core: ``(value, is_tag)``.
Result = Tuple[Any, bool]


class SQLError(Exception):
    """An error with its own SQLSTATE: raise it from a handler to send that code.

    Args:
        message: The error message the client shows.
        sqlstate: Five-character SQLSTATE (default ``XX000``).
        severity: ``ERROR`` (default) or ``FATAL`` (closes the connection).
    """

    def __init__(self, message: str, sqlstate: str = "XX000", severity: str = "ERROR") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.severity = severity


def statement_tag(sql: str) -> str:
    """The PostgreSQL command tag for a statement that returns no rows, from its first words
    (``create table …`` → ``CREATE TABLE``, ``begin`` → ``BEGIN``, ``select …`` →
    ``SELECT 0``)."""
    words = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S).split()
    if not words:
        return "EMPTY"
    first = words[0].lower().rstrip(";")
    if first in ("create", "drop", "alter"):
        rest = [w.lower().rstrip(";") for w in words[1:4]]
        rest = [w for w in rest if w not in ("or", "replace", "temp", "temporary", "unique",
                                              "if", "not", "exists", "persistent", "secret")]
        obj = rest[0] if rest else ""
        if obj == "materialized":
            obj = "materialized view"
        return f"{first.upper()} {obj.upper()}".strip()
    if first == "start":
        return "BEGIN"
    if first == "end":
        return "COMMIT"
    if first == "abort":
        return "ROLLBACK"
    if first in ("select", "with", "values", "table", "from"):
        return "SELECT 0"
    if first == "insert":
        return "INSERT 0 0"
    return first.upper()


def _pandas_dtype_to_arrow(dtype: str) -> Optional[Any]:
    import pyarrow as pa

    d = dtype.strip()
    if d.endswith("[pyarrow]"):
        inner = d[: -len("[pyarrow]")]
        try:
            return pa.type_for_alias(inner)
        except ValueError:
            return None
    low = d.lower()
    m = re.fullmatch(r"datetime64\[(s|ms|us|ns)(?:,\s*(.+))?\]", low)
    if m:
        tz = re.fullmatch(r"datetime64\[(?:s|ms|us|ns),\s*(.+)\]", d)
        return pa.timestamp(m.group(1), tz=tz.group(1) if tz else None)
    m = re.fullmatch(r"timedelta64\[(s|ms|us|ns)\]", low)
    if m:
        return pa.duration(m.group(1))
    simple = {
        "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(), "int64": pa.int64(),
        "uint8": pa.uint8(), "uint16": pa.uint16(), "uint32": pa.uint32(), "uint64": pa.uint64(),
        "float16": pa.float16(), "float32": pa.float32(), "float64": pa.float64(),
        "bool": pa.bool_(), "boolean": pa.bool_(), "string": pa.utf8(), "str": pa.utf8(),
        "int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "datetime": pa.timestamp("us"),
    }
    return simple.get(low)


def dtype_to_arrow(dtype: Any) -> Optional[Any]:
    """The pyarrow type for a pandas dtype name (``"int64"``, ``"datetime64[ns, UTC]"``,
    ``"Int64"``, ``"string"``, ``"bool[pyarrow]"``, …); ``None`` for ``object`` and other
    names whose values decide the type."""
    return _dtype_by_name(str(dtype))


@functools.lru_cache(maxsize=256)
def _dtype_by_name(name: str) -> Optional[Any]:
    # Handlers name the same few dtypes on every query: parse each name once.
    return _pandas_dtype_to_arrow(name)


def _null_to_text(table: Any) -> Any:
    import pyarrow as pa

    fields = [f.with_type(pa.utf8()) if pa.types.is_null(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields)) if fields != list(table.schema) else table


def _column_values(rows: Sequence[Any], name: str, index: int) -> List[Any]:
    if rows and type(rows[0]) is dict:
        try:
            return [row.get(name) for row in rows]
        except AttributeError:  # dicts and sequences mixed
            pass
    return [row.get(name) if isinstance(row, dict) else row[index] for row in rows]


# Values that are already what pyarrow takes: _clean would return them unchanged.
_PLAIN = frozenset({int, str, bool, bytes, type(None)})


def _clean_column(values: List[Any]) -> List[Any]:
    """_clean of every value, with the common types (ints, strings, floats) taken directly."""
    return [v if type(v) in _PLAIN
            else (v if v == v else None) if type(v) is float
            else _clean(v) for v in values]


def _clean(value: Any) -> Any:
    # pandas' missing markers (NaN, NaT, pd.NA) are missing values: NULL.
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if type(value).__name__ == "NAType":
        return None
    if hasattr(value, "to_pydatetime") and type(value).__name__ == "Timestamp":
        return value.to_pydatetime()
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()
    return value


def rows_to_arrow(rows: Sequence[Any], columns: Sequence[Tuple[str, Any]]) -> Any:
    """A ``pyarrow.Table`` from the seeds' ``(rows, columns)`` answer.

    ``columns`` are ``(name, dtype)`` pairs with pandas dtype names; ``rows`` are dicts keyed
    by column name (or sequences in column order). ``object`` columns take the type their
    values have (text, dates, decimals, lists, …); NaN, NaT and ``pd.NA`` are NULL.
    """
    import pyarrow as pa

    arrays = []
    names = []
    for i, (name, dtype) in enumerate(columns):
        values = _clean_column(_column_values(rows, str(name), i))
        t = dtype_to_arrow(dtype)
        if t is not None and pa.types.is_timestamp(t) and t.tz:
            # Naive values in a tz column are in that zone's UTC, as pandas stores them.
            arr = pa.array(values, type=pa.timestamp(t.unit, tz=t.tz))
        elif t is not None:
            arr = pa.array(values, type=t)
        else:
            try:
                arr = pa.array(values)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array([None if v is None else str(v) for v in values], type=pa.utf8())
            if pa.types.is_null(arr.type):
                arr = arr.cast(pa.utf8())
        arrays.append(arr)
        names.append(str(name))
    return pa.Table.from_arrays(arrays, names=names)


def _is_pandas_frame(value: Any) -> bool:
    return type(value).__name__ == "DataFrame" and type(value).__module__.startswith("pandas")


def to_result(value: Any, sql: str = "") -> Result:
    """Converts a handler's return value to ``(result, is_tag)`` for the query callback.

    Raises ``TypeError`` for a value that is none of the accepted forms (the client then
    gets an error, never an empty result).
    """
    if value is None:
        return statement_tag(sql), True
    if isinstance(value, str):
        return value, True
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value), False
    if type(value).__name__ == "PyCapsule":
        return value, False
    if _is_pandas_frame(value):
        import pyarrow as pa

        return _null_to_text(pa.Table.from_pandas(value, preserve_index=False)), False
    if type(value).__name__ == "LazyFrame" and hasattr(value, "collect"):
        value = value.collect()
    if hasattr(value, "__arrow_c_stream__"):
        return value, False
    if isinstance(value, tuple) and len(value) == 2:
        rows, columns = value
        if isinstance(columns, (list, tuple)) and all(
                isinstance(c, (list, tuple)) and len(c) == 2 for c in columns):
            return rows_to_arrow(list(rows), list(columns)), False
        if isinstance(rows, (list, tuple)) and all(isinstance(c, dict) for c in rows):
            # riffq 0.1.11's (schema_desc, rows) fallback: let the core read it.
            return value, False
    raise TypeError(f"a query handler returned {type(value).__name__}, which is not a result: "
                    "return (rows, columns), a DataFrame, an Arrow producer or a command tag")


def error_tuple(exc: BaseException) -> Tuple[str, str, str]:
    """``(severity, sqlstate, message)`` for an exception: its own ``sqlstate`` attribute
    (:class:`SQLError`, psycopg errors), DuckDB's error classes mapped to PostgreSQL's codes,
    else ``XX000`` with the exception text."""
    sqlstate = getattr(exc, "sqlstate", None)
    severity = getattr(exc, "severity", None) or "ERROR"
    if severity not in ("ERROR", "FATAL"):
        severity = "ERROR"
    if isinstance(sqlstate, str) and len(sqlstate) == 5:
        return severity, sqlstate, str(exc)
    from .backends.errors import duckdb_sqlstate

    state = duckdb_sqlstate(exc)
    return "ERROR", state or "XX000", str(exc) if state else f"{type(exc).__name__}: {exc}"


def columns_of(table: Any) -> Dict[str, Any]:
    """Column name → Arrow type of a result (for tests and logging)."""
    return {f.name: f.type for f in table.schema}

"""Conversions the C++ core delegates to pyarrow: Arrow IPC stream bytes and the
``(schema_desc, rows)`` tuple fallback, both returned as an ``arrow_array_stream`` capsule."""

from __future__ import annotations

from typing import Any


def to_arrow_stream(result: Any) -> Any:
    """Returns an Arrow C stream capsule for IPC bytes or a ``(schema_desc, rows)`` tuple."""
    import pyarrow as pa

    if isinstance(result, (bytes, bytearray, memoryview)):
        reader = pa.ipc.open_stream(pa.py_buffer(result))
        return reader.__arrow_c_stream__()
    if isinstance(result, tuple) and len(result) == 2:
        schema_desc, rows = result
        return tuple_to_reader(schema_desc, rows).__arrow_c_stream__()
    raise TypeError(f"unusable query result of type {type(result).__name__}")


def tuple_to_reader(schema_desc: list, rows: list) -> Any:
    """Builds a RecordBatchReader from ``[{"name":…, "type":…}]`` and row-major ``rows``.

    Known ``helpers.to_arrow`` type names keep their Arrow type; any other name gives a text
    column where each cell is ``str(value)`` (``None`` stays NULL). Unlike the original, an
    integer cell is never turned into NULL.
    """
    import pyarrow as pa

    from .helpers import arrow_type

    names = []
    arrays = []
    for i, col in enumerate(schema_desc):
        if "name" not in col:
            raise ValueError(f"schema entry {i} has no 'name'")
        names.append(col["name"])
        values = []
        for r, row in enumerate(rows):
            if len(row) != len(schema_desc):
                raise ValueError(f"row {r} has {len(row)} values but the schema has "
                                 f"{len(schema_desc)} columns")
            values.append(row[i])
        t = arrow_type(str(col.get("type", "")).lower())
        if t is None:
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
        else:
            arrays.append(pa.array(values, t))
    batch = pa.RecordBatch.from_arrays(arrays, names=names)
    return pa.RecordBatchReader.from_batches(batch.schema, [batch])

"""Small helpers for building Arrow results in Python (pyarrow required)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

# The short type names of :func:`to_arrow` (as in riffq 0.1.11).
TYPE_NAMES = ("int", "float", "bool", "str", "string", "date", "datetime")


def arrow_type(name: str) -> Optional[Any]:
    """The pyarrow type for a :func:`to_arrow` type name, or ``None`` if it is not one."""
    import pyarrow as pa

    return {
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "str": pa.utf8(),
        "string": pa.utf8(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us"),
    }.get(name)


def to_arrow(schema_desc: Sequence[Dict[str, str]], rows: Sequence[Sequence[Any]]) -> Any:
    """Converts a column description and row-major rows into an Arrow stream capsule.

    ``schema_desc`` entries look like ``{"name": "id", "type": "int"}``. Type names:
    ``int`` → int64, ``float`` → float64, ``bool`` → bool, ``str``/``string`` → utf8,
    ``date`` → date32, ``datetime`` → timestamp[us]. Any other name raises ``KeyError``.
    Returns the PyCapsule of ``RecordBatchReader.__arrow_c_stream__()`` (pyarrow ≥ 14).
    """
    import pyarrow as pa

    arrays = []
    names = []
    for i, col in enumerate(schema_desc):
        t = arrow_type(col["type"])
        if t is None:
            raise KeyError(col["type"])
        names.append(col["name"])
        arrays.append(pa.array([row[i] for row in rows], type=t))
    batch = pa.RecordBatch.from_arrays(arrays, names=names)
    return pa.RecordBatchReader.from_batches(batch.schema, [batch]).__arrow_c_stream__()

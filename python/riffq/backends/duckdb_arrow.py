"""DuckDB results as Arrow with the types PostgreSQL clients expect.

By default DuckDB exports ``UUID`` and ``JSON`` columns to Arrow as plain strings, so they
would reach clients as ``text``. With ``arrow_lossless_conversion`` DuckDB exports them as the
canonical ``arrow.uuid`` / ``arrow.json`` extensions (and ``BOOLEAN`` as ``arrow.bool8``), which
riffq sends as ``uuid`` / ``json`` / ``bool``. The same setting turns ``HUGEINT`` and
``UHUGEINT`` into DuckDB-vendored ``arrow.opaque`` 16-byte values (and ``BIT`` into an opaque
binary); :func:`pg_reader` / :func:`pg_table` view those as ``decimal128(38, 0)`` / their plain
storage, bit for bit what DuckDB exports without the setting, so those columns keep their
``numeric`` / ``bytea`` wire types. Only results that contain such a column are rewrapped.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

__all__ = ["enable_lossless", "pg_reader", "pg_schema", "pg_table"]

logger = logging.getLogger("riffq")

# 16-byte little-endian two's complement: the layout of decimal128 with scale 0.
_WIDE_INTEGERS = ("hugeint", "uhugeint")


def enable_lossless(cursor: Any) -> bool:
    """Turns on ``arrow_lossless_conversion`` for ``cursor`` where DuckDB has it and pyarrow
    can read DuckDB's opaque types back (pyarrow 18+); returns whether it is on."""
    import pyarrow as pa

    if not hasattr(pa, "OpaqueType"):
        return False
    try:
        cursor.execute("SET arrow_lossless_conversion = true")
    except Exception as exc:  # noqa: BLE001 - a DuckDB without the setting keeps text uuid/json
        logger.debug("DuckDB has no arrow_lossless_conversion: %s", exc)
        return False
    return True


def _pg_type(t: Any) -> Any:
    """``t`` with DuckDB's opaque types replaced by their PostgreSQL-friendly views, or
    ``t`` itself (the same object) when nothing inside it changes."""
    import pyarrow as pa
    import pyarrow.types as pt

    if isinstance(t, pa.OpaqueType):
        if t.vendor_name == "DuckDB" and t.type_name in _WIDE_INTEGERS \
                and t.storage_type == pa.binary(16):
            return pa.decimal128(38, 0)
        return t.storage_type
    if pt.is_map(t):
        key, item = _pg_field(t.key_field), _pg_field(t.item_field)
        if key is t.key_field and item is t.item_field:
            return t
        return pa.map_(key, item, t.keys_sorted)
    if pt.is_struct(t) or pt.is_union(t):
        fields = [t.field(i) for i in range(t.num_fields)]
        mapped = [_pg_field(f) for f in fields]
        if all(m is f for m, f in zip(mapped, fields)):
            return t
        if pt.is_struct(t):
            return pa.struct(mapped)
        return pa.union(mapped, t.mode, t.type_codes)
    if pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t):
        value = _pg_field(t.value_field)
        if value is t.value_field:
            return t
        if pt.is_fixed_size_list(t):
            return pa.list_(value, t.list_size)
        return pa.large_list(value) if pt.is_large_list(t) else pa.list_(value)
    if pt.is_dictionary(t):
        value = _pg_type(t.value_type)
        return t if value is t.value_type else pa.dictionary(t.index_type, value, t.ordered)
    return t


def _pg_field(f: Any) -> Any:
    t = _pg_type(f.type)
    return f if t is f.type else f.with_type(t)


def pg_schema(schema: Any) -> Optional[Any]:
    """``schema`` with DuckDB's opaque types replaced (see the module), or None when it has
    none."""
    import pyarrow as pa

    fields = [_pg_field(f) for f in schema]
    if all(m is f for m, f in zip(fields, schema)):
        return None
    return pa.schema(fields, metadata=schema.metadata)


def _pg_batch(batch: Any, schema: Any) -> Any:
    import pyarrow as pa

    columns = [col.view(f.type) for col, f in zip(batch.columns, schema)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def pg_reader(reader: Any) -> Any:
    """A ``RecordBatchReader`` over ``reader``'s batches with DuckDB's opaque types viewed as
    PostgreSQL-friendly ones; ``reader`` itself when it has none (no copy in either case)."""
    import pyarrow as pa

    schema = pg_schema(reader.schema)
    if schema is None:
        return reader
    return pa.RecordBatchReader.from_batches(schema, (_pg_batch(b, schema) for b in reader))


def pg_table(table: Any) -> Any:
    """``table`` with DuckDB's opaque types viewed as PostgreSQL-friendly ones (no copy)."""
    import pyarrow as pa

    schema = pg_schema(table.schema)
    if schema is None:
        return table
    batches = [_pg_batch(b, schema) for b in table.to_batches()]
    return pa.Table.from_batches(batches, schema=schema)

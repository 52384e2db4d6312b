"""Handlers that answer with fixed Arrow data, for protocol and type tests."""

from __future__ import annotations

from typing import Any, Callable, Dict


def table_handler(tables: Dict[str, Any]) -> Callable[..., None]:
    """A query callback answering ``sql`` (stripped, lower-cased) from a dict of pyarrow
    tables / readers; anything else is an error 42P01."""

    def on_query(sql, callback, **kwargs):
        key = sql.strip().rstrip(";").strip().lower()
        if key in tables:
            value = tables[key]
            value = value() if callable(value) else value
            callback(value.__arrow_c_stream__() if hasattr(value, "__arrow_c_stream__") else value)
        else:
            callback(("ERROR", "42P01", f"no such test query: {sql}"), is_error=True)

    return on_query

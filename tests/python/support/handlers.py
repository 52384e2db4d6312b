"""Query handlers shared by tests."""

from __future__ import annotations

import pyarrow as pa


def tx_handler(sql, callback, **kw):
    """BEGIN / COMMIT answered with their tag (the core derives the transaction status from
    them); anything else with one row, x = 1."""
    word = sql.split()[0].lower()
    if word in ("begin", "commit"):
        callback(word.upper(), is_tag=True)
    else:
        callback(pa.table({"x": [1]}).to_reader())

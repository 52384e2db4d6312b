"""Serve pandas DataFrames with the ready pandas backend (queried through DuckDB).

    python examples/python/serve_pandas.py [127.0.0.1:5433]

Then:  psql -h 127.0.0.1 -p 5433 -c 'select * from sales order by qty desc'
"""
from __future__ import annotations

import sys

import pandas as pd

from riffq.backends.pandas import PandasBackend


def main() -> None:
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433").rsplit(":", 1)
    sales = pd.DataFrame({"sku": [101, 102, 103], "qty": [5, 12, 7],
                          "day": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-02"])})
    PandasBackend({"sales": sales}).serve(host=host, port=int(port), databases=["riffq", "postgres"])


if __name__ == "__main__":
    main()

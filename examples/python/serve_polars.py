"""Serve polars frames with the ready polars backend (``polars.SQLContext``).

    python examples/python/serve_polars.py [127.0.0.1:5433]

Then:  psql -h 127.0.0.1 -p 5433 -c 'select city, avg(km) from trips group by city'
"""
from __future__ import annotations

import sys

import polars as pl

from riffq.backends.polars import PolarsBackend


def frames() -> dict:
    """The tables: a DataFrame and a LazyFrame (scanned at each query)."""
    trips = pl.DataFrame({
        "trip_id": list(range(1, 7)),
        "city": ["Oslo", "Lima", "Oslo", "Tokyo", "Lima", "Oslo"],
        "km": [1.5, 12.0, 3.25, 8.0, 4.5, 2.0],
    })
    cities = pl.LazyFrame({"city": ["Oslo", "Lima", "Tokyo"], "country": ["NO", "PE", "JP"]})
    return {"trips": trips, "cities": cities}


def main() -> None:
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433").rsplit(":", 1)
    PolarsBackend(frames()).serve(host=host, port=int(port), databases=["riffq", "postgres"])


if __name__ == "__main__":
    main()

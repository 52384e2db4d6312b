"""The built-in sample ``riffq serve`` serves when given no path: two related tables with
keys, NOT NULL columns and comments, so psql's ``\\d`` has something to show."""
from __future__ import annotations

from typing import Any

__all__ = ["create_sample", "SAMPLE_ROWS"]

#: Rows in the sample's ``trips`` table.
SAMPLE_ROWS = 100_000


def create_sample(con: Any, rows: int = SAMPLE_ROWS) -> None:
    """Creates ``public.cities`` and ``public.trips`` (``rows`` rows) in DuckDB ``con``."""
    con.execute("""
        CREATE TABLE public.cities (
            city VARCHAR PRIMARY KEY,
            country VARCHAR NOT NULL,
            population INTEGER
        )""")
    con.execute("""
        INSERT INTO public.cities VALUES
            ('Berlin', 'Germany', 3755000), ('Lisbon', 'Portugal', 545000),
            ('Oslo', 'Norway', 709000), ('Tokyo', 'Japan', 13960000), ('Lima', 'Peru', 10092000)
        """)
    con.execute("""
        CREATE TABLE public.trips (
            trip_id BIGINT PRIMARY KEY,
            day DATE NOT NULL,
            city VARCHAR NOT NULL REFERENCES public.cities (city),
            distance_km DECIMAL(10, 2),
            minutes INTEGER,
            shared_ride BOOLEAN NOT NULL DEFAULT false
        )""")
    con.execute(f"""
        INSERT INTO public.trips
        SELECT i, DATE '2024-01-01' + (i % 366)::INTEGER,
               ['Berlin', 'Lisbon', 'Oslo', 'Tokyo', 'Lima'][1 + i % 5],
               round(1 + (i * 7919 % 1000) / 37.0, 2)::DECIMAL(10, 2),
               (i * 31 % 90 + 5)::INTEGER, i % 7 = 0
        FROM range({int(rows)}) t(i)""")
    con.execute("COMMENT ON TABLE public.cities IS 'riffq sample: cities'")
    con.execute("COMMENT ON TABLE public.trips IS 'riffq sample: one row per taxi trip'")
    con.execute("COMMENT ON COLUMN public.trips.distance_km IS 'trip length in kilometres'")

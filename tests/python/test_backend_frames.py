"""riffq.backends.polars.PolarsBackend (polars SQLContext) and
riffq.backends.pandas.PandasBackend (pandas frames through DuckDB), through psql and psycopg,
with the catalog filled from the frames."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import pandas as pd
import polars as pl
import psycopg
import pytest

from riffq.backends.pandas import PandasBackend
from riffq.backends.polars import PolarsBackend
from riffq.runner import BackendServer
from support.serve_process import psql


@pytest.fixture(scope="module")
def polars_srv() -> Iterator[BackendServer]:
    frames = {
        "trips": pl.DataFrame({"id": [1, 2, 3], "city": ["Oslo", "Lima", "Oslo"],
                               "km": [1.5, 2.0, 4.5], "day": [dt.date(2024, 1, d) for d in (1, 2, 3)]}),
        "cities": pl.LazyFrame({"city": ["Oslo", "Lima"], "country": ["NO", "PE"]}),
    }
    with BackendServer(PolarsBackend(frames), port=0, databases=["riffq"]) as s:
        yield s


@pytest.fixture(scope="module")
def pandas_srv() -> Iterator[BackendServer]:
    frames = {"sales": pd.DataFrame({"sku": [1, 2], "qty": [3, 4], "name": ["a", "b"]})}
    backend = PandasBackend(frames)
    with BackendServer(backend, port=0, databases=["riffq"]) as s:
        s.backend_obj = backend  # type: ignore[attr-defined]
        yield s


def _c(s: BackendServer) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={s.port} dbname=riffq user=x", autocommit=True)


def test_polars_sql(polars_srv) -> None:
    with _c(polars_srv) as c:
        rows = c.execute("SELECT t.city, c.country, sum(t.km) AS km FROM trips t JOIN cities c "
                         "ON t.city = c.city GROUP BY t.city, c.country ORDER BY t.city").fetchall()
        assert rows == [("Lima", "PE", 2.0), ("Oslo", "NO", 6.0)]
        cur = c.execute("SELECT day FROM trips WHERE id = 1")
        assert cur.fetchall() == [(dt.date(2024, 1, 1),)]


def test_polars_catalog(polars_srv) -> None:
    out = psql(polars_srv.port, r"\dt", r"\d trips", dbname="riffq")
    assert out.returncode == 0, out.stderr
    assert "cities" in out.stdout and "trips" in out.stdout
    assert "double precision" in out.stdout and " date " in out.stdout


def test_polars_errors(polars_srv) -> None:
    with _c(polars_srv) as c:
        with pytest.raises(psycopg.errors.UndefinedColumn):
            c.execute("SELECT nope FROM trips")
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("SELECT * FROM nope")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            c.execute("DROP TABLE trips")
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            c.execute("SELECT id FROM trips WHERE id = %s", [1])
        assert c.execute("SELECT count(*) FROM trips").fetchone() == (3,)


def test_polars_transactions_are_no_ops(polars_srv) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={polars_srv.port} dbname=riffq user=x") as c:
        with c.transaction():
            assert c.execute("SELECT count(*) FROM cities").fetchone() == (2,)
        c.rollback()


def test_pandas_frames(pandas_srv) -> None:
    with _c(pandas_srv) as c:
        assert c.execute("SELECT sum(qty) FROM sales WHERE sku = %s", [2]).fetchone() == (4,)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            c.execute("INSERT INTO sales VALUES (3, 1, 'c')")
    out = psql(pandas_srv.port, r"\d sales", dbname="riffq")
    assert "bigint" in out.stdout and "sku" in out.stdout, out.stderr


def test_pandas_register_while_serving(pandas_srv) -> None:
    pandas_srv.backend_obj.register("extra", pd.DataFrame({"v": [10, 20]}))
    with _c(pandas_srv) as c:
        assert c.execute("SELECT sum(v) FROM extra").fetchone() == (30,)

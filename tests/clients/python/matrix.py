"""Client matrix program for Python drivers and data libraries not covered elsewhere: pg8000
(DB-API), SQLAlchemy 2 Core (text() statements) and ORM with the psycopg, psycopg2, asyncpg and
pg8000 dialects, pandas (read_sql, to_sql), polars (read_database, read_database_uri), ADBC and
ConnectorX. Same contract as the other languages' programs: JSON cases on stdin, per case id the
columns and per value the Python type and repr() on stdout.

    python3 matrix.py <lib> <mode> <url>   < cases.json
    python3 matrix.py batch - <url>        < [{"name", "lib", "mode", "cases"}, ...]

    lib: pg8000 | sqlalchemy | orm (mode: the SQLAlchemy dialect's driver)
         pandas (mode: sqlalchemy | to_sql-none | to_sql-multi) | adbc | connectorx
         polars (mode: sqlalchemy | psycopg | connectorx | adbc)

SQL placeholders `$n` become `%s` (pg8000) or `(:pN)` (SQLAlchemy text(); the parentheses keep
`$1::int4` a cast); ADBC takes `$n` as it is. Parameters are the Python values a user passes; an
interval is a timedelta (Python has no months), json is its text. Data-frame libraries report
their column dtypes and per value the Python object the frame hands out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import uuid
from decimal import Decimal
from typing import Any, Dict, List, Tuple


def scalar(typ: str, v: Any) -> Any:
    if v is None:
        return None
    conv = {
        "bool": lambda s: s == "true", "int2": int, "int4": int, "int8": int, "float4": float,
        "float8": float, "numeric": Decimal, "text": str, "bytea": bytes.fromhex,
        "uuid": uuid.UUID, "json": str, "jsonb": str, "date": dt.date.fromisoformat,
        "time": dt.time.fromisoformat, "timestamp": dt.datetime.fromisoformat,
        "timestamptz": dt.datetime.fromisoformat,
        "interval": lambda iv: dt.timedelta(days=iv["days"], microseconds=iv["us"]),
    }[typ]
    return conv(v)


def param(p: Dict[str, Any]) -> Any:
    if p["type"].endswith("[]"):
        return [scalar(p["type"][:-2], e) for e in p["value"]]
    return scalar(p["type"], p["value"])


def render(v: Any) -> List[str]:
    if isinstance(v, (bytes, memoryview, bytearray)):
        return [type(v).__name__, "\\x" + bytes(v).hex()]
    if isinstance(v, float) and v == 0 and str(v).startswith("-"):
        return ["float", "-0.0"]
    return [type(v).__name__, repr(v)]


def error(exc: BaseException) -> Dict[str, Any]:
    code = None
    for e in (exc, getattr(exc, "orig", None), getattr(getattr(exc, "orig", None), "__cause__", None)):
        if e is None:
            continue
        code = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
        if code is None and e.args and isinstance(e.args[0], dict):
            code = e.args[0].get("C")
        if code:
            break
    return {"error": {"code": code or "client", "message": str(exc)[:500]}}


def run_pg8000(url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    import pg8000.dbapi

    m = re.match(r"postgresql://([^:@]+)(?::([^@]*))?@([^:]+):(\d+)/(.+)", url)
    conn = pg8000.dbapi.connect(user=m[1], password=m[2], host=m[3], port=int(m[4]),
                                database=m[5])
    conn.autocommit = True
    out = {}
    for c in cases:
        sql = re.sub(r"\$\d+", "%s", c["sql"])
        cur = conn.cursor()
        try:
            args = [param(p) for p in c["params"]]
            if args:
                cur.execute(sql, args)
            else:
                cur.execute(sql)
            rows = cur.fetchall()
            out[c["id"]] = {"columns": [[d[0], d[1]] for d in cur.description],
                            "rows": [[render(v) for v in r] for r in rows]}
        except Exception as exc:  # noqa: BLE001 - reported per case
            out[c["id"]] = error(exc)
    conn.close()
    return out


def sa_sql(sql: str) -> str:
    return re.sub(r"\$(\d+)", r"(:p\1)", sql)


def sa_binds(c: Dict[str, Any]) -> Dict[str, Any]:
    return {f"p{i + 1}": param(p) for i, p in enumerate(c["params"])}


def sa_url(url: str, driver: str) -> str:
    return url.replace("postgresql://", f"postgresql+{driver}://", 1)


def run_sqlalchemy(driver: str, url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    from sqlalchemy import create_engine, text

    if driver == "asyncpg":
        return run_sqlalchemy_async(url, cases)
    engine = create_engine(sa_url(url, driver))
    out = {}
    try:
        with engine.connect() as conn:
            for c in cases:
                try:
                    result = conn.execute(text(sa_sql(c["sql"])), sa_binds(c))
                    rows = result.fetchall()
                    out[c["id"]] = {"columns": list(result.keys()),
                                    "rows": [[render(v) for v in r] for r in rows]}
                    conn.commit()
                except Exception as exc:  # noqa: BLE001 - reported per case
                    conn.rollback()
                    out[c["id"]] = error(exc)
    finally:
        engine.dispose()
    return out


def run_sqlalchemy_async(url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    """SQLAlchemy's asyncpg dialect: an AsyncEngine, the same text() statements."""
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def go() -> Dict[str, Any]:
        engine = create_async_engine(sa_url(url, "asyncpg"))
        out: Dict[str, Any] = {}
        try:
            async with engine.connect() as conn:
                for c in cases:
                    try:
                        result = await conn.execute(text(sa_sql(c["sql"])), sa_binds(c))
                        rows = result.fetchall()
                        out[c["id"]] = {"columns": list(result.keys()),
                                        "rows": [[render(v) for v in r] for r in rows]}
                        await conn.commit()
                    except Exception as exc:  # noqa: BLE001 - reported per case
                        await conn.rollback()
                        out[c["id"]] = error(exc)
        finally:
            await engine.dispose()
        return out

    return asyncio.run(go())


# ---------------------------------------------------------------------------------------------
# SQLAlchemy ORM: a mapped class, created with create_all, written and read through a Session
# ---------------------------------------------------------------------------------------------
ORM_ROWS = [
    {"id": 1, "name": "ada", "score": 1.5, "price": "12.30", "born": "1815-12-10", "active": True},
    {"id": 2, "name": "bob", "score": -0.25, "price": "0.05", "born": "2000-02-29", "active": False},
    {"id": 3, "name": "cé", "score": None, "price": None, "born": None, "active": None},
]


def orm_model() -> Any:
    from sqlalchemy import Boolean, Date, Double, Integer, Numeric, String
    from sqlalchemy.orm import DeclarativeBase, mapped_column

    class Base(DeclarativeBase):
        pass

    class Item(Base):  # no Mapped[] annotations: they would not resolve in a function scope
        __tablename__ = "cm_orm"
        id = mapped_column(Integer, primary_key=True, autoincrement=False)
        name = mapped_column(String(20))
        score = mapped_column(Double, nullable=True)
        price = mapped_column(Numeric(10, 2), nullable=True)
        born = mapped_column(Date, nullable=True)
        active = mapped_column(Boolean, nullable=True)

    return Item


def orm_items(Item: Any) -> List[Any]:
    return [Item(**{k: (Decimal(v) if k == "price" and v else
                        dt.date.fromisoformat(v) if k == "born" and v else v)
                    for k, v in r.items()}) for r in ORM_ROWS]


def orm_render(items: List[Any]) -> Dict[str, Any]:
    cols = ["id", "name", "score", "price", "born", "active"]
    return {"columns": cols, "rows": [[render(getattr(i, c)) for c in cols] for i in items]}


def orm_steps(Item: Any) -> List[Tuple[str, Any]]:
    """(case id, step) pairs: each step takes a Session and returns the items to report."""
    from sqlalchemy import delete, select, update

    def insert(s: Any) -> List[Any]:
        s.add_all(orm_items(Item))
        s.commit()
        s.expunge_all()
        return list(s.scalars(select(Item).order_by(Item.id)))

    def filter_(s: Any) -> List[Any]:
        q = select(Item).where(Item.score > -1.0, Item.name != "bob").order_by(Item.id.desc())
        return list(s.scalars(q))

    def get(s: Any) -> List[Any]:
        return [s.get(Item, 2)]

    def modify(s: Any) -> List[Any]:
        item = s.get(Item, 1)
        item.name, item.price = "ada l.", Decimal("99.99")
        s.execute(update(Item).where(Item.id == 3).values(score=7.0))
        s.execute(delete(Item).where(Item.id == 2))
        s.commit()
        s.expunge_all()
        return list(s.scalars(select(Item).order_by(Item.id)))

    def rollback(s: Any) -> List[Any]:
        s.get(Item, 1).name = "lost"
        s.flush()
        s.rollback()
        return list(s.scalars(select(Item).where(Item.id.in_([1, 3])).order_by(Item.id)))

    return [("orm-insert", insert), ("orm-filter", filter_), ("orm-get", get),
            ("orm-update", modify), ("orm-rollback", rollback)]


def run_orm(driver: str, url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The ORM cases (ids from orm_steps) in order, on one table made by create_all."""
    Item = orm_model()
    wanted = {c["id"] for c in cases}
    out: Dict[str, Any] = {}
    if driver == "asyncpg":
        return run_orm_async(url, Item, wanted)
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(sa_url(url, driver))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("drop table if exists cm_orm")
        Item.metadata.create_all(engine)
        for cid, step in orm_steps(Item):
            if cid not in wanted:
                continue
            with Session(engine) as s:
                try:
                    out[cid] = orm_render(step(s))
                except Exception as exc:  # noqa: BLE001 - reported per case
                    out[cid] = error(exc)
    finally:
        engine.dispose()
    return out


def run_orm_async(url: str, Item: Any, wanted: set) -> Dict[str, Any]:
    """The same steps through an AsyncSession (run_sync: the ORM code is the same)."""
    import asyncio

    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    async def go() -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        engine = create_async_engine(sa_url(url, "asyncpg"))
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("drop table if exists cm_orm")
                await conn.run_sync(Item.metadata.create_all)
            for cid, step in orm_steps(Item):
                if cid not in wanted:
                    continue
                async with AsyncSession(engine) as s:
                    try:
                        out[cid] = orm_render(await s.run_sync(step))
                    except Exception as exc:  # noqa: BLE001 - reported per case
                        out[cid] = error(exc)
        finally:
            await engine.dispose()
        return out

    return asyncio.run(go())


# ---------------------------------------------------------------------------------------------
# Data frames: pandas, polars, Arrow (ADBC, ConnectorX)
# ---------------------------------------------------------------------------------------------


def frame_result(columns: List[List[str]], rows: List[Any]) -> Dict[str, Any]:
    return {"columns": columns, "rows": [[render(v) for v in r] for r in rows]}


def pandas_result(df: Any) -> Dict[str, Any]:
    return frame_result([[str(c), str(t)] for c, t in df.dtypes.items()],
                        df.itertuples(index=False, name=None))


def polars_result(df: Any) -> Dict[str, Any]:
    return frame_result([[c, str(t)] for c, t in df.schema.items()], df.rows())


def arrow_result(table: Any) -> Dict[str, Any]:
    cols = [[f.name, str(f.type)] for f in table.schema]
    return frame_result(cols, zip(*[table.column(i).to_pylist() for i in range(table.num_columns)])
                        if table.num_columns else [])


def per_case(cases: List[Dict[str, Any]], run: Any) -> Dict[str, Any]:
    out = {}
    for c in cases:
        try:
            out[c["id"]] = run(c)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - per case; ConnectorX panics are BaseException
            out[c["id"]] = error(exc)
    return out


TO_SQL_FRAME = {
    "i": [1, 2, 3], "f": [0.5, float("nan"), -1e300], "s": ["a", None, "héllo"],
    "b": [True, False, True],
    "ts": ["2024-01-02 03:04:05.123456", "1999-12-31 23:59:59", None],
}


def run_pandas(mode: str, url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    import pandas as pd
    from sqlalchemy import create_engine, text

    engine = create_engine(sa_url(url, "psycopg"))
    try:
        if mode == "sqlalchemy":
            with engine.connect() as conn:
                return per_case(cases, lambda c: pandas_result(
                    pd.read_sql(text(sa_sql(c["sql"])), conn, params=sa_binds(c))))
        method = None if mode == "to_sql-none" else "multi"
        df = pd.DataFrame(TO_SQL_FRAME)
        df["ts"] = pd.to_datetime(df["ts"], format="ISO8601")

        def write(c: Dict[str, Any]) -> Dict[str, Any]:
            with engine.begin() as conn:
                conn.exec_driver_sql("drop table if exists cm_pandas")
            n = df.to_sql("cm_pandas", engine, index=False, method=method)
            with engine.connect() as conn:
                back = pd.read_sql(text(c["sql"]), conn)
            return {**pandas_result(back), "written": n}

        return per_case(cases, write)
    finally:
        engine.dispose()


def run_polars(mode: str, url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    import polars as pl

    if mode in ("connectorx", "adbc"):
        return per_case(cases, lambda c: polars_result(
            pl.read_database_uri(c["sql"], url, engine=mode)))
    if mode == "psycopg":
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return per_case(cases, lambda c: polars_result(pl.read_database(
                re.sub(r"\$\d+", "%s", c["sql"].replace("%", "%%")), conn,
                execute_options={"params": [param(p) for p in c["params"]]}
                if c["params"] else None)))
    from sqlalchemy import create_engine, text

    engine = create_engine(sa_url(url, "psycopg"))
    try:
        with engine.connect() as conn:
            return per_case(cases, lambda c: polars_result(pl.read_database(
                text(sa_sql(c["sql"])), conn,
                execute_options={"parameters": sa_binds(c)} if c["params"] else None)))
    finally:
        engine.dispose()


def run_adbc(url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    """ADBC's PostgreSQL driver: results arrive by COPY (query) TO STDOUT (FORMAT binary)."""
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(url) as conn:
        conn.autocommit = True

        def one(c: Dict[str, Any]) -> Dict[str, Any]:
            with conn.cursor() as cur:
                args = [param(p) for p in c["params"]]
                cur.execute(c["sql"], args or None)
                return arrow_result(cur.fetch_arrow_table())

        return per_case(cases, one)


def run_connectorx(url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    import connectorx as cx

    return per_case(cases, lambda c: arrow_result(cx.read_sql(url, c["sql"],
                                                              return_type="arrow")))


def run(lib: str, mode: str, url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    runners = {
        "pg8000": lambda: run_pg8000(url, cases),
        "sqlalchemy": lambda: run_sqlalchemy(mode, url, cases),
        "orm": lambda: run_orm(mode, url, cases),
        "pandas": lambda: run_pandas(mode, url, cases),
        "polars": lambda: run_polars(mode, url, cases),
        "adbc": lambda: run_adbc(url, cases),
        "connectorx": lambda: run_connectorx(url, cases),
    }
    return runners[lib]()


def run_batch(url: str, batch: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Several clients in one process (the libraries are imported once): per client name its
    results, or {"failed": why} when it could not run or connect."""
    out: Dict[str, Any] = {}
    for job in batch:
        try:
            out[job["name"]] = run(job["lib"], job["mode"], url, job["cases"])
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - this client failed, the others go on
            out[job["name"]] = {"failed": f"{exc!r}"[:2000]}
    return out


def main() -> None:
    lib, mode, url = sys.argv[1:4]
    cases = json.load(sys.stdin)
    try:
        out = run_batch(url, cases) if lib == "batch" else run(lib, mode, url, cases)
    except Exception as exc:  # noqa: BLE001
        print(f"connect: {exc!r}", file=sys.stderr)
        sys.exit(1)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()

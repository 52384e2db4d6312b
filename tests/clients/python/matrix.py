"""Client matrix program for Python drivers not covered elsewhere: pg8000 (DB-API) and
SQLAlchemy 2 Core (text() statements) with the psycopg, psycopg2 and pg8000 dialects.
Same contract as the other languages' programs: JSON cases on stdin, per case id the columns and
per value the Python type and repr() on stdout.

    python3 matrix.py <pg8000|sqlalchemy> <driver> <url>   < cases.json

SQL placeholders `$n` become `%s` (pg8000) or `(:pN)` (SQLAlchemy text(); the parentheses keep
`$1::int4` a cast). Parameters are the Python values a user passes; an interval is a timedelta
(Python has no months), json is its text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import uuid
from decimal import Decimal
from typing import Any, Dict, List


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


def run_sqlalchemy(driver: str, url: str, cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", f"postgresql+{driver}://", 1))
    out = {}
    try:
        with engine.connect() as conn:
            for c in cases:
                sql = re.sub(r"\$(\d+)", r"(:p\1)", c["sql"])
                binds = {f"p{i + 1}": param(p) for i, p in enumerate(c["params"])}
                try:
                    result = conn.execute(text(sql), binds)
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


def main() -> None:
    lib, driver, url = sys.argv[1:4]
    cases = json.load(sys.stdin)
    try:
        out = run_pg8000(url, cases) if lib == "pg8000" else run_sqlalchemy(driver, url, cases)
    except Exception as exc:  # noqa: BLE001
        print(f"connect: {exc!r}", file=sys.stderr)
        sys.exit(1)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()

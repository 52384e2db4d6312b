"""One-call registration of whole databases for catalog emulation.

``register_duckdb(server, con)`` registers every table and view of a DuckDB connection (with
columns, primary / unique / foreign keys, defaults and comments); ``register_arrow_schema``
registers one table from an Arrow schema. Both work with ``riffq.Server`` and
``riffq.RiffqServer`` and may be called again after the database changed: a table registered
again replaces its earlier definition.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

__all__ = ["duckdb_type_to_pg", "arrow_type_to_pg", "register_duckdb", "register_arrow_schema"]

_DUCKDB_SCALARS = {
    "BOOLEAN": "boolean", "TINYINT": "smallint", "SMALLINT": "smallint", "INTEGER": "integer",
    "BIGINT": "bigint", "HUGEINT": "numeric(38,0)", "UHUGEINT": "numeric(39,0)",
    "UTINYINT": "smallint", "USMALLINT": "integer", "UINTEGER": "bigint", "UBIGINT": "numeric(20,0)",
    "FLOAT": "real", "DOUBLE": "double precision", "VARCHAR": "text", "BLOB": "bytea",
    "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp", "TIMESTAMP_S": "timestamp",
    "TIMESTAMP_MS": "timestamp", "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "TIME WITH TIME ZONE": "timetz",
    "INTERVAL": "interval", "UUID": "uuid", "JSON": "json", "BIT": "bit varying",
    "VARINT": "numeric", "BIGNUM": "numeric", "TIME_NS": "time", "TIMESTAMPTZ": "timestamptz",
    "TIMETZ": "timetz", "INT": "integer", "TEXT": "text", "STRING": "text", "BOOL": "boolean",
    "DOUBLE PRECISION": "double precision", "REAL": "real",
}


def duckdb_type_to_pg(data_type: str) -> str:
    """The PostgreSQL type name riffq sends for a DuckDB column type, as the wire encodes the
    Arrow data DuckDB produces: ``DECIMAL(12,2)`` → ``numeric(12,2)``, ``VARCHAR[]`` and
    ``VARCHAR[3]`` → ``text[]``, ``STRUCT(…)`` → ``record``, ``MAP(…)`` → ``jsonb``,
    ``ENUM(…)`` → ``text``, ``UUID`` → ``uuid``, ``JSON`` → ``json``, ``INTERVAL`` →
    ``interval``; ``UNION`` (no PostgreSQL counterpart) → ``text``."""
    t = data_type.strip()
    up = t.upper()
    m = re.fullmatch(r"(.+?)(\[\d*\])+", t, re.S)
    if m and _balanced(m.group(1)):
        inner = duckdb_type_to_pg(m.group(1))
        return inner if inner.endswith("[]") else inner + "[]"
    m = re.fullmatch(r"(?:DECIMAL|NUMERIC)\((\d+),\s*(\d+)\)", up)
    if m:
        return f"numeric({m.group(1)},{m.group(2)})"
    if re.fullmatch(r"VARCHAR\(\d+\)", up):
        return "character varying" + up[7:].lower()
    if up.startswith("STRUCT"):
        return "record"
    if up.startswith("MAP"):
        return "jsonb"
    if up.startswith(("UNION", "ENUM")):
        return "text"
    return _DUCKDB_SCALARS.get(up, "text")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


_PG_LITERAL_CASTS = {"text": "text", "character varying": "character varying", "date": "date",
                     "timestamp without time zone": "timestamp without time zone",
                     "timestamp with time zone": "timestamp with time zone",
                     "time without time zone": "time without time zone", "uuid": "uuid",
                     "interval": "interval", "json": "json", "bytea": "bytea"}


def duckdb_default_to_pg(default: str, pg_type: str) -> str:
    """A DuckDB column default as PostgreSQL 15 prints the same default (pg_get_expr), for the
    literal forms DuckDB writes: ``CAST('t' AS BOOLEAN)`` → ``true``, ``'x'`` on a text column →
    ``'x'::text``, ``-1`` on an integer → ``'-1'::integer``, ``current_timestamp`` →
    ``CURRENT_TIMESTAMP``, ``nextval('s')`` → ``nextval('s'::regclass)``; checked against
    PostgreSQL 15 by tests/python/test_catalog_duckdb.py. Other expressions
    are passed through unchanged."""
    d = default.strip()
    m = re.fullmatch(r"CAST\('([tf])' AS BOOLEAN\)", d, re.IGNORECASE)
    if m:
        return "true" if m.group(1).lower() == "t" else "false"
    base = re.sub(r"\(.*\)", "", pg_type).strip()
    if re.fullmatch(r"'(?:[^']|'')*'", d):
        cast = _PG_LITERAL_CASTS.get(base)
        return f"{d}::{cast}" if cast else d
    if re.fullmatch(r"-\d+(\.\d+)?", d):
        # A negative constant keeps its literal's own type, whatever the column's.
        if "." in d:
            return f"'{d}'::numeric"
        n = int(d)
        return f"'{d}'::" + ("integer" if n >= -2**31 else "bigint" if n >= -2**63 else "numeric")
    if d.lower() in ("current_timestamp", "current_date", "current_time", "localtimestamp"):
        return d.upper()
    m = re.fullmatch(r"nextval\('((?:[^']|'')*)'\)", d, re.IGNORECASE)
    if m:
        return f"nextval('{m.group(1)}'::regclass)"
    return d


_DUCK_CAST = re.compile(r"""CAST\(('(?:[^']|'')*') AS "?([A-Za-z ]+)"?\)""")
_DUCK_IDENT = re.compile(r'"([a-z_][a-z0-9_]*)"')
_DUCK_NUMBER_CMP = re.compile(r"\b([a-z_][a-z0-9_]*) (=|<>|!=|<|<=|>|>=) (-?\d+(?:\.\d+)?)(?=\))")


def duckdb_check_to_pg(expression: str, column_types: Dict[str, str]) -> str:
    """A DuckDB CHECK expression (duckdb_constraints().expression) as PostgreSQL 15 prints the
    same CHECK (pg_get_constraintdef without CHECK): identifiers unquoted, ``CAST('x' AS
    DATE)`` → ``'x'::date``, and a number compared with a numeric column cast as PostgreSQL
    casts it (``(share > 0)`` → ``(share > (0)::numeric)``, ``-1`` → ``('-1'::integer)::numeric``,
    a decimal one stays). Checked against PostgreSQL by tests/python/test_catalog_duckdb.py;
    other forms are passed through."""
    e = _DUCK_CAST.sub(lambda m: f"{m.group(1)}::{duckdb_type_to_pg(m.group(2))}", expression)
    e = _DUCK_IDENT.sub(lambda m: m.group(1), e)

    def number(m: "re.Match[str]") -> str:
        col, op, num = m.group(1), m.group(2), m.group(3)
        if not re.sub(r"\(.*\)", "", column_types.get(col, "")).strip() == "numeric":
            return m.group(0)
        if num.startswith("-"):
            # -1 is an integer constant PostgreSQL then casts; -1.5 a numeric one.
            lit = f"'{num}'::numeric" if "." in num else f"('{num}'::integer)::numeric"
        elif "." in num:
            return m.group(0)  # already a numeric constant: printed without a cast
        else:
            lit = f"({num})::numeric"
        return f"{col} {'<>' if op == '!=' else op} {lit}"
    return _DUCK_NUMBER_CMP.sub(number, e)


def arrow_type_to_pg(arrow_type: Any) -> str:
    """The PostgreSQL type name riffq sends for a pyarrow type (``int64`` → ``bigint``,
    ``decimal128(12, 2)`` → ``numeric(12,2)``, ``list<string>`` → ``text[]``)."""
    import pyarrow as pa

    t = arrow_type
    ext = getattr(t, "extension_name", None)
    if ext == "arrow.uuid":
        return "uuid"
    if ext == "arrow.json":
        return "json"
    if ext is not None and hasattr(t, "storage_type"):
        return arrow_type_to_pg(t.storage_type)
    if pa.types.is_dictionary(t):
        return arrow_type_to_pg(t.value_type)
    if pa.types.is_struct(t):
        return "record"
    if pa.types.is_map(t):
        return "jsonb"
    if str(t).startswith("list_view") or str(t).startswith("large_list_view"):
        return arrow_type_to_pg(t.value_type) + "[]"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        inner = arrow_type_to_pg(t.value_type)
        return inner if inner.endswith("[]") else inner + "[]"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "smallint"
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "integer"
    if pa.types.is_int64(t) or pa.types.is_uint32(t):
        return "bigint"
    if pa.types.is_uint64(t):
        return "numeric(20,0)"
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return "real"
    if pa.types.is_float64(t):
        return "double precision"
    if pa.types.is_decimal(t):
        return f"numeric({t.precision},{t.scale})"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or str(t) == "string_view":
        return "text"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "bytea"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_duration(t) or str(t).startswith("month_day_nano_interval"):
        return "interval"
    return "text"


def register_arrow_schema(server: Any, database: str, schema: str, table: str, arrow_schema: Any,
                          **table_options: Any) -> None:
    """Registers ``table`` with the columns of a pyarrow schema (nullability from each field);
    ``table_options`` are passed to ``register_table`` (``primary_key=``, ``comment=``, …)."""
    columns = [{f.name: {"type": arrow_type_to_pg(f.type), "nullable": bool(f.nullable)}}
               for f in arrow_schema]
    server.register_table(database, schema, table, columns, **table_options)


def _rows(con: Any, sql: str, params: Optional[List[Any]] = None) -> List[Dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def register_duckdb(server: Any, con: Any, database: Optional[str] = None,
                    duckdb_database: Optional[str] = None,
                    schema_map: Optional[Dict[str, str]] = None,
                    kind: Optional[str] = None) -> List[str]:
    """Registers every table and view of the DuckDB connection ``con`` (its current database,
    or ``duckdb_database``) under ``database`` (default: the DuckDB database's name).

    Schemas keep DuckDB's names unless ``schema_map`` renames them (``{"main": "public"}``
    shows DuckDB's default schema where PostgreSQL tools look first). ``kind="table"``
    registers views as tables too (``riffq serve`` serves files through DuckDB views).
    Returns the registered ``schema.table`` names."""
    smap = schema_map or {}
    db_name = duckdb_database or con.execute("SELECT current_database()").fetchone()[0]
    target = database or db_name
    server.register_database(target)
    tables = _rows(con, "SELECT schema_name, table_name, comment FROM duckdb_tables() "
                        "WHERE database_name = ? AND NOT internal ORDER BY schema_name, table_name",
                   [db_name])
    views = _rows(con, "SELECT schema_name, view_name AS table_name, comment, sql FROM duckdb_views() "
                       "WHERE database_name = ? AND NOT internal ORDER BY schema_name, view_name",
                  [db_name])
    constraints = _rows(con, "SELECT schema_name, table_name, constraint_type, constraint_column_names, "
                             "constraint_name, referenced_table, referenced_column_names, expression "
                             "FROM duckdb_constraints() WHERE database_name = ?", [db_name])
    registered: List[str] = []
    for schema in sorted({smap.get(t["schema_name"], t["schema_name"]) for t in tables + views}):
        server.register_schema(target, schema)
    # Referenced tables first, so that foreign keys find them.
    ordered = sorted(tables, key=lambda t: any(
        c["constraint_type"] == "FOREIGN KEY" and c["table_name"] == t["table_name"] for c in constraints))
    kind_override = kind
    for rel, kind in [(t, "table") for t in ordered] + [(v, "view") for v in views]:
        schema, name = rel["schema_name"], rel["table_name"]
        cols = _rows(con, "SELECT column_name, data_type, is_nullable, column_default, comment "
                          "FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
                          "AND table_name = ? ORDER BY column_index", [db_name, schema, name])
        columns = []
        for c in cols:
            pg_type = duckdb_type_to_pg(c["data_type"])
            spec: Dict[str, Any] = {"type": pg_type, "nullable": bool(c["is_nullable"])}
            if c.get("column_default") is not None:
                spec["default"] = duckdb_default_to_pg(str(c["column_default"]), pg_type)
            if c.get("comment"):
                spec["comment"] = c["comment"]
            columns.append({c["column_name"]: spec})
        options: Dict[str, Any] = {"kind": kind_override or kind}
        if rel.get("comment"):
            options["comment"] = rel["comment"]
        if options["kind"] == "view" and rel.get("sql"):
            options["view_sql"] = rel["sql"]
        mine = [c for c in constraints if c["schema_name"] == schema and c["table_name"] == name]
        pk = [c for c in mine if c["constraint_type"] == "PRIMARY KEY"]
        if pk:
            options["primary_key"] = list(pk[0]["constraint_column_names"])
        uniques = [list(c["constraint_column_names"]) for c in mine if c["constraint_type"] == "UNIQUE"]
        if uniques:
            options["unique"] = uniques
        shown = smap.get(schema, schema)
        fks = [{"columns": list(c["constraint_column_names"]), "references": f"{shown}.{c['referenced_table']}",
                "ref_columns": list(c["referenced_column_names"])}
               for c in mine if c["constraint_type"] == "FOREIGN KEY"]
        if fks:
            options["foreign_keys"] = fks
        types = {next(iter(c)): next(iter(c.values()))["type"] for c in columns}
        checks = [{"expr": duckdb_check_to_pg(c["expression"], types)}
                  for c in mine if c["constraint_type"] == "CHECK" and c.get("expression")]
        if checks:
            options["checks"] = checks
        server.register_table(target, shown, name, columns, **options)
        registered.append(f"{shown}.{name}")
    return registered

"""One set of demo objects for the catalog-emulation tests, created twice: as DDL in a real
PostgreSQL 15 and as register_* calls on a riffq server. Both sides must describe the same
objects, so the DDL and the registrations are generated from one description (OBJECTS).

Two schemas (public, sales), four tables with primary keys (one of two columns), foreign keys
(one across schemas), a unique key, indexes (one unique), check constraints (named and
unnamed), column defaults and comments, the column types int, bigint, varchar(40),
numeric(12,2), text, text[], bool, timestamptz and date, and a view.
"""

from __future__ import annotations

from typing import Any, Dict, List

from .pg_cluster import PgCluster

DATABASE = "catdemo"

# The view's definition exactly as PostgreSQL 15's pg_get_viewdef prints it for the DDL below.
ACTIVE_CUSTOMERS_SQL = (" SELECT customers.id,\n    customers.name\n   FROM customers\n"
                        "  WHERE customers.active;")

OBJECTS: List[Dict[str, Any]] = [
    {
        "schema": "public", "name": "customers", "comment": "people who order",
        "columns": [
            ("id", "integer", False, None, "customer id"),
            ("email", "varchar(40)", False, None, None),
            ("name", "text", True, None, None),
            ("score", "numeric(12,2)", True, "0", None),
            ("tags", "text[]", True, None, "free-form labels"),
            ("active", "boolean", False, "true", None),
            ("created_at", "timestamptz", True, "now()", None),
            ("birthday", "date", True, None, None),
            ("visits", "bigint", True, None, None),
        ],
        "primary_key": ["id"],
        "unique": [["email"]],
    },
    {
        "schema": "public", "name": "orders", "comment": None,
        "columns": [
            ("order_id", "bigint", False, None, None),
            ("customer_id", "integer", False, None, "who ordered"),
            ("amount", "numeric(12,2)", True, None, None),
            ("note", "text", True, None, None),
            ("placed_on", "date", True, "CURRENT_DATE", None),
        ],
        "primary_key": ["order_id"],
        "foreign_keys": [{"columns": ["customer_id"], "references": "public.customers",
                          "ref_columns": ["id"]}],
        "indexes": [{"name": "orders_customer_id_idx", "columns": ["customer_id"],
                     "unique": False}],
    },
    {
        "schema": "sales", "name": "regions", "comment": "sales regions",
        "columns": [
            ("region_id", "integer", False, None, None),
            ("name", "varchar(40)", False, None, None),
            ("target", "numeric(12,2)", True, None, None),
        ],
        "primary_key": ["region_id"],
    },
    {
        "schema": "sales", "name": "assignments", "comment": "who covers which region",
        "columns": [
            ("customer_id", "integer", False, None, None),
            ("region_id", "integer", False, None, "a sales.regions key"),
            ("share", "numeric(5,2)", False, "100", None),
            ("since", "date", True, None, None),
            ("code", "varchar(12)", True, None, None),
        ],
        "primary_key": ["customer_id", "region_id"],
        "foreign_keys": [{"columns": ["customer_id"], "references": "public.customers",
                          "ref_columns": ["id"]},
                         {"columns": ["region_id"], "references": "sales.regions",
                          "ref_columns": ["region_id"]}],
        "indexes": [{"name": "assignments_code_idx", "columns": ["code"], "unique": True}],
        # Written as PostgreSQL prints them (pg_get_constraintdef without pretty).
        "checks": [{"name": "share_range",
                    "expr": "((share > (0)::numeric) AND (share <= (100)::numeric))"},
                   {"expr": "(since > '2000-01-01'::date)"}],
    },
    {
        "schema": "public", "name": "active_customers", "kind": "view", "comment": None,
        "columns": [
            ("id", "integer", True, None, None),
            ("name", "text", True, None, None),
        ],
        "view_sql": ACTIVE_CUSTOMERS_SQL,
        "view_ddl": "SELECT id, name FROM customers WHERE active",
    },
]

SCHEMAS = ["public", "sales"]
TABLES = [o for o in OBJECTS if o.get("kind", "table") == "table"]
VIEWS = [o for o in OBJECTS if o.get("kind") == "view"]


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def ddl(duckdb: bool = False) -> List[str]:
    """The statements that create OBJECTS in PostgreSQL (in the current database); for DuckDB
    (``duckdb=True``) without the foreign keys across schemas, which DuckDB refuses."""
    out = ["CREATE SCHEMA sales"]
    for o in OBJECTS:
        fq = f"{o['schema']}.{o['name']}"
        if o.get("kind") == "view":
            out.append(f"CREATE VIEW {fq} AS {o['view_ddl']}")
            continue
        cols = []
        for name, typ, nullable, default, _ in o["columns"]:
            c = f"{name} {typ}"
            if not nullable:
                c += " NOT NULL"
            if default is not None:
                c += f" DEFAULT {default}"
            cols.append(c)
        if o.get("primary_key"):
            cols.append(f"PRIMARY KEY ({', '.join(o['primary_key'])})")
        for u in o.get("unique", []):
            cols.append(f"UNIQUE ({', '.join(u)})")
        for ck in o.get("checks", []):
            named = f"CONSTRAINT {ck['name']} " if ck.get("name") else ""
            cols.append(f"{named}CHECK ({ck['expr']})")
        for fk in o.get("foreign_keys", []):
            if duckdb and not fk["references"].startswith(o["schema"] + "."):
                continue
            cols.append(f"FOREIGN KEY ({', '.join(fk['columns'])}) REFERENCES {fk['references']}"
                        f" ({', '.join(fk['ref_columns'])})")
        out.append(f"CREATE TABLE {fq} ({', '.join(cols)})")
        for ix in o.get("indexes", []):
            uq = "UNIQUE " if ix.get("unique") else ""
            out.append(f"CREATE {uq}INDEX {ix['name']} ON {fq} ({', '.join(ix['columns'])})")
    for o in OBJECTS:
        fq = f"{o['schema']}.{o['name']}"
        if o.get("comment"):
            out.append(f"COMMENT ON {'VIEW' if o.get('kind') == 'view' else 'TABLE'} {fq} IS "
                       f"{_q(o['comment'])}")
        for name, _, _, _, comment in o["columns"]:
            if comment:
                out.append(f"COMMENT ON COLUMN {fq}.{name} IS {_q(comment)}")
    return out


def columns_spec(o: Dict[str, Any]) -> List[Dict[str, Dict[str, Any]]]:
    """register_table's column list for one object of OBJECTS."""
    spec = []
    for name, typ, nullable, default, comment in o["columns"]:
        d: Dict[str, Any] = {"type": typ, "nullable": nullable}
        if default is not None:
            d["default"] = default
        if comment:
            d["comment"] = comment
        spec.append({name: d})
    return spec


def register(server: Any, database: str = DATABASE, skip: tuple = ()) -> None:
    """Registers OBJECTS on a riffq.Server / RiffqServer (objects named in ``skip`` are left
    out, which the tests use to check that they can fail)."""
    server.register_database(database)
    for s in SCHEMAS:
        server.register_schema(database, s)
    for o in OBJECTS:
        if o["name"] in skip:
            continue
        kw: Dict[str, Any] = {}
        if o.get("kind") == "view":
            kw = {"kind": "view", "view_sql": o["view_sql"]}
        else:
            kw = {"primary_key": o.get("primary_key"), "unique": o.get("unique"),
                  "foreign_keys": o.get("foreign_keys"), "indexes": o.get("indexes"),
                  "checks": o.get("checks")}
        server.register_table(database, o["schema"], o["name"], columns_spec(o),
                              comment=o.get("comment"), **kw)


def create_in_postgres(cluster: Any, database: str = DATABASE) -> None:
    """Creates ``database`` in a PgCluster and OBJECTS inside it."""
    import psycopg

    with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {database}")
        c.execute(f"CREATE DATABASE {database}")
    with psycopg.connect(cluster.dsn(database), autocommit=True) as c:
        for stmt in ddl():
            c.execute(stmt)


class Utf8PgCluster(PgCluster):
    """A PgCluster initialised with --locale=C.UTF-8, the locale of the cluster whose catalog
    riffq emulates (datcollate / datctype in pg_database), so \\l can be compared."""

    def start(self) -> "Utf8PgCluster":
        real_cmd = self._cmd

        def cmd(args, **kw):
            args = ["--locale=C.UTF-8" if a == "--locale=C" else a for a in args]
            return real_cmd(args, **kw)

        self._cmd = cmd  # type: ignore[method-assign]
        try:
            super().start()
        finally:
            del self._cmd
        return self


# The same rows on both sides (DuckDB and PostgreSQL parse these INSERTs alike).
DATA = [
    "INSERT INTO public.customers VALUES (1, 'ann@example.com', 'Ann', 12.50, ARRAY['a', 'b'], "
    "true, '2024-01-02 03:04:05+00', '1990-05-06', 7)",
    "INSERT INTO public.customers VALUES (2, 'bob@example.com', 'Bob', NULL, NULL, false, NULL, "
    "NULL, NULL)",
    "INSERT INTO public.orders VALUES (10, 1, 99.95, 'first', '2024-02-03')",
    "INSERT INTO public.orders VALUES (11, 1, NULL, NULL, '2024-02-04')",
    "INSERT INTO sales.regions VALUES (1, 'north', 1000.00)",
]


def create_in_duckdb(con: Any) -> None:
    """Creates OBJECTS and DATA in a DuckDB connection (schemas public and sales)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS public")
    con.execute("SET search_path = 'public'")
    for stmt in ddl(duckdb=True) + DATA:
        con.execute(stmt)


def insert_data_in_postgres(cluster: Any, database: str = DATABASE) -> None:
    import psycopg

    with psycopg.connect(cluster.dsn(database), autocommit=True) as c:
        for stmt in DATA:
            c.execute(stmt)

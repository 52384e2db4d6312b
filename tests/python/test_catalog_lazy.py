"""Lazy catalog sources (set_lazy_catalog): read before every catalog statement, OIDs used
verbatim, a failing source is XX000 for that statement only, duplicates are errors."""
from __future__ import annotations

from typing import Any, Dict, List

import psycopg
import pytest

from riffq.helpers import to_arrow
from support.pg_cluster import free_port
from support.servers import ServerThread


def _answer(sql: str, callback: Any, **kwargs: Any) -> None:
    callback(to_arrow([{"name": "x", "type": "int"}], [[1]]))


class Source:
    """A source whose tables can change between statements, and can be made to fail."""

    def __init__(self) -> None:
        self.tables: List[str] = ["orders"]
        self.fail = False
        self.duplicate = False
        self.duplicate_column = False
        self.relation_calls = 0

    def databases(self, cb: Any) -> None:
        cb([{"oid": 30000, "name": "lazydb"}])

    def schemas(self, database: str, cb: Any) -> None:
        if self.fail:
            raise RuntimeError("source unavailable")
        cb([{"oid": 30001, "name": "sales"}])

    def relations(self, database: str, schema: str, cb: Any) -> None:
        self.relation_calls += 1
        rows: List[Dict[str, Any]] = [
            {"oid": 30010 + 2 * i, "reltype_oid": 30011 + 2 * i, "name": name}
            for i, name in enumerate(self.tables)]
        if self.duplicate:
            rows.append(dict(rows[0]))
        cb(rows)

    def columns(self, database: str, schema: str, relation: str, cb: Any) -> None:
        rows = [{"name": "id", "type_oid": 20, "nullable": False},
                {"name": "total", "type_oid": 1700, "nullable": True}]
        cb(rows + rows[:1] if self.duplicate_column else rows)

    def settings(self, cb: Any) -> None:
        cb([{"name": "application_name", "setting": "from-source"}])


@pytest.fixture()
def lazy():
    source = Source()
    srv = ServerThread(_answer, free_port(), catalog_emulation=True)
    srv.server.set_lazy_catalog(source)
    srv.start()
    yield srv, source
    srv.stop()


def test_source_objects_and_oids_are_used_verbatim(lazy) -> None:
    srv, _ = lazy
    with psycopg.connect(srv.dsn(dbname="lazydb")) as conn:
        rows = conn.execute(
            "SELECT n.nspname, c.relname, c.oid::int8, c.reltype::int8 FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales'").fetchall()
        assert rows == [("sales", "orders", 30010, 30011)]
        cols = conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            "WHERE attrelid = %s AND attnum > 0 ORDER BY attnum", (30010,)).fetchall()
        assert cols == [("id", "bigint", True), ("total", "numeric", False)]


def test_objects_created_later_appear_on_the_next_statement(lazy) -> None:
    srv, source = lazy
    with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True) as conn:
        q = "SELECT relname FROM pg_catalog.pg_class WHERE relnamespace = 30001 ORDER BY 1"
        assert conn.execute(q).fetchall() == [("orders",)]
        calls = source.relation_calls
        source.tables.append("customers")
        assert conn.execute(q).fetchall() == [("customers",), ("orders",)]
        assert source.relation_calls > calls


def test_a_failing_source_is_xx000_and_the_session_goes_on(lazy) -> None:
    srv, source = lazy
    with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True) as conn:
        source.fail = True
        with pytest.raises(psycopg.Error) as err:
            conn.execute("SELECT relname FROM pg_catalog.pg_class")
        assert err.value.sqlstate == "XX000"
        assert "source unavailable" in str(err.value)
        source.fail = False
        assert conn.execute("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'sales'").fetchone() == (1,)


@pytest.mark.parametrize("flag, message", [
    ("duplicate", 'duplicate relation in schema sales: "orders"'),
    ("duplicate_column", 'duplicate column of orders: "id"'),
])
def test_duplicate_relations_and_columns_are_an_error(lazy, flag: str, message: str) -> None:
    srv, source = lazy
    setattr(source, flag, True)
    with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute("SELECT relname FROM pg_catalog.pg_class")
        assert err.value.sqlstate == "XX000"
        assert message in str(err.value)


def test_source_settings_override_pg_settings(lazy) -> None:
    srv, _ = lazy
    with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True) as conn:
        row = conn.execute("SELECT setting FROM pg_catalog.pg_settings WHERE name = 'application_name'").fetchone()
        assert row == ("from-source",)
    # A session's own value (startup packet or SET) wins over the registered default.
    with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True, application_name="mine") as conn:
        q = "SELECT setting, source FROM pg_catalog.pg_settings WHERE name = 'application_name'"
        assert conn.execute(q).fetchone() == ("mine", "session")
        conn.execute("SET application_name = 'later'")
        assert conn.execute(q).fetchone() == ("later", "session")


def test_a_source_without_the_methods_is_refused() -> None:
    import riffq

    with pytest.raises(TypeError):
        riffq.Server("127.0.0.1:0").set_lazy_catalog(object())


class VersionedSource(Source):
    """A source that says when it changed (version(database, cb))."""

    def __init__(self) -> None:
        super().__init__()
        self.version_value = 1

    def version(self, database: str, cb: Any) -> None:
        cb(self.version_value)


def test_versioned_source_is_read_again_only_when_its_version_changes() -> None:
    source = VersionedSource()
    srv = ServerThread(_answer, free_port(), catalog_emulation=True)
    srv.server.set_lazy_catalog(source)
    srv.start()
    try:
        with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True) as conn:
            names = "SELECT relname FROM pg_class WHERE relnamespace = 30001 ORDER BY 1"
            assert conn.execute(names).fetchall() == [("orders",)]
            calls = source.relation_calls
            assert conn.execute(names).fetchall() == [("orders",)]
            assert source.relation_calls == calls  # same version: nothing read again
            source.tables.append("refunds")
            assert conn.execute(names).fetchall() == [("orders",)]  # not announced yet
            source.version_value = 2
            assert conn.execute(names).fetchall() == [("orders",), ("refunds",)]
            assert source.relation_calls == calls + 1
    finally:
        srv.stop()


class TwoDatabaseSource(VersionedSource):
    """A versioned source serving two databases, each with its own tables (one version)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_database = {"lazydb": ["orders"], "otherdb": ["customers"]}

    def databases(self, cb: Any) -> None:
        cb([{"oid": 30000, "name": "lazydb"}, {"oid": 30100, "name": "otherdb"}])

    def relations(self, database: str, schema: str, cb: Any) -> None:
        self.tables = self.by_database[database]
        super().relations(database, schema, cb)


def test_versioned_objects_are_kept_per_database_and_read_again_for_a_new_version() -> None:
    """The objects kept for a version belong to one database, and a version is compared with
    the last answer only: going back to an earlier version reads the source again."""
    source = TwoDatabaseSource()
    srv = ServerThread(_answer, free_port(), catalog_emulation=True)
    srv.server.set_lazy_catalog(source)
    srv.start()
    names = "SELECT relname FROM pg_class WHERE relnamespace = 30001 ORDER BY 1"
    try:
        with psycopg.connect(srv.dsn(dbname="lazydb"), autocommit=True) as a, \
                psycopg.connect(srv.dsn(dbname="otherdb"), autocommit=True) as b:
            for _ in range(2):  # the second round is served from what was kept
                assert a.execute(names).fetchall() == [("orders",)]
                assert b.execute(names).fetchall() == [("customers",)]
            source.by_database["lazydb"].append("refunds")
            source.version_value = 2
            assert a.execute(names).fetchall() == [("orders",), ("refunds",)]
            source.by_database["lazydb"].append("returns")
            source.version_value = 1  # an earlier version is still a change from the last one
            assert a.execute(names).fetchall() == [("orders",), ("refunds",), ("returns",)]
            assert b.execute(names).fetchall() == [("customers",)]
    finally:
        srv.stop()

"""query_args: Bind parameters decoded by type and format code into Python values (SPEC §4.2),
from psycopg (declared types, text and binary) and asyncpg (types from $n::casts, binary)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal

import asyncpg
import psycopg
import pyarrow as pa
import pytest
from psycopg.types.json import Json


def capture(seen):
    def on_query(sql, callback, *, do_describe, connection_id, query_args=None):
        if query_args is not None and not do_describe:
            seen.append(query_args)
        callback(pa.table({"ok": [1]}).to_reader())

    return on_query


VALUES = [
    42, -7, 2**40, 1.25, Decimal("12.340"), True, None, "text é", b"\x00\xff",
    dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.datetime(2024, 1, 2, 3, 4, 5, 6),
    dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_psycopg_parameters(serve, binary):
    seen = []
    st = serve(capture(seen))
    placeholders = ", ".join(["%b" if binary else "%t"] * len(VALUES))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        conn.execute(f"select {placeholders}", VALUES)
        conn.execute("select %s, %s", [Json({"a": [1, None]}), Json([1, 2])])
    got = seen[0]
    assert got[:6] == VALUES[:6]
    assert got[6] is None
    assert got[7:9] == VALUES[7:9]
    assert got[9:11] == VALUES[9:11]
    assert got[11] == VALUES[11]
    assert got[12] == VALUES[12] and got[12].tzinfo is not None
    assert got[13] == VALUES[13]
    assert seen[1] == [{"a": [1, None]}, [1, 2]]


def test_asyncpg_parameters_by_cast(serve):
    seen = []
    st = serve(capture(seen))

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=st.port, user="u", database="d")
        try:
            await conn.fetch("select $1::date, $2::timestamptz, $3::uuid, $4::jsonb, $5::numeric, $6::bool",
                             dt.date(2020, 5, 17), dt.datetime(2020, 5, 17, 1, 2, 3, tzinfo=dt.timezone.utc),
                             uuid.UUID(int=5), '{"k": 1}', Decimal("1.5"), False)
        finally:
            await conn.close()

    asyncio.run(run())
    assert seen[0] == [dt.date(2020, 5, 17), dt.datetime(2020, 5, 17, 1, 2, 3, tzinfo=dt.timezone.utc),
                       uuid.UUID(int=5), {"k": 1}, Decimal("1.5"), False]


def test_asyncpg_parameters_typed_from_context(serve):
    """Untyped parameters get the type PostgreSQL would infer from their context, so asyncpg
    accepts Python ints and Decimals for them (for a text parameter it refuses an int)."""
    seen = []
    st = serve(capture(seen))

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=st.port, user="u", database="d")
        try:
            await conn.fetch("select * from t where x > $1 + 1 and 3::int2 in ($2) "
                             "and $3 between 0.25 and 1.5 limit $4 offset $5",
                             7, 3, Decimal("0.5"), 10, 2**40)
            stmt = await conn.prepare("select * from t where $1 > 2 limit $2")
            return [t.name for t in stmt.get_parameters()]
        finally:
            await conn.close()

    assert asyncio.run(run()) == ["int4", "int8"]
    assert seen[0] == [7, 3, Decimal("0.5"), 10, 2**40]


def test_parameter_description_of_inferred_arrays(serve):
    import struct

    from support import wire
    from support.wire import WireClient

    st = serve(capture([]))
    with WireClient(st.port) as c:
        c.startup()
        c.send(wire.parse("s", "select 1 where 4::int8 = any($1) and $2 = any('{1}'::int2[])")
               + wire.describe(b"S", "s") + wire.SYNC)
        msgs = c.messages_until_ready()
    body = next(wire.iter_kinds(msgs, b"t"))
    assert struct.unpack("!H", body[:2])[0] == 2
    assert struct.unpack("!II", body[2:10]) == (1016, 21)  # _int8, int2


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_numeric_parameters(serve, binary):
    seen = []
    st = serve(capture(seen))
    values = [Decimal("-0.0001"), Decimal("123456789.000001"), Decimal("0"), Decimal("1E+20"),
              Decimal("NaN"), Decimal("-99999.9"), Decimal("0.50")]
    ph = ", ".join(["%b" if binary else "%t"] * len(values))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        conn.execute(f"select {ph}", values)
    got = seen[0]
    assert got[4].is_nan()
    assert [g for i, g in enumerate(got) if i != 4] == [v for i, v in enumerate(values) if i != 4]


def test_undecodable_parameter_is_an_error_not_a_crash(serve):
    st = serve(capture([]))
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            conn.execute("select %s::int", ["not a number"])
        assert conn.execute("select 1").fetchone() == (1,)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_arrays_times_intervals_and_network_types(serve, binary):
    import ipaddress

    from riffq.values import Interval

    seen = []
    st = serve(capture(seen))
    tz = dt.timezone(dt.timedelta(hours=5, minutes=30))
    values = [
        [1, None, 3],
        ["a", None, 'with "quote", comma', "NULL", ""],
        [[1, 2], [3, None]],
        [dt.date(2024, 2, 29), None],
        ["{}"],  # psycopg sends an empty list untyped; this is a one-element text[]
        dt.timedelta(days=-1, seconds=5, microseconds=7),
        dt.time(4, 5, 6, 789),
        dt.time(23, 59, 59, tzinfo=tz),
        ipaddress.ip_interface("192.168.0.1/24"),
        ipaddress.ip_network("2001:db8::/32"),
    ]
    ph = "%b" if binary else "%t"
    with psycopg.connect(st.dsn(), autocommit=True) as conn:
        # psycopg sends lists of str untyped in text mode: the cast types the parameter.
        placeholders = [ph] * len(values)
        placeholders[1] += "::text[]"
        placeholders[4] += "::text[]"
        conn.execute("select " + ", ".join(placeholders), values)
        # An interval with months, only expressible in PostgreSQL's own text form.
        conn.execute("select %s::interval, %s::money, %s::interval",
                     ["1 year 2 mons 3 days 04:05:06.5", "-$1,234.56", "P1Y2M3DT4H"], prepare=False)
    got = seen[0]
    assert got[0] == [1, None, 3]
    assert got[1] == ["a", None, 'with "quote", comma', "NULL", ""]
    assert got[2] == [[1, 2], [3, None]]
    assert got[3] == [dt.date(2024, 2, 29), None]
    assert got[4] == ["{}"]
    assert got[5] == dt.timedelta(days=-1, seconds=5, microseconds=7) and got[5].months == 0
    assert got[6] == dt.time(4, 5, 6, 789)
    assert got[7] == dt.time(23, 59, 59, tzinfo=tz) and got[7].utcoffset() == tz.utcoffset(None)
    assert got[8] == ipaddress.ip_interface("192.168.0.1/24")
    assert got[9] == ipaddress.ip_network("2001:db8::/32")
    assert seen[1] == [Interval(months=14, days=3, microseconds=14_706_500_000),
                       Decimal("-1234.56"), Interval(months=14, days=3, microseconds=14_400_000_000)]


def test_binary_interval_money_and_arrays_from_asyncpg(serve):
    seen = []
    st = serve(capture(seen))

    async def run():
        conn = await asyncpg.connect(host="127.0.0.1", port=st.port, user="u", database="d")
        try:
            await conn.fetch("select $1::interval, $2::time, $3::timetz",
                             dt.timedelta(days=2, microseconds=3), dt.time(1, 2, 3),
                             dt.time(1, 2, 3, tzinfo=dt.timezone.utc))
        finally:
            await conn.close()

    asyncio.run(run())
    assert seen[0] == [dt.timedelta(days=2, microseconds=3), dt.time(1, 2, 3),
                       dt.time(1, 2, 3, tzinfo=dt.timezone.utc)]


def test_malformed_array_parameter_is_22p02(serve):
    from support import wire
    from support.wire import WireClient

    st = serve(capture([]))
    with WireClient(st.port) as c:
        c.startup()
        c.send(wire.parse("", "select $1", (1007,)) + wire.bind("", "", (b"{1,{2}}",))
               + wire.execute() + wire.SYNC)
        msgs = c.messages_until_ready()
    errs = wire.errors(msgs)
    assert [e["C"] for e in errs] == ["22P02"] and "malformed array literal" in errs[0]["M"]

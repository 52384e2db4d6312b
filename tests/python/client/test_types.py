"""Every PostgreSQL type SPEC §7 names, read through binary COPY (and the row fallback)."""

import datetime as dt
import decimal
import math
import uuid

import polars as pl
import pytest

D = decimal.Decimal


def one(conn, expr, **kw):
    df = conn.read_pq(f"select {expr} as v", **kw)
    assert df.columns == ["v"]
    return df


def val(conn, expr, **kw):
    return one(conn, expr, **kw).item()


@pytest.mark.parametrize("expr,dtype,value", [
    ("true", pl.Boolean, True),
    ("null::bool", pl.Boolean, None),
    ("(-32768)::int2", pl.Int16, -32768),
    ("2147483647::int4", pl.Int32, 2147483647),
    ("(-9223372036854775808)::int8", pl.Int64, -9223372036854775808),
    ("4294967295::oid", pl.UInt32, 4294967295),
    ("1.5::float4", pl.Float32, 1.5),
    ("'Infinity'::float8", pl.Float64, math.inf),
    ("'-Infinity'::float8", pl.Float64, -math.inf),
    ("'héllo'::text", pl.String, "héllo"),
    ("'ab'::varchar(5)", pl.String, "ab"),
    ("'ab'::char(4)", pl.String, "ab  "),
    ("'pg_class'::name", pl.String, "pg_class"),
    ("'x'::\"char\"", pl.String, "x"),
    ("'\\x00ff'::bytea", pl.Binary, b"\x00\xff"),
    ("'{\"a\": [1, 2]}'::json", pl.String, '{"a": [1, 2]}'),
    ("'{\"a\": [1, 2]}'::jsonb", pl.String, '{"a": [1, 2]}'),
    ("'2024-02-29'::date", pl.Date, dt.date(2024, 2, 29)),
    ("'0044-03-15 BC'::date", pl.Date, None),  # checked separately below (polars prints BC)
    ("'13:14:15.123456'::time", pl.Time, dt.time(13, 14, 15, 123456)),
    ("'2001-02-03 04:05:06.789'::timestamp", pl.Datetime("us"), dt.datetime(2001, 2, 3, 4, 5, 6, 789000)),
    ("'1 day 02:00:03'::interval", pl.Duration("us"), dt.timedelta(days=1, hours=2, seconds=3)),
    ("'12.34'::numeric(6,2)", pl.Decimal(6, 2), D("12.34")),
    ("'-0.001'::numeric(5,3)", pl.Decimal(5, 3), D("-0.001")),
    ("'12.5'::money", pl.Decimal(19, 2), D("12.50")),
    ("'1.2.3.4'::inet", pl.String, "1.2.3.4"),
    ("'10.0.0.0/8'::cidr", pl.String, "10.0.0.0/8"),
    ("'::1/128'::inet", pl.String, "::1"),
    ("B'1011'::bit(4)", pl.String, "1011"),
    ("B'10'::varbit", pl.String, "10"),
    ("'04:05:06+02'::timetz", pl.String, "04:05:06+02"),
    ("'[1,5)'::int4range", pl.String, "[1,5)"),
    ("'(1,2)'::point", pl.String, "(1,2)"),
    ("'08:00:2b:01:02:03'::macaddr", pl.String, "08:00:2b:01:02:03"),
])
def test_scalar(conn, expr, dtype, value):
    df = one(conn, expr)
    assert df.schema["v"] == dtype
    if "BC" not in expr:
        assert df.item() == value


def test_bc_date_and_timestamp(conn):
    d = one(conn, "'0044-03-15 BC'::date").select(
        y=pl.col("v").dt.year(), m=pl.col("v").dt.month(), d=pl.col("v").dt.day())
    assert d.row(0) == (-43, 3, 15)
    ts = one(conn, "'0100-01-01 00:00:00 BC'::timestamp").select(y=pl.col("v").dt.year())
    assert ts.item() == -99


def test_nan_and_infinities(conn):
    df = conn.read_pq("select 'NaN'::float8 a, 'NaN'::numeric b, 'Infinity'::numeric c, "
                      "'infinity'::date d, '-infinity'::timestamp e, 'infinity'::timestamptz f")
    r = df.row(0)
    assert math.isnan(r[0])
    assert r[1] == "NaN" and r[2] == "Infinity"  # numeric without typmod → string
    assert r[3] is None and r[4] is None and r[5] is None  # ±infinity dates → NULL
    assert math.isnan(val(conn, "'NaN'::numeric", numeric="float"))
    assert val(conn, "'NaN'::numeric(10,2)") is None


def test_timestamptz_is_utc(conn):
    conn.execute("set timezone = 'America/New_York'")
    df = one(conn, "'2020-06-01 12:00:00+00'::timestamptz")
    assert df.schema["v"] == pl.Datetime("us", "UTC")
    assert df.item() == dt.datetime(2020, 6, 1, 12, tzinfo=dt.timezone.utc)


def test_numeric_modes(conn):
    big = "123456789012345678901234567890123456789012.5"  # 43 digits
    assert val(conn, f"'{big}'::numeric") == big
    assert val(conn, f"'{big}'::numeric(50,1)") == big  # precision > 38 → string
    assert val(conn, "'1.25'::numeric(10,2)", numeric="string") == "1.25"
    assert val(conn, "'1.25'::numeric(10,2)", numeric="float") == 1.25
    assert val(conn, "'99999999999999999999999999999999999999'::numeric(38,0)") == \
        D("99999999999999999999999999999999999999")
    assert val(conn, "0::numeric(10,2)") == D("0.00")
    assert val(conn, "'-12345.6789'::numeric(20,4)") == D("-12345.6789")


def test_uuid_binary_and_string(conn):
    u = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    b = val(conn, f"'{u}'::uuid")
    assert str(uuid.UUID(bytes=b)) == u
    assert val(conn, f"'{u}'::uuid", uuid="string") == u


def test_enum_and_domain(conn):
    conn.execute("drop type if exists mood cascade; create type mood as enum ('sad','happy');"
                 "drop domain if exists posint; create domain posint as int check (value > 0)")
    df = conn.read_pq("select 'happy'::mood m, 5::posint p, array['sad','happy']::mood[] ms")
    assert df.row(0) == ("happy", 5, ["sad", "happy"])
    assert df.schema["p"] == pl.Int32


def test_arrays(conn):
    df = conn.read_pq("select array[1,null,3]::int[] a, '{}'::int[] e, null::int[] n, "
                      "array['x','y']::text[] t, array[1.5]::numeric(4,1)[] d, "
                      "'{{1,2},{3,4}}'::int[] md, array['2020-01-01'::date] ds")
    r = df.row(0)
    assert r[0] == [1, None, 3]
    assert r[1] == [] and r[2] is None
    assert r[3] == ["x", "y"]
    assert r[4] == [D("1.5")]
    assert r[5] == [1, 2, 3, 4]  # an expression has no declared dims: flattened into 1-D
    assert r[6] == [dt.date(2020, 1, 1)]


def test_multidim_table_column(conn):
    conn.execute("drop table if exists md; create table md (a int[][]);"
                 "insert into md values ('{{1,2},{3,4}}'), ('{}'), (null), ('{5}')")
    df = conn.read_pq("select a from md")
    assert df.schema["a"] == pl.List(pl.List(pl.Int32))
    assert df["a"].to_list() == [[[1, 2], [3, 4]], [], None, [[5]]]


def test_arrays_of_text_cast_types(conn):
    assert one(conn, "array['1.2.3.4'::inet, null]")["v"].to_list() == [["1.2.3.4", None]]
    assert one(conn, "array['[1,2)'::int4range]")["v"].to_list() == [["[1,2)"]]


def test_unknown_type_is_bytes_or_text(conn):
    conn.execute("create extension if not exists hstore")
    assert isinstance(val(conn, "'a=>1'::hstore"), bytes)
    assert val(conn, "'a=>1'::hstore", unknown_as_text=True) == '"a"=>"1"'


def test_composite_and_range_are_text(conn):
    assert val(conn, "row(1,'a')") == "(1,a)"
    assert val(conn, "'[2020-01-01,2020-02-01)'::daterange") == "[2020-01-01,2020-02-01)"


def test_nulls_in_every_type(conn):
    types = ["bool", "int2", "int4", "int8", "float4", "float8", "text", "bytea", "numeric",
             "numeric(10,2)", "date", "time", "timetz", "timestamp", "timestamptz", "interval",
             "uuid", "json", "jsonb", "inet", "money", "bit(3)", "oid", "\"char\"", "int4range",
             "int[]", "text[]"]
    sql = "select " + ", ".join(f"null::{t} as c{i}" for i, t in enumerate(types))
    df = conn.read_pq(sql + " union all " + sql)
    assert df.height == 2
    assert all(df[c].null_count() == 2 for c in df.columns)


def test_fallback_path_types(conn):
    # params force the row-by-row binary fallback; same decoding
    df = conn.read_pq("select $1::int + 1 as a, $2::text as b, $3::numeric(6,2) c, "
                      "'1.2.3.4'::inet ip", [41, "x", "1.5"])
    assert df.row(0) == (42, "x", D("1.50"), "1.2.3.4")


def test_duplicate_and_unnamed_columns(conn):
    df = conn.read_pq("select 1 as a, 2 as a, 3, 4")
    assert df.columns == ["a", "a_1", "?column?", "?column?_1"]


def test_enum_as_polars_enum(pg):
    import riffq.client

    c = riffq.client.connect(pg.dsn(), enum="enum")
    c.execute("drop type if exists size cascade; create type size as enum ('S', 'M', 'L')")
    lf = c.scan_pq("select 'M'::size as s, 1 as n union all select 'S', 2")
    assert lf.collect_schema()["s"] == pl.Enum(["S", "M", "L"])
    df = lf.collect()
    assert df["s"].dtype == pl.Enum(["S", "M", "L"]) and df["s"].to_list() == ["M", "S"]
    assert c.read_pq("select 'L'::size as s where false").schema["s"] == pl.Enum(["S", "M", "L"])
    c.close()


def test_month_day_nano_interval_for_arrow(conn):
    import pyarrow as pa
    t = pa.table(conn.arrow("select interval '1 month 2 days 3 microseconds' as iv", interval="interval"))
    assert t.schema.field("iv").type == pa.month_day_nano_interval()
    v = t.column(0)[0].as_py()
    assert (v.months, v.days, v.nanoseconds) == (1, 2, 3000)


def test_time_24_and_out_of_range_values_do_not_crash(conn):
    df = conn.read_pq("select '24:00:00'::time a, '294276-12-31 23:59:59'::timestamp b, "
                      "'178000000 years'::interval c")
    assert df.height == 1
    assert df["b"].to_list() == [None] and df["c"].to_list() == [None]

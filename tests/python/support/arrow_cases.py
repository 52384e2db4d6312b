"""The cases of tests/python/test_type_roundtrip.py: for every Arrow type of SPEC §4.1, a
one-column Arrow array and the PostgreSQL 15 expressions (one per row) that must print the same
text. Helpers build PostgreSQL literals whose values PostgreSQL itself computes."""

from __future__ import annotations

import ctypes
import decimal
import math
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

D = decimal.Decimal
NULL_MARK = "<NULL>"
RS = "\x1e"  # record separator, so values containing newlines stay in one row

# ---------------------------------------------------------------------------------------------
# An Arrow C stream with a retyped first column. pyarrow cannot build month_interval or
# day_time_interval arrays from Python, so these are made by exporting an int32/int64 column
# through the C stream interface and replacing its format string ("tiM" / "tiD").
# ---------------------------------------------------------------------------------------------


class _ArrowSchema(ctypes.Structure):
    pass


_ArrowSchema._fields_ = [
    ("format", ctypes.c_void_p), ("name", ctypes.c_void_p), ("metadata", ctypes.c_void_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowSchema))),
    ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p)]


class _ArrowArrayStream(ctypes.Structure):
    pass


_GET_SCHEMA = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream),
                               ctypes.POINTER(_ArrowSchema))
_GET_NEXT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream), ctypes.c_void_p)
_GET_ERROR = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.POINTER(_ArrowArrayStream))
_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArrayStream))
_ArrowArrayStream._fields_ = [
    ("get_schema", _GET_SCHEMA), ("get_next", _GET_NEXT), ("get_last_error", _GET_ERROR),
    ("release", _RELEASE), ("private_data", ctypes.c_void_p)]

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]

_live_streams: list = []  # the consumer may call back after the capsule is gone


class RetypedStream:
    """``__arrow_c_stream__`` of ``table`` whose first column's Arrow format is ``fmt``."""

    def __init__(self, table: pa.Table, fmt: bytes) -> None:
        self.fmt = ctypes.create_string_buffer(fmt)  # owned here, outlives the stream
        self.inner = _ArrowArrayStream()
        table.to_reader()._export_to_c(ctypes.addressof(self.inner))
        inner = self.inner

        def get_schema(_s, out):
            rc = inner.get_schema(ctypes.byref(inner), out)
            if rc == 0:
                out.contents.children[0].contents.format = ctypes.addressof(self.fmt)
            return rc

        def get_next(_s, out):
            return inner.get_next(ctypes.byref(inner), out)

        def get_error(_s):
            return inner.get_last_error(ctypes.byref(inner))

        def release(s):
            if inner.release:
                inner.release(ctypes.byref(inner))
            s.contents.release = _RELEASE()

        self._callbacks = (_GET_SCHEMA(get_schema), _GET_NEXT(get_next), _GET_ERROR(get_error),
                           _RELEASE(release))
        self.outer = _ArrowArrayStream(*self._callbacks, None)
        _live_streams.append(self)

    def __arrow_c_stream__(self, requested_schema=None):
        return _capsule_new(ctypes.addressof(self.outer), b"arrow_array_stream", None)


def month_interval_stream(months: Sequence[Optional[int]]) -> Callable[[], RetypedStream]:
    return lambda: RetypedStream(pa.table({"x": pa.array(months, pa.int32())}), b"tiM")


def day_time_interval_stream(pairs: Sequence[Optional[tuple]]) -> Callable[[], RetypedStream]:
    """(days, milliseconds) pairs as Arrow day_time_interval (two int32 per value)."""
    raw = np.array([v for p in pairs for v in (p if p is not None else (0, 0))], np.int32)
    validity = pa.array([p is not None for p in pairs]).buffers()[1]
    arr = pa.Array.from_buffers(pa.int64(), len(pairs), [validity, pa.py_buffer(raw.tobytes())])
    return lambda: RetypedStream(pa.table({"x": arr}), b"tiD")


# ---------------------------------------------------------------------------------------------
# PostgreSQL literals
# ---------------------------------------------------------------------------------------------


def q(s: str) -> str:
    """A standard-conforming SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def lit(v: Any, pgtype: str) -> str:
    return "NULL" if v is None else f"{q(str(v))}::{pgtype}"


def lits(values: Sequence[Any], pgtype: str) -> List[str]:
    return [lit(v, pgtype) for v in values]


def fmt_float(v: float) -> str:
    return "NaN" if math.isnan(v) else ("Infinity" if v == math.inf else
                                        "-Infinity" if v == -math.inf else repr(v))


def text_array(v: Optional[list], pgtype: str) -> str:
    if v is None:
        return "NULL"
    return "ARRAY[" + ", ".join("NULL" if e is None else q(str(e)) for e in v) + f"]::{pgtype}"


def bytea(v: Optional[bytes]) -> str:
    return "NULL" if v is None else f"'\\x{v.hex()}'::bytea"


def us_interval(us: Optional[int]) -> str:
    return "NULL" if us is None else f"'{us} microseconds'::interval"


def ts_lit(us: Optional[int], pgtype: str) -> str:
    """The timestamp[tz] `us` microseconds from the epoch, computed by PostgreSQL itself."""
    if us is None:
        return "NULL"
    if us == 2**63 - 1:
        return f"'infinity'::{pgtype}"
    if us in (-2**63, -(2**63 - 1)):
        return f"'-infinity'::{pgtype}"
    return f"('epoch'::{pgtype} + '{us} microseconds'::interval)"


def date_lit(days: Optional[int]) -> str:
    if days is None:
        return "NULL"
    if days == 2**31 - 1:
        return "'infinity'::date"
    if days in (-2**31, -(2**31 - 1)):
        return "'-infinity'::date"
    return f"('1970-01-01'::date + {days})"


def ns_to_us(ns: int) -> int:
    """Rounds nanoseconds to microseconds (the test values avoid exact ties)."""
    us, rem = divmod(ns, 1000)
    assert rem != 500, "tie: ambiguous rounding, pick another value"
    return us + (1 if rem > 500 else 0)


def time_lit(us: Optional[int]) -> str:
    return "NULL" if us is None else f"('00:00:00'::time + '{us} microseconds'::interval)"


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

OID = dict(bool=16, int2=21, int4=23, int8=20, numeric=1700, float4=700, float8=701, text=25,
           bytea=17, uuid=2950, json=114, jsonb=3802, date=1082, time=1083, timestamp=1114,
           timestamptz=1184, interval=1186, record=2249, bool_arr=1000, int2_arr=1005,
           int4_arr=1007, int8_arr=1016, text_arr=1009, float8_arr=1022, bytea_arr=1001,
           date_arr=1182, timestamp_arr=1115, numeric_arr=1231, timestamptz_arr=1185,
           interval_arr=1187, float4_arr=1021)


@dataclass
class Case:
    id: str
    arrow: Any  # pa.Array, or a zero-argument callable returning an __arrow_c_stream__ object
    pg: List[str]  # one PostgreSQL expression per row
    oid: int
    settings: List[str] = field(default_factory=list)
    xfail: Optional[str] = None

    def source(self):
        if isinstance(self.arrow, pa.Array):
            table = pa.table({"x": self.arrow})
            return lambda: table
        return self.arrow

    @property
    def sliceable(self) -> bool:
        return isinstance(self.arrow, pa.Array) and len(self.arrow) > 1


FLOATS = [1.0, math.nan, math.inf, -math.inf, -0.0, 0.0, 1e20, 1e-7, 0.1 + 0.2, None, 123.456,
          -1.5e300, 5e-324, 1.7976931348623157e308, 1e15, 1e16, 100.0]
F32 = [1.0, math.nan, math.inf, -math.inf, -0.0, 1e20, 1e-7, 0.1 + 0.2, None, 3.4028234663852886e38,
       1e-45, 16777216.0, 0.5]
F32_VALUES = [None if v is None else float(np.float32(v)) for v in F32]
F16 = [0.1, 1.0, -2.5, 65504.0, None, math.inf, math.nan, 6e-8, -0.0]
F16_VALUES = [None if v is None else float(np.float16(v)) for v in F16]

STRINGS = ['a"b', "it's", "", None, "ü€😀 unicode", "back\\slash", "two\nlines\ttab",
           "NULL", "a long string well beyond twelve bytes, not inlined in a view",
           " leading and trailing "]
BYTES = [b"\x00\xff", b"", None, b"plain ascii", bytes(range(256)),
         b"a long binary value beyond the 12-byte inline limit"]

DEC128 = [D("-12345.6789"), D("0"), None, D("9999999999999999999999999999.9999999999"),
          D("-9999999999999999999999999999.9999999999"), D("0.0000000001"), D("-0.5"),
          D("1")]
DEC256 = [D("123456789012345678901234567890123456789.12345678901234567890"), D("-0.00000000000000000001"),
          None, D("-98765432109876543210987654321098765432.1"), D("0")]

# -735525 is 0045-03-15 BC; -735540 / -735539 straddle 29 February of 45 BC (a leap year in
# PostgreSQL's proleptic Gregorian calendar); -720929 is 0005-03-01 BC.
# -(2**31 - 1) and -(2**63 - 1) are DuckDB's -infinity (PostgreSQL's is -2**31 / -2**63).
DATES = [19782, 0, -1, -719162, -719163, -2440588, -800000, 2932897, 3000000, 2000000000, None,
         2**31 - 1, -2**31, -735525, -735540, -735539, -720929, -(2**31 - 1)]
TS_S = [0, 1704164645, -70000000000, -210866803200, 253402300800, 9000000000000, None, -1]
TS_MS = [1704164645120, -1, 1704164645000, 1704164645001, None, -62135596800000 - 1000]
TS_US = [1704164645000001, 1704164645123456, 1704164645100000, -1, 0, None,
         -210866803200000000, 2**63 - 1, -2**63, -(2**63 - 1)]
TS_NS = [1704164645123456789, -1, 1704164645000000000, 1704164645000000999, None,
         -9223372036854775807]
TZ_US = [1704164645120000, 1719835200000000, 0, None, -3786825600000000, -70000000000000000,
         1710054000000000, 1710050400000000, 253402300800000000]


def _float_cases() -> List[Case]:
    cases = [
        Case("float64", pa.array(FLOATS, pa.float64()),
             lits([None if v is None else fmt_float(v) for v in FLOATS], "float8"), OID["float8"]),
        Case("float32", pa.array(F32_VALUES, pa.float32()),
             lits([None if v is None else fmt_float(v) for v in F32_VALUES], "float4"),
             OID["float4"]),
        Case("float16", pa.array(np.array([np.nan if v is None else v for v in F16], np.float16),
                                 mask=np.array([v is None for v in F16])),
             lits([None if v is None else fmt_float(v) for v in F16_VALUES], "float4"),
             OID["float4"]),
    ]
    for efd in (0, -3, 3):
        cases.append(Case(f"float64-extra_float_digits={efd}", pa.array(FLOATS, pa.float64()),
                          lits([None if v is None else fmt_float(v) for v in FLOATS], "float8"),
                          OID["float8"], [f"set extra_float_digits = {efd}"]))
        cases.append(Case(f"float32-extra_float_digits={efd}", pa.array(F32_VALUES, pa.float32()),
                          lits([None if v is None else fmt_float(v) for v in F32_VALUES], "float4"),
                          OID["float4"], [f"set extra_float_digits = {efd}"]))
    return cases


def _int_cases() -> List[Case]:
    def c(name, t, values, pgtype):
        return Case(name, pa.array(values, t), lits(values, pgtype), OID[pgtype])

    return [
        Case("bool", pa.array([True, False, None]), lits(["t", "f", None], "bool"), OID["bool"]),
        # The arrow.bool8 canonical extension (int8 storage): DuckDB's booleans under
        # arrow_lossless_conversion.
        Case("bool8", pa.ExtensionArray.from_storage(pa.bool8(), pa.array([1, 0, None, -3], pa.int8())),
             lits(["t", "f", None, "t"], "bool"), OID["bool"]),
        c("int8", pa.int8(), [-128, 127, 0, None, -1], "int2"),
        c("int16", pa.int16(), [-32768, 32767, 0, None], "int2"),
        c("int32", pa.int32(), [-2147483648, 2147483647, 0, None, 42], "int4"),
        c("int64", pa.int64(), [-2**63, 2**63 - 1, 0, None, -7], "int8"),
        c("uint8", pa.uint8(), [0, 255, None, 128], "int2"),
        c("uint16", pa.uint16(), [0, 65535, None, 32768], "int4"),
        c("uint32", pa.uint32(), [0, 4294967295, None, 2147483648], "int8"),
        c("uint64", pa.uint64(), [0, 2**64 - 1, None, 2**63], "numeric"),
    ]


def _decimal_cases() -> List[Case]:
    return [
        Case("decimal128(38,10)", pa.array(DEC128, pa.decimal128(38, 10)),
             lits(DEC128, "numeric(38,10)"), OID["numeric"]),
        Case("decimal128(10,0)", pa.array([D(1234567890), D(-1), None, D(0)], pa.decimal128(10, 0)),
             lits([1234567890, -1, None, 0], "numeric(10,0)"), OID["numeric"]),
        Case("decimal128(5,-2)", pa.array([D("12300"), D("-99900"), None], pa.decimal128(5, -2)),
             lits(["12300", "-99900", None], "numeric(5,-2)"), OID["numeric"]),
        Case("decimal256(60,20)", pa.array(DEC256, pa.decimal256(60, 20)),
             lits(DEC256, "numeric(60,20)"), OID["numeric"]),
        Case("decimal256(76,0)", pa.array([D(10**75), D(-(10**76 - 1)), None], pa.decimal256(76, 0)),
             lits([10**75, -(10**76 - 1), None], "numeric(76,0)"), OID["numeric"]),
    ]


def _string_binary_cases() -> List[Case]:
    cases = []
    for name, t in (("utf8", pa.utf8()), ("large_utf8", pa.large_utf8()),
                    ("string_view", pa.string_view())):
        cases.append(Case(name, pa.array(STRINGS, t), lits(STRINGS, "text"), OID["text"]))
    for name, t in (("binary", pa.binary()), ("large_binary", pa.large_binary()),
                    ("binary_view", pa.binary_view())):
        cases.append(Case(name, pa.array(BYTES, t), [bytea(b) for b in BYTES], OID["bytea"]))
        cases.append(Case(name + "-bytea_output=escape", pa.array(BYTES, t),
                          [bytea(b) for b in BYTES], OID["bytea"], ["set bytea_output = 'escape'"]))
    fsb = [b"\x00\x01\xfe", None, b"abc", b"\\'\""]
    cases.append(Case("fixed_size_binary(3)", pa.array(fsb, pa.binary(3)), [bytea(b) for b in fsb],
                      OID["bytea"]))
    uuids = [uuid.UUID(int=1), None, uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
             uuid.UUID(int=2**128 - 1)]
    # arrow.uuid and arrow.json: pyarrow >= 19, which scripts/setup.sh installs.
    cases.append(Case("uuid", pa.array([None if u is None else u.bytes for u in uuids], pa.uuid()),
                      lits(uuids, "uuid"), OID["uuid"]))
    docs = ['{"a": 1}', None, "[1, 2.50, \"x\"]", '"s"', "null", '{"b":  {"c" : [true, false]}}',
            '{"ü": "€\\n"}']
    cases.append(Case("json", pa.array(docs, pa.json_()), lits(docs, "json"), OID["json"]))
    return cases


def _date_time_cases() -> List[Case]:
    cases = [
        Case("date32", pa.array(DATES, pa.date32()), [date_lit(d) for d in DATES], OID["date"]),
        Case("date64", pa.array([None if d is None or abs(d) > 10**8 else d * 86400000
                                 for d in DATES], pa.date64()),
             [date_lit(None if d is None or abs(d) > 10**8 else d) for d in DATES], OID["date"]),
    ]
    for style in ("SQL, DMY", "German", "Postgres, MDY", "ISO, YMD"):
        cases.append(Case(f"date32-DateStyle={style}", pa.array(DATES, pa.date32()),
                          [date_lit(d) for d in DATES], OID["date"], [f"set datestyle = '{style}'"]))
    secs = [0, 3723, 86399, None, 45296]
    cases.append(Case("time32(s)", pa.array(secs, pa.time32("s")),
                      [time_lit(None if s is None else s * 10**6) for s in secs], OID["time"]))
    ms = [0, 3723004, 86399999, None, 1500]
    cases.append(Case("time32(ms)", pa.array(ms, pa.time32("ms")),
                      [time_lit(None if v is None else v * 1000) for v in ms], OID["time"]))
    us = [0, 3723004500, 86399999999, None, 1, 120000]
    cases.append(Case("time64(us)", pa.array(us, pa.time64("us")), [time_lit(v) for v in us],
                      OID["time"]))
    ns = [1, 123456789, 86399999999001, None, 3723000004999, 1000]
    cases.append(Case("time64(ns)", pa.array(ns, pa.time64("ns")),
                      [time_lit(None if v is None else ns_to_us(v)) for v in ns], OID["time"]))
    return cases


def _timestamp_cases() -> List[Case]:
    cases = []
    for unit, values, mult in (("s", TS_S, 10**6), ("ms", TS_MS, 1000), ("us", TS_US, 1)):
        us = [None if v is None else v * mult for v in values]
        cases.append(Case(f"timestamp({unit})", pa.array(values, pa.timestamp(unit)),
                          [ts_lit(v, "timestamp") for v in us], OID["timestamp"]))
    cases.append(Case("timestamp(ns)", pa.array(TS_NS, pa.timestamp("ns")),
                      [ts_lit(None if v is None else ns_to_us(v), "timestamp") for v in TS_NS],
                      OID["timestamp"]))
    for style in ("SQL, DMY", "German", "Postgres, MDY"):
        cases.append(Case(f"timestamp(us)-DateStyle={style}", pa.array(TS_US, pa.timestamp("us")),
                          [ts_lit(v, "timestamp") for v in TS_US], OID["timestamp"],
                          [f"set datestyle = '{style}'"]))

    for arrow_tz in ("UTC", "America/New_York", "+05:30"):
        for session_tz in ("Asia/Kolkata", "America/New_York", "UTC", "Australia/Lord_Howe"):
            cases.append(Case(f"timestamptz(us,{arrow_tz})-TimeZone={session_tz}",
                              pa.array(TZ_US, pa.timestamp("us", arrow_tz)),
                              [ts_lit(v, "timestamptz") for v in TZ_US], OID["timestamptz"],
                              [f"set timezone = '{session_tz}'"]))
    for unit, div in (("s", 10**6), ("ms", 1000), ("ns", None)):
        if div is None:
            values = [None if v is None else v * 1000 + 7 for v in TZ_US if v is None or
                      abs(v) < 9 * 10**15]
            us = [None if v is None else ns_to_us(v) for v in values]
        else:
            values = [None if v is None else v // div for v in TZ_US]
            us = [None if v is None else v * div for v in values]
        cases.append(Case(f"timestamptz({unit},America/New_York)-TimeZone=Asia/Kolkata",
                          pa.array(values, pa.timestamp(unit, "America/New_York")),
                          [ts_lit(v, "timestamptz") for v in us], OID["timestamptz"],
                          ["set timezone = 'Asia/Kolkata'"]))
    for style in ("SQL, DMY", "German", "Postgres, MDY"):
        cases.append(Case(f"timestamptz(us,UTC)-DateStyle={style}-TimeZone=America/New_York",
                          pa.array(TZ_US, pa.timestamp("us", "UTC")),
                          [ts_lit(v, "timestamptz") for v in TZ_US], OID["timestamptz"],
                          [f"set datestyle = '{style}'", "set timezone = 'America/New_York'"]))
    return cases


DUR = [0, 1, -1, 86405, None, 10**10, -3723, 2592000]
MDN = [(1, 2, 3000), None, (0, 0, 0), (-14, -3, -1500000000), (25, 0, 86400 * 10**9),
       (0, 40, -1000), (1, -1, 1)]


def _interval_cases() -> List[Case]:
    cases = []
    for unit, mult in (("s", 10**6), ("ms", 1000), ("us", 1)):
        cases.append(Case(f"duration({unit})", pa.array(DUR, pa.duration(unit)),
                          [us_interval(None if v is None else v * mult) for v in DUR],
                          OID["interval"]))
    ns = [1999, -1, 86405000007001, None, 0, -123456789]
    cases.append(Case("duration(ns)", pa.array(ns, pa.duration("ns")),
                      [us_interval(None if v is None else ns_to_us(v)) for v in ns],
                      OID["interval"]))

    def mdn_lit(v):
        if v is None:
            return "NULL"
        m, d, n = v
        return f"'{m} mons {d} days {ns_to_us(n)} microseconds'::interval"

    mdn = pa.array([None if v is None else pa.MonthDayNano(v) for v in MDN],
                   pa.month_day_nano_interval())
    for style in ("postgres", "postgres_verbose", "sql_standard", "iso_8601"):
        cases.append(Case(f"month_day_nano_interval-IntervalStyle={style}", mdn,
                          [mdn_lit(v) for v in MDN], OID["interval"],
                          [f"set intervalstyle = '{style}'"]))
    cases.append(Case("duration(us)-IntervalStyle=iso_8601", pa.array(DUR, pa.duration("us")),
                      [us_interval(v) for v in DUR], OID["interval"],
                      ["set intervalstyle = 'iso_8601'"]))
    months = [13, None, -25, 0, 12, -1]
    cases.append(Case("month_interval", month_interval_stream(months),
                      ["NULL" if m is None else f"'{m} mons'::interval" for m in months],
                      OID["interval"]))
    pairs = [(1, 1000), (-3, -1500), None, (0, 0), (0, 86400000), (40, -1)]
    cases.append(Case("day_time_interval", day_time_interval_stream(pairs),
                      ["NULL" if p is None else f"'{p[0]} days {p[1]} milliseconds'::interval"
                       for p in pairs], OID["interval"]))
    return cases


LIST_INTS = [[1, None], [], None, [-2147483648, 2147483647], [0]]
LIST_STRS = [["a b", 'q"', None, "NULL", "", "back\\slash", "{brace}", "com,ma", "ü"], [], None,
             ["plain"], ["null"], [" "]]


def _list_cases() -> List[Case]:
    def int_lits(t):
        return [text_array(v, t) for v in LIST_INTS]

    cases = [
        Case("list<int32>", pa.array(LIST_INTS, pa.list_(pa.int32())), int_lits("int4[]"),
             OID["int4_arr"]),
        Case("large_list<int64>", pa.array(LIST_INTS, pa.large_list(pa.int64())),
             int_lits("int8[]"), OID["int8_arr"]),
        Case("list_view<int32>", pa.array(LIST_INTS, pa.list_view(pa.int32())),
             int_lits("int4[]"), OID["int4_arr"]),
        Case("large_list_view<int32>", pa.array(LIST_INTS[:3], pa.large_list_view(pa.int32())),
             [text_array(v, "int4[]") for v in LIST_INTS[:3]], OID["int4_arr"]),
        Case("fixed_size_list<int16,2>",
             pa.array([[1, None], None, [-32768, 32767]], pa.list_(pa.int16(), 2)),
             [text_array(v, "int2[]") for v in ([1, None], None, [-32768, 32767])],
             OID["int2_arr"]),
        Case("list<utf8>", pa.array(LIST_STRS, pa.list_(pa.utf8())),
             [text_array(v, "text[]") for v in LIST_STRS], OID["text_arr"]),
        Case("large_list<string_view>", pa.array(LIST_STRS, pa.large_list(pa.string_view())),
             [text_array(v, "text[]") for v in LIST_STRS], OID["text_arr"]),
        Case("list<list<int64>>", pa.array([[[1, 2], [3, 4]], None, [[5], [None]], [[]],
                                            [[1, 2, 3]]], pa.list_(pa.list_(pa.int64()))),
             ["'{{1,2},{3,4}}'::int8[]", "NULL", "'{{5},{NULL}}'::int8[]", "'{}'::int8[]",
              "'{{1,2,3}}'::int8[]"], OID["int8_arr"]),
        Case("list<list<utf8>>", pa.array([[["a b", None], ['"', "x"]]],
                                          pa.list_(pa.list_(pa.utf8()))),
             ["ARRAY[ARRAY['a b', NULL], ARRAY['\"', 'x']]::text[]"], OID["text_arr"]),
        Case("list<float64>", pa.array([[1.5, math.nan, -math.inf, None, 1e20, -0.0]],
                                       pa.list_(pa.float64())),
             ["ARRAY[1.5, 'NaN', '-Infinity', NULL, 1e20, '-0']::float8[]"], OID["float8_arr"]),
        Case("list<bool>", pa.array([[True, False, None]], pa.list_(pa.bool_())),
             ["ARRAY[true, false, NULL]::bool[]"], OID["bool_arr"]),
        Case("list<binary>", pa.array([[b"\x00\xff", None, b""]], pa.list_(pa.binary())),
             ["ARRAY['\\x00ff'::bytea, NULL, ''::bytea]"], OID["bytea_arr"]),
        Case("list<date32>", pa.array([[0, -719163, None]], pa.list_(pa.date32())),
             ["ARRAY['1970-01-01', '0001-12-31 BC', NULL]::date[]"], OID["date_arr"]),
        Case("list<timestamp(us)>", pa.array([[1704164645120000, None]],
                                             pa.list_(pa.timestamp("us"))),
             ["ARRAY[('epoch'::timestamp + '1704164645120000 microseconds'::interval), NULL]"],
             OID["timestamp_arr"]),
        Case("list<timestamptz(us)>-TimeZone=Asia/Kolkata",
             pa.array([[1704164645120000, None]], pa.list_(pa.timestamp("us", "UTC"))),
             ["ARRAY[('epoch'::timestamptz + '1704164645120000 microseconds'::interval), NULL]"],
             OID["timestamptz_arr"], ["set timezone = 'Asia/Kolkata'"]),
        Case("list<decimal128(10,2)>", pa.array([[D("1.50"), None, D("-0.01")]],
                                                pa.list_(pa.decimal128(10, 2))),
             ["ARRAY[1.50, NULL, -0.01]::numeric(10,2)[]"], OID["numeric_arr"]),
        Case("list<duration(us)>", pa.array([[86405000007, None, -1]], pa.list_(pa.duration("us"))),
             ["ARRAY['86405000007 microseconds'::interval, NULL, '-1 microseconds'::interval]"],
             OID["interval_arr"]),
        Case("list<int32>-sliced-children",
             pa.ListArray.from_arrays(pa.array([0, 2, 3]),
                                      pa.array([9, 9, 1, 2, 3], pa.int32()).slice(2)),
             ["'{1,2}'::int4[]", "'{3}'::int4[]"], OID["int4_arr"]),
    ]
    return cases


def _struct_map_cases() -> List[Case]:
    st = pa.struct([("a", pa.int32()), ("b", pa.utf8())])
    nested = pa.struct([("n", pa.int64()), ("s", st), ("l", pa.list_(pa.int32()))])
    cases = [
        Case("struct<int32,utf8>",
             pa.array([{"a": 1, "b": "a b"}, None, {"a": None, "b": ""},
                       {"a": -5, "b": 'q"(x),'}, {"a": 0, "b": None}, {"a": 7, "b": "back\\sl"}],
                      st),
             ["row(1, 'a b')", "NULL", "row(NULL::int4, ''::text)", "row(-5, 'q\"(x),')",
              "row(0, NULL::text)", "row(7, 'back\\sl')"], OID["record"]),
        Case("struct<int64,struct,list>",
             pa.array([{"n": 1, "s": {"a": 2, "b": "x y"}, "l": [1, 2]},
                       {"n": None, "s": None, "l": []}], nested),
             ["row(1::int8, row(2, 'x y'), ARRAY[1,2]::int4[])",
              "row(NULL::int8, NULL::record, '{}'::int4[])"], OID["record"]),
        Case("struct<float64,timestamp,bool>",
             pa.array([{"f": 0.1 + 0.2, "t": 1704164645120000, "b": True}],
                      pa.struct([("f", pa.float64()), ("t", pa.timestamp("us")),
                                 ("b", pa.bool_())])),
             ["row(0.30000000000000004::float8, 'epoch'::timestamp + "
              "'1704164645120000 microseconds'::interval, true)"], OID["record"]),
    ]
    # map → jsonb: the PostgreSQL equivalent is jsonb_build_object over the typed values, so
    # each value is converted as PostgreSQL's to_jsonb converts that type.
    def mcase(name, pairs_rows, t, pg_value, xfail=None, settings=()):
        kt, vt = t
        exprs = []
        for row in pairs_rows:
            if row is None:
                exprs.append("NULL")
                continue
            args = ", ".join(f"{q(str(k))}::text, {pg_value(v)}" for k, v in row)
            exprs.append(f"jsonb_build_object({args})")
        return Case(name, pa.array(pairs_rows, pa.map_(kt, vt)), exprs, OID["jsonb"],
                    settings=list(settings), xfail=xfail)

    cases += [
        mcase("map<utf8,int32>", [[("k", 1), ("j", None)], None, [], [("a b", -3)],
                                  [("a", 1), ("a", 2)], [("long key", 1), ("z", 2), ('ü"q', 3)]],
              (pa.utf8(), pa.int32()), lambda v: lit(v, "int4") if v is not None else "NULL::int4"),
        mcase("map<int32,utf8>", [[(1, 'x"y'), (-2, None)], [(10, "\n\\")]],
              (pa.int32(), pa.utf8()), lambda v: lit(v, "text") if v is not None else "NULL::text"),
        mcase("map<utf8,float64>", [[("a", 1.5), ("b", 1e20), ("c", 0.1 + 0.2), ("e", 1e-7),
                                     ("f", -2.0), ("g", 1e-300), ("h", math.nan),
                                     ("i", math.inf)]],
              (pa.utf8(), pa.float64()), lambda v: lit(fmt_float(v), "float8")),
        mcase("map<utf8,float64>-negative-zero", [[("d", -0.0)]], (pa.utf8(), pa.float64()),
              lambda v: lit(fmt_float(v), "float8")),
        mcase("map<utf8,bool>", [[("t", True), ("f", False), ("n", None)]],
              (pa.utf8(), pa.bool_()), lambda v: "NULL::bool" if v is None else lit(v, "bool")),
        mcase("map<utf8,decimal128(10,2)>", [[("d", D("1.50")), ("e", D("-0.01"))]],
              (pa.utf8(), pa.decimal128(10, 2)), lambda v: lit(v, "numeric(10,2)")),
        mcase("map<utf8,date32>", [[("d", 19724), ("bc", -719163)]], (pa.utf8(), pa.date32()),
              date_lit),
        mcase("map<utf8,binary>", [[("b", b"\x00\xff")]], (pa.utf8(), pa.binary()), bytea),
        mcase("map<utf8,list<int32>>", [[("a", [1, None]), ("e", [])]],
              (pa.utf8(), pa.list_(pa.int32())), lambda v: text_array(v, "int4[]")),
        mcase("map<utf8,struct<a,b>>", [[("s", {"a": 1, "b": "x"})]],
              (pa.utf8(), pa.struct([("a", pa.int32()), ("b", pa.utf8())])),
              lambda v: f"jsonb_build_object('a', {v['a']}, 'b', {q(v['b'])}::text)"),
        mcase("map<utf8,timestamp(us)>", [[("t", 1704164645120000)]],
              (pa.utf8(), pa.timestamp("us")), lambda v: ts_lit(v, "timestamp")),
        mcase("map<utf8,timestamptz(us)>", [[("t", 1704164645120000), ("u", 1704164645000000)]],
              (pa.utf8(), pa.timestamp("us", tz="UTC")), lambda v: ts_lit(v, "timestamptz")),
        mcase("map<utf8,timestamptz(us)>-German-Kolkata", [[("t", 1704164645120000)]],
              (pa.utf8(), pa.timestamp("us", tz="UTC")), lambda v: ts_lit(v, "timestamptz"),
              settings=["set timezone = 'Asia/Kolkata'", "set datestyle = 'German'"]),
        mcase("map<utf8,list<list<int64>>>", [[("m", [[1, 2], [3, None]])]],
              (pa.utf8(), pa.list_(pa.list_(pa.int64()))),
              lambda v: "'[[1, 2], [3, null]]'::jsonb"),
        mcase("map<utf8,struct<l:list<utf8>,z:date32,aa:map>>",
              [[("s", {"l": ["x", None], "z": 19724, "aa": [("k", True)]})]],
              (pa.utf8(), pa.struct([("l", pa.list_(pa.utf8())), ("z", pa.date32()),
                                     ("aa", pa.map_(pa.utf8(), pa.bool_()))])),
              lambda v: "jsonb_build_object('l', ARRAY['x', NULL]::text[], 'z', '2024-01-02'::date, "
                        "'aa', jsonb_build_object('k', true))"),
    ]
    return cases


def _encoded_cases() -> List[Case]:
    words = ["x", "y", None, "x", 'q"uote', ""]
    return [
        Case("dictionary<int32,utf8>", pa.array(words).dictionary_encode(), lits(words, "text"),
             OID["text"]),
        Case("dictionary<int8,large_utf8>",
             pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 0, 1], pa.int8()),
                                            pa.array(["a b", "ü"], pa.large_utf8())),
             lits(["a b", "ü", None, "a b", "ü"], "text"), OID["text"]),
        Case("dictionary<int16,int64>",
             pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1], pa.int16()),
                                            pa.array([10, -2**63], pa.int64())),
             lits([-2**63, 10, None, -2**63], "int8"), OID["int8"]),
        Case("dictionary<uint8,utf8>-null-values",
             pa.DictionaryArray.from_arrays(pa.array([0, 1, 2], pa.uint8()),
                                            pa.array(["a", None, "c"])),
             lits(["a", None, "c"], "text"), OID["text"]),
        Case("run_end_encoded<int32,int64>", pc.run_end_encode(pa.array([1, 1, 2, None, None, 3])),
             lits([1, 1, 2, None, None, 3], "int8"), OID["int8"]),
        Case("run_end_encoded<int16,utf8>",
             pa.RunEndEncodedArray.from_arrays(pa.array([2, 3, 5], pa.int16()),
                                               pa.array(["a b", None, 'q"'])),
             lits(["a b", "a b", None, 'q"', 'q"'], "text"), OID["text"]),
        Case("null", pa.nulls(3), ["NULL::text"] * 3, OID["text"]),
    ]


CASES: List[Case] = (_int_cases() + _float_cases() + _decimal_cases() + _string_binary_cases()
                     + _date_time_cases() + _timestamp_cases() + _interval_cases() + _list_cases()
                     + _struct_map_cases() + _encoded_cases())

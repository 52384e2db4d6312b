"""Python values for PostgreSQL parameter types that the standard library has no exact match
for, and the text forms the core hands over to be read here.

- ``interval`` → :class:`Interval`: a :class:`datetime.timedelta` (days and time, as PostgreSQL
  keeps them apart from months) with a ``months`` attribute, so that ``1 mon`` is not confused
  with ``30 days``.
- ``money`` → :class:`decimal.Decimal` (two decimal places, as ``lc_monetary=C``).
- ``inet`` / ``cidr`` → :mod:`ipaddress` interface / network objects.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re
from decimal import Decimal

__all__ = ["Interval", "interval_from_text", "money_from_text", "inet_from_text", "cidr_from_text"]


class Interval(_dt.timedelta):
    """A PostgreSQL interval: months, plus days and microseconds (the timedelta part).

    ``Interval(months=14, days=3, microseconds=5)``; equal to a plain timedelta only when it
    has no months.
    """

    months: int

    def __new__(cls, months: int = 0, days: int = 0, microseconds: int = 0) -> "Interval":
        self = super().__new__(cls, days=days, microseconds=microseconds)
        self.months = int(months)
        return self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Interval):
            return self.months == other.months and _dt.timedelta.__eq__(self, other)
        if isinstance(other, _dt.timedelta):
            return self.months == 0 and _dt.timedelta.__eq__(self, other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.months, _dt.timedelta.__hash__(self)))

    def __repr__(self) -> str:
        micro = self.seconds * 1_000_000 + self.microseconds
        return f"Interval(months={self.months}, days={self.days}, microseconds={micro})"


_UNITS_MONTHS = {"millennium": 12000, "millenniums": 12000, "millennia": 12000, "mil": 12000,
                 "mils": 12000, "century": 1200, "centuries": 1200, "cent": 1200, "c": 1200,
                 "decade": 120, "decades": 120, "dec": 120, "decs": 120,
                 "year": 12, "years": 12, "yr": 12, "yrs": 12, "y": 12,
                 "month": 1, "months": 1, "mon": 1, "mons": 1}
_UNITS_DAYS = {"week": 7, "weeks": 7, "w": 7, "day": 1, "days": 1, "d": 1}
_UNITS_MICROS = {"hour": 3_600_000_000, "hours": 3_600_000_000, "hr": 3_600_000_000,
                 "hrs": 3_600_000_000, "h": 3_600_000_000,
                 "minute": 60_000_000, "minutes": 60_000_000, "min": 60_000_000,
                 "mins": 60_000_000, "m": 60_000_000,
                 "second": 1_000_000, "seconds": 1_000_000, "sec": 1_000_000,
                 "secs": 1_000_000, "s": 1_000_000,
                 "millisecond": 1000, "milliseconds": 1000, "ms": 1000, "msec": 1000,
                 "msecs": 1000, "microsecond": 1, "microseconds": 1, "us": 1, "usec": 1,
                 "usecs": 1}
_TOKEN = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-zA-Z]+)?,?")
_CLOCK = re.compile(r"([+-])?(\d+):(\d+)(?::(\d+(?:\.\d*)?))?$")
_ISO = re.compile(r"P(?:([-\d.]+)Y)?(?:([-\d.]+)M)?(?:([-\d.]+)W)?(?:([-\d.]+)D)?"
                  r"(?:T(?:([-\d.]+)H)?(?:([-\d.]+)M)?(?:([-\d.]+)S)?)?$")


def _micros(value: str, scale: int) -> int:
    return int((Decimal(value) * scale).to_integral_value())


def interval_from_text(text: str) -> Interval:
    """PostgreSQL's interval input forms: ``1 year 2 mons 3 days 04:05:06.5``, ``@ 1 day ago``,
    ``-1 day +02:00:00``, psycopg's ``-1 day 0:00:05.000007``, ISO 8601 ``P1Y2M3DT4H``."""
    s = text.strip()
    if not s:
        raise ValueError(f'invalid input syntax for type interval: "{text}"')
    iso = _ISO.match(s)
    if iso and s != "P":
        y, mo, w, d, h, mi, se = (g or "0" for g in iso.groups())
        months = int(Decimal(y) * 12 + Decimal(mo))
        days = int(Decimal(w) * 7 + Decimal(d))
        micros = _micros(h, 3_600_000_000) + _micros(mi, 60_000_000) + _micros(se, 1_000_000)
        return Interval(months, days, micros)
    ago = False
    if s.startswith("@"):
        s = s[1:].strip()
    if s.lower().endswith(" ago"):
        ago, s = True, s[:-4].strip()
    months = days = micros = 0
    for part in s.split():  # hh:mm[:ss.ffffff] parts
        clock = _CLOCK.match(part)
        if clock:
            sign = -1 if clock.group(1) == "-" else 1
            micros += sign * (int(clock.group(2)) * 3_600_000_000 + int(clock.group(3)) * 60_000_000
                              + _micros(clock.group(4) or "0", 1_000_000))
    words = [p for p in s.split() if not _CLOCK.match(p)]
    pos, joined = 0, " ".join(words)
    while pos < len(joined):
        m = _TOKEN.match(joined, pos)
        if not m or m.end() == pos:
            raise ValueError(f'invalid input syntax for type interval: "{text}"')
        number, unit = m.group(1), (m.group(2) or "s").lower()
        if unit in _UNITS_MONTHS:
            months_f = Decimal(number) * _UNITS_MONTHS[unit]
            months += int(months_f)
            days += int((months_f - int(months_f)) * 30)  # PostgreSQL spills fractions to days
        elif unit in _UNITS_DAYS:
            days_f = Decimal(number) * _UNITS_DAYS[unit]
            days += int(days_f)
            micros += int((days_f - int(days_f)) * 86_400_000_000)
        elif unit in _UNITS_MICROS:
            micros += _micros(number, _UNITS_MICROS[unit])
        else:
            raise ValueError(f'invalid input syntax for type interval: "{text}"')
        pos = m.end()
    if ago:
        months, days, micros = -months, -days, -micros
    return Interval(months, days, micros)


def money_from_text(text: str) -> Decimal:
    """``$1,234.56``, ``-$1.00``, ``($1.00)`` or a plain number → Decimal."""
    s = text.strip()
    negative = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
    digits = s.strip("()-").replace("$", "").replace(",", "").strip()
    value = Decimal(digits)
    return -value if negative else value


def inet_from_text(text: str):
    """An inet value: ``ipaddress.ip_interface`` (address with its netmask)."""
    return ipaddress.ip_interface(text.strip())


def cidr_from_text(text: str):
    """A cidr value: ``ipaddress.ip_network``."""
    return ipaddress.ip_network(text.strip())

#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets (fuzz/corpus/<target>/): small valid
inputs the fuzzers start from. Run it again after changing an input format; the files are
committed so that CI needs no Python for fuzzing."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "corpus"


def msg(t: str, body: bytes) -> bytes:
    return t.encode() + struct.pack("!I", len(body) + 4) + body


def cstr(s: str) -> bytes:
    return s.encode() + b"\0"


def startup(**params: str) -> bytes:
    body = struct.pack("!I", 196608) + b"".join(cstr(k) + cstr(v) for k, v in params.items()) + b"\0"
    return struct.pack("!I", len(body) + 4) + body


SSL_REQUEST = struct.pack("!II", 8, 80877103)
GSS_REQUEST = struct.pack("!II", 8, 80877104)
CANCEL = struct.pack("!IIII", 16, 80877102, 1, 1234)


def query(sql: str) -> bytes:
    return msg("Q", cstr(sql))


def parse(name: str, sql: str, types: list[int] = ()) -> bytes:
    return msg("P", cstr(name) + cstr(sql) + struct.pack("!H", len(types)) +
               b"".join(struct.pack("!I", t) for t in types))


def bind(portal: str, stmt: str, params: list[bytes | None] = (), result_formats: list[int] = ()) -> bytes:
    body = cstr(portal) + cstr(stmt) + struct.pack("!H", 0) + struct.pack("!H", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    body += struct.pack("!H", len(result_formats)) + b"".join(struct.pack("!H", f) for f in result_formats)
    return msg("B", body)


def describe(kind: str, name: str) -> bytes:
    return msg("D", kind.encode() + cstr(name))


def execute(portal: str, max_rows: int = 0) -> bytes:
    return msg("E", cstr(portal) + struct.pack("!i", max_rows))


SYNC = msg("S", b"")
TERMINATE = msg("X", b"")


def sasl_initial(mechanism: str, data: bytes) -> bytes:
    return msg("p", cstr(mechanism) + struct.pack("!i", len(data)) + data)


def write(target: str, name: str, data: bytes) -> None:
    d = ROOT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main() -> None:
    start = startup(user="alice", database="postgres", application_name="psql")
    write("fuzz_startup", "startup", start)
    write("fuzz_startup", "ssl_then_startup", SSL_REQUEST + start)
    write("fuzz_startup", "gss", GSS_REQUEST)
    write("fuzz_startup", "cancel", CANCEL)
    write("fuzz_startup", "options",
          startup(**{"user": "u", "options": "-c statement_timeout=5s", "_pq_.x": "1"}))

    # fuzz_session: flags, chunk, bytes (flag 1: a StartupMessage is put in front).
    extended = (parse("s1", "select $1::int", [23]) + bind("", "s1", [b"42"], [1]) +
                describe("P", "") + execute("", 1) + execute("") + SYNC)
    seeds = {
        "simple": (1, query("select 1; select 2") + TERMINATE),
        "extended": (1 | 0x80, extended + msg("C", b"Ss1\0") + SYNC),
        "transaction": (1, query("begin") + query("savepoint a") + query("rollback to a") +
                        query("select oops") + query("commit")),
        "set_show": (1, query("set statement_timeout = '1s'") + query("show all") +
                     query("select current_setting('TimeZone'), version()")),
        "copy_out": (1 | 0x80, query("copy (select 1) to stdout (format binary)")),
        "catalog": (1 | 8 | 16, query("select oid, typname from pg_type where oid = 23") +
                    parse("", "select relname from pg_class where relname = $1") +
                    bind("", "", [b"pg_type"]) + execute("") + SYNC),
        "listen": (1, query("listen ch") + query("unlisten *")),
        "password": (2, start + msg("p", cstr("secret")) + query("select 1")),
        "scram": (4, start + sasl_initial("SCRAM-SHA-256", b"n,,n=,r=fyko+d2lbbFgONRv9qkxdawL") +
                  msg("p", b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL,p=" + base64.b64encode(b"x" * 32))),
        "hba": (32, startup(user="mallory", database="d")),
        "ssl": (0, SSL_REQUEST + start),
    }
    for name, (flags, body) in seeds.items():
        write("fuzz_session", name, bytes([flags, 63]) + body)

    for i, sql in enumerate([
        "select 1; select 'a;b' as \"x;y\"; -- c\n/* d; */ select $1::int",
        "begin; savepoint s; rollback to savepoint s; commit",
        "set search_path = public, \"$user\"; show search_path; reset all",
        "copy t (a, b) from stdin with (format csv, header true)",
        "select version(), current_schema(), pg_backend_pid()",
        "insert into t values ($$dollar ; quoted$$, E'\\x41') returning *",
        "prepare p as select 1; execute p; deallocate p",
        "listen \"Ch\"; notify ch, 'x'; unlisten *",
    ]):
        write("fuzz_sql", f"sql{i}", sql.encode())

    for i, sql in enumerate([
        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','v') AND n.nspname !~ '^pg_' "
        "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2",
        "SELECT t.oid, t.typname, t.typtype FROM pg_type t WHERE t.oid = ANY($1::oid[])",
        "select attname, format_type(atttypid, atttypmod) from pg_attribute "
        "where attrelid = 'pg_class'::regclass and attnum > 0 order by attnum",
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'",
        "select count(*), max(oid) from pg_proc group by pronamespace having count(*) > 1 limit 3",
        "with x as (select 1 as a union all select 2) select a, a::text || 'z' from x "
        "where a between 1 and 2 and coalesce(null, a) in (1, 2) order by a desc",
        "select case when current_setting('server_version_num')::int >= 150000 then 1 else 0 end",
    ]):
        write("fuzz_catalog", f"q{i}", sql.encode())

    header = b"PGCOPY\n\xff\r\n\0" + struct.pack("!ii", 0, 0)
    trailer = struct.pack("!h", -1)

    def row(*fields: bytes | None) -> bytes:
        out = struct.pack("!h", len(fields))
        for f in fields:
            out += struct.pack("!i", -1) if f is None else struct.pack("!i", len(f)) + f
        return out

    # kinds: 2 = int32, 7 = text, 10 = bytea, 14 = date, 12 = numeric (string), 23 = inet
    write("fuzz_copy_binary", "int_text",
          bytes([2, 2, 7, 16]) + header + row(struct.pack("!i", 7), b"seven") + row(None, b"") + trailer)
    write("fuzz_copy_binary", "numeric_date",
          bytes([2, 12, 14, 7]) + header +
          row(struct.pack("!hhhh", 2, 0, 0, 2) + struct.pack("!hh", 12, 3400), struct.pack("!i", 8000)) +
          trailer)
    write("fuzz_copy_binary", "inet_bytea",
          bytes([2, 23, 10, 100]) + header + row(bytes([2, 32, 0, 4, 127, 0, 0, 1]), b"\x00\xff") + trailer)


if __name__ == "__main__":
    main()

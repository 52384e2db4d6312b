"""COPY through libpq itself (psycopg.pq), run as a separate process: libpq's blocking calls
hold the GIL, which an in-process riffq server needs to answer.

    python libpq_copy.py DSN '{"sql": …, "chunks": [...], "fail": …, "extended": …, "out": …}'

prints one JSON object: the COPY's result (status, sqlstate, message, command tag) and, for
COPY TO STDOUT ("out": true), the data received. Simple protocol: PQsendQuery; extended:
PQsendQueryParams (Parse, Bind, Describe, Execute, Sync, and libpq's second Sync after CopyDone).
"""

from __future__ import annotations

import json
import sys

import psycopg.pq as pq


def field(r: pq.PGresult, f: pq.DiagnosticField) -> str | None:
    v = r.error_field(f)
    return v.decode() if v is not None else None


def main() -> None:
    dsn, spec = sys.argv[1], json.loads(sys.argv[2])
    conn = pq.PGconn.connect(dsn.encode())
    if conn.status != pq.ConnStatus.OK:
        raise SystemExit(conn.error_message.decode())
    sql = spec["sql"].encode()
    if spec.get("extended"):
        conn.send_query_params(sql, None)
    else:
        conn.send_query(sql)
    r = conn.get_result()
    out: dict = {"first": pq.ExecStatus(r.status).name}
    if r.status == pq.ExecStatus.COPY_IN:
        for c in spec.get("chunks", []):
            conn.put_copy_data(c.encode("latin-1"))
        fail = spec.get("fail")
        conn.put_copy_end(fail.encode() if fail is not None else None)
        r = conn.get_result()
    elif r.status == pq.ExecStatus.COPY_OUT:
        data = b""
        while True:
            n, chunk = conn.get_copy_data(0)
            if n < 0:
                break
            data += bytes(chunk)
        out["data"] = data.decode("latin-1")
        r = conn.get_result()
    out.update(status=pq.ExecStatus(r.status).name, sqlstate=field(r, pq.DiagnosticField.SQLSTATE),
               message=field(r, pq.DiagnosticField.MESSAGE_PRIMARY),
               tag=r.command_status.decode() if r.command_status else None)
    extra = []
    while (more := conn.get_result()) is not None:
        extra.append(pq.ExecStatus(more.status).name)
    out["extra"] = extra
    again = conn.exec_(b"select 1")  # the connection is idle and usable
    out["after"] = pq.ExecStatus(again.status).name
    conn.finish()
    print(json.dumps(out))


if __name__ == "__main__":
    main()

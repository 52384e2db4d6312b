"""Demo: a DuckDB-backed riffq server on a generated sample table.

    python examples/python/demo_server.py [127.0.0.1:5433]

Then:  PGPASSWORD=secret psql -h 127.0.0.1 -p 5433 -U user -c "select * from trips limit 5"
"""

from __future__ import annotations

import logging
import sys

import duckdb

import riffq

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("demo")

DB = duckdb.connect()
DB.execute("""
    create table trips as
    select i as trip_id,
           date '2024-01-01' + (i % 366)::int as day,
           ['Berlin', 'Lisbon', 'Oslo', 'Tokyo', 'Lima'][1 + i % 5] as city,
           round(1 + (i * 7919 % 1000) / 37.0, 2)::decimal(10, 2) as distance_km,
           (i * 31 % 90 + 5)::int as minutes,
           i % 7 = 0 as shared_ride
    from range(100000) t(i)
""")

# Command tags for statements that return no rows (DuckDB returns a count or nothing).
COUNT_TAGS = {"insert": "INSERT 0 {n}", "update": "UPDATE {n}", "delete": "DELETE {n}"}


class DuckDBConnection(riffq.BaseConnection):
    """One DuckDB cursor per client, so transactions are per connection."""

    def __init__(self, conn_id, executor):
        super().__init__(conn_id, executor)
        self.cursor = DB.cursor()

    def handle_auth(self, user, password, host, database=None, callback=callable):
        callback(user == "user" and password == "secret")

    def handle_query(self, sql, callback=callable, **kwargs):
        self.executor.submit(self._run, sql, callback, kwargs.get("query_args"))

    def _run(self, sql, callback, args):
        try:
            result = self.cursor.execute(sql, args or None)
            word = sql.lstrip().split(None, 1)[0].lower() if sql.strip() else ""
            if word in COUNT_TAGS:
                row = result.fetchone()
                callback(COUNT_TAGS[word].format(n=row[0] if row else 0), is_tag=True)
            elif result.description is None or word in ("begin", "commit", "rollback", "create",
                                                         "drop", "alter", "set"):
                callback(" ".join(sql.split()[:2]).upper() if word in ("create", "drop", "alter")
                         else word.upper(), is_tag=True)
            else:
                reader = getattr(result, "to_arrow_reader", None) or result.fetch_record_batch
                self.send_reader(reader(), callback)
        except duckdb.Error as exc:
            callback(("ERROR", "42000" if isinstance(exc, duckdb.ParserException) else "XX000",
                      str(exc)), is_error=True)

    def handle_disconnect(self, ip, port, callback=callable):
        self.cursor.close()
        callback(True)


def main() -> None:
    addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433"
    host, port = addr.rsplit(":", 1)
    server = riffq.RiffqServer(addr, connection_cls=DuckDBConnection)
    server.handle_shutdown(lambda: log.info("server stopped"))
    print(f"riffq demo serving table 'trips' (100000 rows) on {addr}\n"
          f"  connect:  PGPASSWORD=secret psql -h {host.strip('[]')} -p {port} -U user\n"
          f"  try:      select city, count(*), avg(distance_km) from trips group by city;\n"
          f"  stop:     Ctrl-C", flush=True)
    server.start()


if __name__ == "__main__":
    main()

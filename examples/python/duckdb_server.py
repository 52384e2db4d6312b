"""The seeds' DuckDB example: queries run on a thread pool and return Arrow directly."""
import logging
import sys

import duckdb
import pyarrow as pa  # noqa: F401  (as in the seed)

import riffq

logging.basicConfig(level=logging.INFO)


class Connection(riffq.BaseConnection):
    def handle_auth(self, user, password, host, database=None, callback=callable):
        callback(user == "user" and password == "secret")

    def _exec(self, sql, callback):
        cur = duckdb_con.cursor()
        try:
            reader = cur.execute(sql).fetch_record_batch()
            self.send_reader(reader, callback)
        except Exception as exc:
            logging.exception("query error")
            callback(("ERROR", "XX000", str(exc)), is_error=True)

    def handle_query(self, sql, callback=callable, **kwargs):
        self.executor.submit(self._exec, sql, callback)


duckdb_con = duckdb.connect()

if __name__ == "__main__":
    addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433"
    server = riffq.RiffqServer(addr, connection_cls=Connection)
    server.start()

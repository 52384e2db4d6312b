"""A REST API exposed as tables: each endpoint's JSON list becomes a table, fetched again
at every query, so SQL clients always see the API's current data.

    python examples/python/rest_api_tables.py [127.0.0.1:5433] [http://api.example/base]

With no base URL a small demo API is started on 127.0.0.1 (``/users`` and ``/orders``).
Then:  psql -h 127.0.0.1 -p 5433 -c 'select u.name, count(*) from orders o join users u on u.id = o.user_id group by 1'
"""
from __future__ import annotations

import json
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

import pyarrow as pa

from riffq.backends.duckdb import DuckDBBackend

ENDPOINTS = ["users", "orders"]


class RestBackend(DuckDBBackend):
    """A DuckDB backend whose tables are the JSON lists of REST endpoints, fetched at each
    statement and registered on the client's cursor (zero-copy Arrow)."""

    def __init__(self, base_url: str, endpoints: List[str]) -> None:
        super().__init__(read_only=True)
        self.base_url = base_url.rstrip("/")
        self.endpoints = endpoints

    def fetch(self, endpoint: str) -> pa.Table:
        with urllib.request.urlopen(f"{self.base_url}/{endpoint}", timeout=10) as r:
            return pa.Table.from_pylist(json.load(r))

    def execute(self, sql: str, connection_id: int, query_args: Optional[List[Any]],
                do_describe: bool):
        cursor = self.state(connection_id).cursor
        for name in self.endpoints:
            cursor.register(name, self.fetch(name))
        return super().execute(sql, connection_id, query_args, do_describe)

    def register_catalog(self, server: Any, database: str) -> List[str]:
        from riffq.catalog import register_arrow_schema

        server.register_database(database)
        for name in self.endpoints:
            register_arrow_schema(server, database, "public", name, self.fetch(name).schema,
                                  comment=f"GET {self.base_url}/{name}")
        return [f"public.{n}" for n in self.endpoints]


DEMO: Dict[str, List[Dict[str, Any]]] = {
    "users": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}],
    "orders": [{"id": 10, "user_id": 1, "total": 9.5}, {"id": 11, "user_id": 1, "total": 20.0},
               {"id": 12, "user_id": 2, "total": 3.25}],
}


def start_demo_api() -> str:
    """A tiny JSON API on a free loopback port; returns its base URL."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = json.dumps(DEMO.get(self.path.strip("/"), [])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def main() -> None:
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433").rsplit(":", 1)
    base = sys.argv[2] if len(sys.argv) > 2 else start_demo_api()
    RestBackend(base, ENDPOINTS).serve(host=host, port=int(port), databases=["riffq", "postgres"])


if __name__ == "__main__":
    main()

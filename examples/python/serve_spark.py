"""Serve an Apache Spark cluster's tables through Spark Connect with the ready Spark backend.

    python examples/python/serve_spark.py [127.0.0.1:5433] [sc://spark-host:15002]

With no Spark Connect URL a local Sail server (``pip install pysail``) is started and given a
small ``trips`` table. Then:
    psql -h 127.0.0.1 -p 5433 -c '\\dt' -c 'select city, sum(km) from trips group by city'
"""
from __future__ import annotations

import sys
import warnings

from riffq.backends.spark import SparkBackend

DEMO = ["CREATE TABLE trips AS SELECT id, "
        "element_at(array('Oslo', 'Lima', 'Tokyo'), CAST(id % 3 + 1 AS INT)) AS city, "
        "CAST(id * 1.5 AS DOUBLE) AS km FROM range(30)"]


def main() -> None:
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5433").rsplit(":", 1)
    url = sys.argv[2] if len(sys.argv) > 2 else None
    init = []
    if url is None:
        from pysail.spark import SparkConnectServer

        sail = SparkConnectServer(ip="127.0.0.1", port=0)
        sail.start(background=True)
        sail_host, sail_port = sail.listening_address
        url, init = f"sc://{sail_host}:{sail_port}", DEMO
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        backend = SparkBackend(url, init_sql=init)
    backend.serve(host=host, port=int(port), databases=["riffq", "postgres"])


if __name__ == "__main__":
    main()

"""The simplest API: a function that returns its answer (the seeds' README example).

    python examples/python/simple_duckdb.py [127.0.0.1:5432]

Then:  psql -h 127.0.0.1 -p 5432 -c 'select 42 as answer'
"""
import sys
from typing import Any, Dict, List, Tuple

import duckdb

import riffq


@riffq.query_handler
def handle_sql(sql: str) -> Tuple[List[Dict[str, Any]], List[Tuple[str, str]]]:
    df = duckdb.query(sql).to_df()
    columns = [(name, str(dtype)) for name, dtype in zip(df.columns, df.dtypes)]
    rows = df.to_dict(orient="records")
    return rows, columns


if __name__ == "__main__":
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5432").rsplit(":", 1)
    riffq.serve(port=int(port), host=host)

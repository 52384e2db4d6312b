"""The riffq side of the server benchmark: serves `bench` (the same rows as the PostgreSQL
table) from an in-memory pyarrow table, and `select 1`, with no authentication."""

import sys

import pyarrow as pa
import pyarrow.compute as pc

import riffq

rows = int(sys.argv[2])
ids = pa.array(range(1, rows + 1), pa.int64())
table = pa.table({
    "id": ids,
    "x": pc.divide(pc.cast(ids, pa.float64()), 7.0),
    "s": pc.binary_join_element_wise("row ", pc.cast(ids, pa.string()), ""),
})
one = pa.table({"?column?": pa.array([1], pa.int32())})


def on_query(sql, callback, **kwargs):
    if "bench" in sql:
        callback(table.to_reader(max_chunksize=65536))
    else:
        callback(one.to_reader())


server = riffq.Server(sys.argv[1])
server.on_query(on_query)
print("ready", flush=True)
server.start()

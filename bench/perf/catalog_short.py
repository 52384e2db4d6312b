"""Catalog-statement latency in a short form: bench/catalog/bench_catalog.py's runner (the
client corpus of ../shared/corpus/catalog-queries against riffq's catalog emulation and
PostgreSQL 15 holding the same tables), with fewer tables and repeats."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "catalog"))

import bench_catalog  # noqa: E402


def catalog_latency(pg, tables: int, columns: int, repeat: int) -> dict:
    """Median over the corpus's statements of each statement's median latency, riffq and
    PostgreSQL, plus bench_catalog's per-client table; an error when there is no corpus."""
    if not bench_catalog.load_corpus():
        return {"error": f"no catalog corpus in {bench_catalog.CORPUS}"}
    bench_catalog.create_pg_tables(pg, tables, columns)
    rq = bench_catalog.RiffqProcess(tables, columns)
    try:
        results = bench_catalog.bench_latency(pg, rq, repeat)
    finally:
        rq.stop()
    text, rows = bench_catalog.latency_table(results, tables, columns)
    overall = next((r for r in rows if r[0] == "all"), None)
    out = {"tables": tables, "columns": columns, "repeat": repeat, "table": text,
           "statements": sum(1 for r in results if r["pg_ok"]),
           "riffq_answers": sum(1 for r in results if "riffq_ms" in r)}
    if overall is None:
        out["error"] = "riffq answered none of the statements PostgreSQL answers"
    else:
        out["riffq_ms"], out["pg_ms"] = overall[1], overall[2]
    return out

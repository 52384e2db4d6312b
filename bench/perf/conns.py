"""Connections: how many connect + authenticate + close a client completes per second (libpq,
with the password the server asks for: SCRAM-SHA-256 for riffq and PostgreSQL), and the
server's memory while N connections sit idle after their startup."""

from __future__ import annotations

import time

import psycopg

from large import connect
from pgbench_points import Endpoint
from procs import tree_pss, tree_rss


def connect_rate(ep: Endpoint, n: int) -> dict:
    """n connections opened and closed one after the other."""
    try:
        t0 = time.perf_counter()
        for _ in range(n):
            connect(ep).close()
        dt = time.perf_counter() - t0
    except psycopg.Error as exc:
        return {"connects": n, "error": str(exc).strip()[:200]}
    return {"connects": n, "seconds": dt, "per_s": n / dt}


def idle_memory(ep: Endpoint, server_pid: int, n: int) -> dict:
    """Server RSS and PSS (summed over its process tree) with n idle connections."""
    before = tree_rss(server_pid)
    conns = []
    try:
        for _ in range(n):
            conns.append(connect(ep))
        time.sleep(0.5)
        rss, pss = tree_rss(server_pid), tree_pss(server_pid)
    except psycopg.Error as exc:
        return {"connections": n, "error": f"after {len(conns)}: {str(exc).strip()[:200]}"}
    finally:
        for c in conns:
            c.close()
    return {"connections": n, "rss_before_mb": before / 1e6, "rss_mb": rss / 1e6,
            "pss_mb": pss / 1e6}

"""Small-query points: pgbench (PostgreSQL 15's, the same binary for every server) with a custom
script, N clients, one protocol mode; q/s from pgbench's summary and p50/p99 latency from its
per-transaction log (--log), which is the only pgbench output with percentiles."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Dict, List, Optional

PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"

# The statements of the small-query table, one pgbench script each.
SCRIPTS: Dict[str, str] = {
    "select 1": "select 1;",
    "100-row select": "select * from t100;",
    "SHOW TimeZone": "SHOW TimeZone;",
    "SET": "SET application_name = 'bench';",
    "catalog lookup": "SELECT typname FROM pg_catalog.pg_type WHERE oid = 23;",
}
MODES = ("simple", "extended", "prepared")


@dataclass
class Endpoint:
    """Where and as whom pgbench connects."""

    port: int
    user: str
    password: str
    dbname: str = "postgres"
    host: str = "127.0.0.1"


def percentile(sorted_values: List[int], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return float(sorted_values[k])


def read_latencies(log_dir: str) -> List[int]:
    """Latencies (µs) of the successful transactions of every pgbench log file in log_dir.
    A line is: client_id transaction_no time_us script_no epoch epoch_us [lag]."""
    out: List[int] = []
    for path in glob.glob(os.path.join(log_dir, "pgbench_log*")):
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    out.append(int(fields[2]))
    out.sort()
    return out


def failure(res: subprocess.CompletedProcess) -> str:
    """The line of pgbench's output that says why it failed (a client's abort names the
    server's error), else its last line."""
    lines = [line.strip() for line in (res.stderr + res.stdout).splitlines() if line.strip()]
    why = next((line for line in lines if "aborted" in line or "ERROR" in line
                or "FATAL" in line), lines[-1] if lines else f"exit {res.returncode}")
    return why.replace("pgbench: error: ", "")[:240]


def run_point(endpoint: Endpoint, statement: str, clients: int, mode: str,
              seconds: Optional[float] = None, transactions: Optional[int] = None) -> dict:
    """One pgbench run: -T seconds, or -t transactions per client. Returns qps, p50_ms,
    p99_ms and transactions, or an error (the tail of pgbench's output)."""
    with tempfile.TemporaryDirectory(prefix="riffq-pgbench-") as tmp:
        script = os.path.join(tmp, "script.sql")
        with open(script, "w") as f:
            f.write(SCRIPTS[statement] + "\n")
        # pgbench's -T clock includes connecting its clients (SCRAM, and a fork per backend
        # on PostgreSQL): 64 clients on a busy machine took over a second, leaving 0 transactions.
        duration = int(seconds or 1) + clients // 32
        length = ["-t", str(transactions)] if transactions else ["-T", str(duration)]
        cmd = [PGBENCH, "-n", "-h", endpoint.host, "-p", str(endpoint.port), "-U", endpoint.user,
               "-f", script, "-c", str(clients), "-j", str(min(clients, 2)), "-M", mode,
               "--log", "--log-prefix", os.path.join(tmp, "pgbench_log"), *length,
               endpoint.dbname]
        env = dict(os.environ, PGPASSWORD=endpoint.password, PGSSLMODE="disable",
                   PGCONNECT_TIMEOUT="20")
        limit = duration + 120
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=limit,
                                 cwd=tmp)
        except subprocess.TimeoutExpired:
            return {"error": f"pgbench did not finish in {limit:.0f} s"}
        tps = re.search(r"tps = ([\d.]+)", res.stdout)
        if res.returncode != 0 or not tps:
            return {"error": failure(res)}
        lat = read_latencies(tmp)
    return {"qps": float(tps.group(1)), "transactions": len(lat),
            "p50_ms": percentile(lat, 50) / 1000.0, "p99_ms": percentile(lat, 99) / 1000.0}

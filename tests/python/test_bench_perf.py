"""The perf harness (bench/perf/run.py) cannot rot: its tiny mode runs one point of each kind
against a real PostgreSQL 15 and real riffq server processes, and writes the table, the JSON
and the chart. Shapes only: no timing is asserted (numbers of a tiny run mean nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(ROOT, "bench", "perf", "run.py")


def test_tiny_run_measures_every_kind(tmp_path) -> None:
    """--tiny --no-peers: every small-query point, large result, connection and catalog number
    of PostgreSQL and riffq is a measurement, not an error; the outputs are written."""
    out = tmp_path / "perf"
    proc = subprocess.run([sys.executable, RUN, "--tiny", "--no-peers", "--workers", "2",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads((out / "perf.json").read_text())

    small = {(p["statement"], p["server"]): p for p in res["small"] if p["clients"] == 1}
    expected = {
        "select 1": ["PostgreSQL 15", "riffq · tag", "riffq · reader", "riffq · arrow_batch"],
        "100-row select": ["PostgreSQL 15", "riffq · reader", "riffq · arrow_batch"],
        "SHOW TimeZone": ["PostgreSQL 15", "riffq · core"],
        "SET": ["PostgreSQL 15", "riffq · core"],
        "catalog lookup": ["PostgreSQL 15", "riffq · core"],
    }
    for statement, names in expected.items():
        for name in names:
            point = small[(statement, name)]
            assert "error" not in point, point
            assert point["qps"] > 0 and point["transactions"] == 20
            assert 0 <= point["p50_ms"] <= point["p99_ms"]
    assert not any(p["server"] == "buenavista" for p in res["small"])
    assert "buenavista: not run (--no-peers)" in res["meta"]["notes"]
    if res["meta"]["workers"]:  # 2 clients: the workers' point, beside PostgreSQL's
        two = {p["server"]: p for p in res["small"] if p["clients"] == 2}
        assert set(two) == {"PostgreSQL 15", "riffq · reader, workers=2"}
        assert all("error" not in p and p["transactions"] == 40 for p in two.values()), two
    else:
        assert any("workers=2: n/a" in n for n in res["meta"]["notes"])

    large = {(p["format"], p["server"]): p for p in res["large"]}
    for fmt in ("text", "binary"):
        for name in ("PostgreSQL 15", "riffq · large"):
            point = large[(fmt, name)]
            assert "error" not in point, point
            assert point["rows"] == 1000 and point["rows_s"] > 0 and point["mb_s"] > 0
            assert point["rss_peak_mb"] >= point["rss_base_mb"] > 0
    expected = {"connects": {"PostgreSQL 15", "riffq · reader"},
                "idle": {"PostgreSQL 15", "riffq · reader", "riffq · tag"}}
    for kind, servers in expected.items():
        got = {p["server"]: p for p in res[kind]}
        assert set(got) == servers
        assert not any("error" in p for p in got.values()), got
    assert res["catalog"]["riffq_answers"] > 0 and res["catalog"]["riffq_ms"] > 0

    table = (out / "perf.md").read_text()
    for heading in ("## Small queries", "## Large results", "## Connections",
                    "## Catalog statements"):
        assert heading in table
    assert "| select 1 | riffq · tag | 1 |" in table and "≥ 1.0×" in table
    assert (out / "perf.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

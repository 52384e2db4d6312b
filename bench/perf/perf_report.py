"""The harness's output: one markdown table per kind of measurement with ratios to PostgreSQL 15
and issue 8's targets next to them (met / missed by how much), the raw numbers as JSON, and a
PNG chart — perf.md, perf.json and perf.png in the output directory."""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from report import pyplot  # noqa: E402
from servers import BUENAVISTA, POSTGRES  # noqa: E402

# (statement, server label prefix, client counts or None for all, least ratio to PostgreSQL's q/s)
SMALL_TARGETS: List[Tuple[str, str, Optional[Tuple[int, ...]], float]] = [
    ("select 1", "riffq · tag", (1,), 1.0),
    ("select 1", "riffq · reader", (1,), 0.7),
    ("select 1", "riffq · arrow_batch", (1,), 0.5),
    ("SHOW TimeZone", "riffq · core", None, 1.0),
    ("SET", "riffq · core", None, 1.0),
    ("catalog lookup", "riffq · core", None, 1.0),
    ("select 1", "riffq · reader, workers=", (8, 64), 0.8),
]
LARGE_TARGET = 2.0
SCRAM_TARGET = 1.0
IDLE_TARGET_MB = 100.0
IDLE_TARGET_CONNECTIONS = 1000


def ratio(value: Optional[float], base: Optional[float]) -> Optional[float]:
    if value is None or not base or math.isnan(base):
        return None
    return value / base


def verdict(worst: Optional[float], target: float, what: str = "") -> str:
    """'met (0.95×)' or 'missed by 12 % (0.88×)'; higher is better."""
    if worst is None:
        return "not measured"
    where = f", {what}" if what else ""
    if worst >= target:
        return f"met ({worst:.2f}×{where})"
    return f"missed by {100 * (1 - worst / target):.0f} % ({worst:.2f}×{where})"


def times(r: Optional[float], server: str) -> str:
    """A ratio cell: empty for PostgreSQL itself and where there is nothing to compare."""
    return "" if r is None or server == POSTGRES else f"{r:.2f}×"


def kq(qps: float) -> str:
    return f"{qps / 1000:.1f} k" if qps >= 1000 else f"{qps:.0f}"


def small_target(statement: str, server: str, clients: int) -> Optional[float]:
    """The issue's least q/s ratio for this point, or None when it sets none."""
    for st, prefix, counts, target in SMALL_TARGETS:
        same_kind = ("workers" in server) == prefix.endswith("workers=")
        if (st == statement and server.startswith(prefix) and same_kind
                and (counts is None or clients in counts)):
            return target
    return None


def small_table(points: List[dict], modes: List[str]) -> List[str]:
    base = {(p["statement"], p["clients"], p["mode"]): p for p in points if p["server"] == POSTGRES}
    keys: List[Tuple[str, str, int]] = []
    for p in points:
        k = (p["statement"], p["server"], p["clients"])
        if k not in keys:
            keys.append(k)
    lines = ["## Small queries (pgbench)", "",
             "Each cell: q/s (ratio to PostgreSQL's q/s in the same mode) · p50 / p99 latency ms "
             "(from pgbench's per-transaction log; pgbench stamps times once per pass over its "
             "clients, so with 32 clients per thread a p50 can read 0.00).",
             "", "| statement | server | clients | " + " | ".join(modes) + " | target | verdict |",
             "|---|---|---:|" + "---:|" * len(modes) + "---|---|"]
    order = {st: i for i, st in enumerate(dict.fromkeys(k[0] for k in keys))}
    for statement, server, clients in sorted(keys, key=lambda k: (order[k[0]], k[2])):
        cells, ratios = [], []
        for mode in modes:
            p = next((q for q in points if (q["statement"], q["server"], q["clients"], q["mode"])
                      == (statement, server, clients, mode)), None)
            if p is None:
                cells.append("–")
            elif "error" in p:
                cells.append("error: " + p["error"].replace("|", "/")[:80])
            else:
                r = ratio(p["qps"], base.get((statement, clients, mode), {}).get("qps"))
                shown = "" if server == POSTGRES or r is None else f" ({r:.2f}×)"
                cells.append(f"{kq(p['qps'])}{shown} · {p['p50_ms']:.2f} / {p['p99_ms']:.2f}")
                if r is not None:
                    ratios.append((r, mode))
        target = small_target(statement, server, clients)
        if target is None:
            t, v = "", ""
        else:
            t = f"≥ {target:.1f}×" + (" (for workers=2)" if "workers" in server else "")
            worst = min(ratios) if ratios else None
            v = verdict(worst[0] if worst else None, target, worst[1] if worst else "")
        lines.append(f"| {statement} | {server} | {clients} | " + " | ".join(cells) + f" | {t} | {v} |")
    return lines


def large_table(points: List[dict]) -> List[str]:
    lines = ["## Large results (`select * from big`: int8, float8, 20-char text, timestamp)", "",
             "A header-only reader (psycopg 3 connects, rows are not materialised): text by a "
             "simple Query, binary by Parse/Bind (binary result columns)/Execute/Sync. Server CPU and RSS are summed over its process tree "
             "(client CPU: the reading process, to see which side is the limit); RSS is flat "
             "when the peak grows by at most max(16 MB, 10 % of the result).", "",
             "| format | server | rows | rows/s | MB/s | ×PG rows/s | server CPU s | client CPU s | "
             "server RSS MB base → peak | target | verdict |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    base = {p["format"]: p for p in points if p["server"] == POSTGRES and "error" not in p}
    for p in points:
        if "error" in p:
            lines.append(f"| {p['format']} | {p['server']} | {p['rows']:,} | error: "
                         f"{p['error'][:100]} | | | | | | | |")
            continue
        r = ratio(p["rows_s"], base.get(p["format"], {}).get("rows_s"))
        t = v = ""
        if p["server"].startswith("riffq"):
            growth = p["rss_peak_mb"] - p["rss_base_mb"]
            flat = growth <= max(16.0, 0.1 * p["result_mb"])
            t = f"≥ {LARGE_TARGET:.0f}×, RSS flat"
            v = verdict(r, LARGE_TARGET) + f"; RSS {'flat' if flat else 'grew'} (+{growth:.1f} MB)"
        lines.append(f"| {p['format']} | {p['server']} | {p['rows']:,} | "
                     f"{p['rows_s'] / 1e6:.2f} M | {p['mb_s']:.0f} | {times(r, p['server'])} | "
                     f"{p['cpu_s']:.2f} | {p['client_cpu_s']:.2f} | "
                     f"{p['rss_base_mb']:.0f} → {p['rss_peak_mb']:.0f} | {t} | {v} |")
    return lines


def connection_table(rates: List[dict], idle: List[dict]) -> List[str]:
    lines = ["## Connections", "",
             "| test | server | value | ×PG | target | verdict |", "|---|---|---:|---:|---|---|"]
    base = next((r.get("per_s") for r in rates if r["server"] == POSTGRES), None)
    for r in rates:
        auth = "MD5" if r["server"] == BUENAVISTA else "SCRAM-SHA-256"
        test = f"connect + {auth} + close, {r['connects']} in a loop"
        if "error" in r:
            lines.append(f"| {test} | {r['server']} | error: {r['error'][:100]} | | | |")
            continue
        x = ratio(r["per_s"], base)
        riffq = r["server"].startswith("riffq")
        lines.append(f"| {test} | {r['server']} | {r['per_s']:.0f} /s | {times(x, r['server'])} | "
                     f"{'≥ 1.0×' if riffq else ''} | {verdict(x, SCRAM_TARGET) if riffq else ''} |")
    for r in idle:
        test = f"{r['connections']} idle connections: server RSS (PSS) MB"
        if "error" in r:
            lines.append(f"| {test} | {r['server']} | error: {r['error'][:100]} | | | |")
            continue
        t = v = ""
        if r["server"].startswith("riffq"):
            t = f"< {IDLE_TARGET_MB:.0f} MB at {IDLE_TARGET_CONNECTIONS}"
            ok = r["rss_mb"] < IDLE_TARGET_MB
            v = ("met" if ok else f"missed by {r['rss_mb'] - IDLE_TARGET_MB:.0f} MB "
                 f"(the connections added {r['rss_mb'] - r['rss_before_mb']:.0f} MB)")
            if r["connections"] < IDLE_TARGET_CONNECTIONS:
                v += f" (only {r['connections']} connections)"
        lines.append(f"| {test} | {r['server']} | {r['rss_before_mb']:.0f} → {r['rss_mb']:.0f} "
                     f"({r['pss_mb']:.0f}) | | {t} | {v} |")
    return lines


def catalog_table(cat: dict) -> List[str]:
    lines = ["## Catalog statements (riffq catalog emulation; bench/catalog/bench_catalog.py's "
             "runner, fewer tables)", ""]
    if "error" in cat:
        return lines + [f"error: {cat['error']}"]
    r = cat["riffq_ms"] / cat["pg_ms"]
    lines += [f"{cat['riffq_answers']} of {cat['statements']} corpus statements, {cat['tables']} "
              f"tables × {cat['columns']} columns, median of per-statement medians: riffq "
              f"{cat['riffq_ms']:.2f} ms, PostgreSQL {cat['pg_ms']:.2f} ms, latency ratio "
              f"{r:.2f}× (target ≤ 1.0×: {'met' if r <= 1.0 else f'missed by {100 * (r - 1):.0f} %'}).",
              "", "<details><summary>per client</summary>", "", cat["table"], "", "</details>"]
    return lines


def markdown(res: dict) -> str:
    meta = res["meta"]
    lines = [f"# riffq perf harness ({meta['profile']} mode)", "",
             f"- date: {meta['date']}; machine: {meta['machine']}",
             f"- command: `{meta['command']}`; commit {meta['commit']}; riffq {meta['riffq']}"]
    lines += [f"- {note}" for note in meta["notes"]]
    lines += [""] + small_table(res["small"], meta["modes"]) + [""] + large_table(res["large"])
    lines += [""] + connection_table(res["connects"], res["idle"]) + [""] + catalog_table(res["catalog"])
    return "\n".join(lines) + "\n"


def chart(res: dict, path: str) -> Optional[str]:
    """Four panels: small-query ratios (simple mode), large rows/s, connects/s, idle memory."""
    plt = pyplot()
    if plt is None:
        return None
    fig, axes = plt.subplots(2, 2, figsize=(14, 9))
    small = [p for p in res["small"] if p["mode"] == "simple" and "qps" in p]
    base = {(p["statement"], p["clients"]): p["qps"] for p in small if p["server"] == POSTGRES}
    cats = list(dict.fromkeys((p["statement"], p["server"]) for p in small
                              if p["server"] != POSTGRES))
    clients = sorted({p["clients"] for p in small})
    ax = axes[0][0]
    width = 0.8 / max(1, len(clients))
    for i, c in enumerate(clients):
        vals = [next((ratio(p["qps"], base.get((s, c))) or 0 for p in small
                      if (p["statement"], p["server"], p["clients"]) == (s, srv, c)), 0)
                for s, srv in cats]
        ax.bar([j + i * width for j in range(len(cats))], vals, width, label=f"{c} clients")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks([j + width * (len(clients) - 1) / 2 for j in range(len(cats))])
    ax.set_xticklabels([f"{s}\n{srv.replace('riffq · ', '')}" for s, srv in cats], fontsize=7,
                       rotation=30, ha="right")
    ax.set_ylabel("q/s ÷ PostgreSQL's")
    ax.set_title("small queries, simple protocol")
    ax.legend(fontsize=7)
    panels: List[Tuple[object, Dict[str, float], str, str]] = [
        (axes[0][1], {f"{p['server']}\n{p['format']}": p["rows_s"] / 1e6 for p in res["large"]
                      if "rows_s" in p}, "M rows/s", "large results"),
        (axes[1][0], {p["server"]: p["per_s"] for p in res["connects"] if "per_s" in p},
         "connections/s", "connect + authenticate + close"),
        (axes[1][1], {f"{p['server']}\n{kind.upper()}": p[f"{kind}_mb"] for p in res["idle"]
                      if "rss_mb" in p for kind in ("rss", "pss")},
         "MB (summed over the process tree)",
         f"server memory, {res['idle'][0]['connections'] if res['idle'] else 0} idle connections"),
    ]
    for ax, values, ylabel, title in panels:
        ax.bar(range(len(values)), list(values.values()))
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(list(values), fontsize=7, rotation=30, ha="right")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
    axes[1][1].set_yscale("log")  # PostgreSQL's summed RSS counts shared buffers per backend
    fig.suptitle(f"riffq vs PostgreSQL 15 ({res['meta']['profile']}, {res['meta']['date']})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write(res: dict, out: str) -> Dict[str, str]:
    """Writes perf.md, perf.json, perf.png under out; prints the table; returns the paths."""
    os.makedirs(out, exist_ok=True)
    paths = {"md": os.path.join(out, "perf.md"), "json": os.path.join(out, "perf.json"),
             "png": os.path.join(out, "perf.png")}
    text = markdown(res)
    print(text)
    with open(paths["md"], "w") as f:
        f.write(text)
    with open(paths["json"], "w") as f:
        json.dump(res, f, indent=1)
    if chart(res, paths["png"]) is None:
        del paths["png"]
    return paths

"""An optional Prometheus text endpoint (``GET /metrics``), served by a Python thread with
:mod:`http.server`: what :meth:`riffq.Server.stats` has, plus connections by state and the
slow-statement count.

    server.start(metrics_port=9187)           # RiffqServer
    riffq serve data/ --metrics-port 9187     # the command line
    curl -s 127.0.0.1:9187/metrics
"""
from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional

__all__ = ["MetricsServer", "prometheus_text"]

logger = logging.getLogger("riffq")

# stats() key → (metric name, type, help)
_KNOWN = {
    "connections_total": ("riffq_connections_total", "counter", "Connections accepted."),
    "connections_active": ("riffq_connections_active", "gauge", "Connections open now."),
    "queries": ("riffq_queries_total", "counter", "Statements executed."),
    "errors": ("riffq_errors_total", "counter", "Statements that ended in an error."),
    "rows": ("riffq_rows_total", "counter", "Rows sent to clients."),
    "bytes_sent": ("riffq_bytes_sent_total", "counter", "Bytes sent to clients."),
}
_LATENCY = {"latency_p50_ms": "0.5", "latency_p95_ms": "0.95", "latency_p99_ms": "0.99"}


def prometheus_text(stats: Dict[str, Any], states: Optional[Dict[str, int]] = None,
                    slow_queries: Optional[int] = None) -> str:
    """The Prometheus text exposition (format 0.0.4) of a ``stats()`` snapshot."""
    lines: List[str] = []

    def metric(name: str, kind: str, help_text: str, samples: List[str]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(samples)

    for key, value in stats.items():
        if key in _LATENCY or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        name, kind, help_text = _KNOWN.get(key, (f"riffq_{key}", "gauge", f"stats()['{key}']."))
        metric(name, kind, help_text, [f"{name} {_num(value)}"])
    quantiles = [f'riffq_statement_latency_ms{{quantile="{q}"}} {_num(stats[k])}'
                 for k, q in _LATENCY.items() if isinstance(stats.get(k), (int, float))]
    if quantiles:
        metric("riffq_statement_latency_ms", "gauge",
               "Statement latency percentiles in milliseconds.", quantiles)
    if states is not None:
        metric("riffq_connections", "gauge", "Open connections by state.",
               [f'riffq_connections{{state="{s}"}} {n}' for s, n in sorted(states.items())])
    if slow_queries is not None:
        metric("riffq_slow_statements_total", "counter",
               "Statements slower than the slow-statement threshold.",
               [f"riffq_slow_statements_total {slow_queries}"])
    return "\n".join(lines) + "\n"


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, int) or float(value).is_integer() else repr(float(value))


class MetricsServer:
    """Serves ``GET /metrics`` on ``host:port`` from a daemon thread.

    Args:
        port: TCP port (0 picks a free one; see :attr:`port`).
        stats: Returns the ``stats()`` dict.
        states: Returns connections by state (optional).
        slow_queries: Returns the slow-statement count (optional).
        host: Address to bind (default loopback).
    """

    def __init__(self, port: int, stats: Callable[[], Dict[str, Any]],
                 states: Optional[Callable[[], Dict[str, int]]] = None,
                 slow_queries: Optional[Callable[[], int]] = None,
                 host: str = "127.0.0.1") -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.split("?")[0] not in ("/metrics", "/"):
                    self.send_error(404)
                    return
                body = owner.render().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                logger.debug("metrics: " + format, *args)

        self._stats, self._states, self._slow = stats, states, slow_queries
        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._httpd.server_address[1])

    def render(self) -> str:
        """The current metrics text."""
        return prometheus_text(self._stats(), self._states() if self._states else None,
                               self._slow() if self._slow else None)

    def start(self) -> "MetricsServer":
        """Starts serving on a daemon thread."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="riffq-metrics",
                                        daemon=True)
        self._thread.start()
        logger.info("metrics on http://%s:%d/metrics", self._httpd.server_address[0], self.port)
        return self

    def stop(self) -> None:
        """Stops serving and closes the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self._httpd.server_close()

"""Server memory per idle connection: opens N raw protocol connections (startup completed, then
idle) to a riffq server process and reports its RSS growth per connection.

    python bench/server/bench_idle_connections.py [N=900]
"""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "python"))

from support.pg_cluster import free_port  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 900
    port = free_port()
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "riffq_bench_server.py"),
                            f"127.0.0.1:{port}", "10"], stdout=subprocess.PIPE, text=True)
    assert srv.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    proc = psutil.Process(srv.pid)
    base = proc.memory_info().rss
    params = b"user\0u\0database\0d\0\0"
    packet = struct.pack("!II", len(params) + 8, 196608) + params
    socks = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(packet)
            data = b""
            while not data.endswith(b"Z\0\0\0\x05I"):
                data += s.recv(4096)
            socks.append(s)
        time.sleep(0.5)
        rss = proc.memory_info().rss
        print(f"{n} idle connections: server RSS {base / 1e6:.1f} MB -> {rss / 1e6:.1f} MB "
              f"(+{(rss - base) / n / 1024:.1f} KiB per connection), {proc.num_threads()} threads")
    finally:
        for s in socks:
            s.close()
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main()

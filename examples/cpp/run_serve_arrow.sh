#!/usr/bin/env bash
# Starts serve_arrow on a free port, checks that psql reads 2500 rows, stops it with SIGTERM.
set -euo pipefail
command -v psql >/dev/null || exit 77
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$1" "127.0.0.1:$port" > /dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  psql -X -h 127.0.0.1 -p "$port" -U me -d db -Atc "select 1" >/dev/null 2>&1 && break
  sleep 0.1
done
count=$(psql -X -h 127.0.0.1 -p "$port" -U me -d db -Atc "select 2500" | wc -l)
last=$(psql -X -h 127.0.0.1 -p "$port" -U me -d db -Atc "select 2500" | tail -1)
kill -TERM $pid
wait $pid
test "$count" = 2500 && test "$last" = 2499 && echo "serve_arrow: ok ($count rows)"

"""``riffq serve``: Parquet, CSV, JSON and Arrow files, folders and globs of them, and DuckDB
database files on the PostgreSQL wire, through DuckDB, with no code.

Every bad input ends with one line on stderr and a non-zero exit status, never a traceback:
a path that does not exist (2), a port that is busy or a certificate that does not load (1).
A file DuckDB cannot read is named and skipped; the others are still served.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

__all__ = ["main", "build_parser"]

DESCRIPTION = """\
Serve data files and DuckDB databases to any PostgreSQL client (psql, JDBC tools, BI tools,
psycopg, ...). Each file becomes a table named after it; files in sub-folders go to a schema
named after the sub-folder; a DuckDB database file is attached with its tables, keys and
comments (its schema "main" is shown as "public"). With no PATH, a small sample is served.
"""

EPILOG = """\
paths:
  data/trades.parquet        one table, "trades"
  data/                      every Parquet/CSV/JSON/Arrow/DuckDB file in the folder
  'logs/*.csv'               every file the glob matches, one table each
  trades='data/trades/*.parquet'
                             one table "trades" made of all matching files
  shop.duckdb                a DuckDB database file, attached

examples:
  riffq serve                                  # the built-in sample on 127.0.0.1:5433
  riffq serve data/ shop.duckdb --read-only
  riffq serve data/ --user alice:secret --tls-cert server.crt --tls-key server.key
  riffq serve --spark sc://spark-host:15002
  psql -h 127.0.0.1 -p 5433 -c '\\dt'           # then, from another terminal
"""


def _user(spec: str) -> Sequence[str]:
    name, sep, password = spec.partition(":")
    if not sep or not name or not password:
        raise argparse.ArgumentTypeError(f"{spec!r}: expected NAME:PASSWORD")
    return name, password


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-65535)")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``riffq serve``."""
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, folders, globs, NAME=PATH, or DuckDB database files")
    net = p.add_argument_group("listening")
    net.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1; 0.0.0.0 for every "
                          "interface)")
    net.add_argument("--port", "-p", type=_port, default=5433, help="TCP port (default 5433)")
    sec = p.add_argument_group("security")
    sec.add_argument("--tls-cert", metavar="FILE", help="PEM certificate chain: turns TLS on")
    sec.add_argument("--tls-key", metavar="FILE", help="PEM private key for --tls-cert")
    sec.add_argument("--require-tls", action="store_true",
                     help="refuse clients that do not use TLS")
    sec.add_argument("--user", "-u", action="append", type=_user, default=[],
                     metavar="NAME:PASSWORD",
                     help="accept this user with this password (SCRAM-SHA-256); repeat for "
                          "more users. Without --user, any user name is accepted without a "
                          "password")
    sec.add_argument("--read-only", action="store_true",
                     help="refuse every statement that writes (DuckDB files are attached "
                          "read-only)")
    spark = p.add_argument_group("Apache Spark (instead of files)")
    spark.add_argument("--spark", metavar="URL",
                       help="serve a Spark cluster's tables through Spark Connect "
                            "(sc://host:15002): SQL goes to spark.sql(), results stream back "
                            "as Arrow batches, the catalog comes from Spark's catalog")
    spark.add_argument("--init-sql", action="append", default=[], metavar="SQL",
                       help="with --spark: a statement run once at start (repeatable), e.g. "
                            "CREATE TABLE t USING parquet LOCATION '/data/t'")
    run = p.add_argument_group("running")
    run.add_argument("--threads", type=_positive, default=4,
                     help="threads running queries in each process (default 4)")
    run.add_argument("--workers", "--processes", type=_positive, default=1, metavar="N",
                     help="processes sharing the port (default 1): queries of different "
                          "clients then run on N cores; DuckDB database files are opened "
                          "read-only when N > 1")
    run.add_argument("--database", "-d", action="append", default=[], metavar="NAME",
                     help="database name clients connect to (repeatable; default: riffq, "
                          "postgres, and your user name and each --user's name, as psql "
                          "connects to a database named after the user)")
    run.add_argument("--max-connections", type=_positive, default=1000,
                     help="connections accepted at once (default 1000)")
    run.add_argument("--busy-poll-us", type=float, default=100.0, metavar="US",
                     help="after work, threads poll this many microseconds for more before "
                          "they sleep: small queries then pay no thread wake-ups (default 100; "
                          "0 = off, for the least CPU)")
    obs = p.add_argument_group("observability")
    obs.add_argument("--metrics-port", type=_port, metavar="PORT",
                     help="serve Prometheus metrics on http://HOST:PORT/metrics")
    obs.add_argument("--slow-query-ms", type=float, metavar="MS",
                     help="log statements slower than MS milliseconds")
    obs.add_argument("--log-level", default="INFO",
                     choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="log level on stderr (default INFO: one line per connection)")


def build_parser() -> argparse.ArgumentParser:
    """The ``riffq`` command line parser (sub-command ``serve``)."""
    parser = argparse.ArgumentParser(prog="riffq", description="riffq command line tools")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    serve = sub.add_parser("serve", help="serve files and DuckDB databases over the "
                                         "PostgreSQL protocol",
                           description=DESCRIPTION, epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    add_serve_arguments(serve)
    return parser


def _error(message: str) -> None:
    sys.stderr.write(f"riffq: error: {message}\n")
    sys.stderr.flush()


def _databases(args: argparse.Namespace, users: Dict[str, str]) -> List[str]:
    if args.database:
        return list(dict.fromkeys(args.database))
    names = ["riffq", "postgres"]
    try:
        names.append(getpass.getuser())
    except Exception:  # noqa: BLE001 - no user name in this environment
        pass
    names += list(users)
    return list(dict.fromkeys(names))


def serve(args: argparse.Namespace) -> int:
    """Runs ``riffq serve`` with parsed arguments; returns the exit status."""
    logging.basicConfig(level=getattr(logging, args.log_level), stream=sys.stderr,
                        format="%(asctime)s riffq: %(message)s", datefmt="%H:%M:%S")
    from ..backends.duckdb import DuckDBBackend
    from .loader import load
    from .progress import Progress
    from .sources import PathError, plan_sources

    if bool(args.tls_cert) != bool(args.tls_key):
        _error("--tls-cert and --tls-key go together")
        return 2
    users = dict(args.user)
    if not args.spark:
        try:
            import duckdb  # noqa: F401
        except ImportError:
            _error("riffq serve reads files through DuckDB: pip install duckdb pyarrow")
            return 1
    if args.spark:
        if args.paths:
            _error("--spark serves a Spark cluster's tables; give no paths with it")
            return 2
        what = "the Spark catalog at " + args.spark
        if args.workers > 1:  # a Spark Connect (gRPC) client must be made after the fork
            return _run(args, None, users, what, lambda: _spark_backend(args))
        backend = _spark_backend(args)
        if backend is None:
            return 1
        return _run(args, backend, users, what)
    if args.init_sql:
        _error("--init-sql needs --spark")
        return 2
    try:
        plan = plan_sources(args.paths)
    except PathError as exc:
        _error(str(exc))
        return 2

    def report(what: str, why: str) -> None:
        sys.stderr.write(f"riffq: skipping {what}: {why}\n")

    progress = Progress(len(plan.sources) + len(plan.databases))
    served = load(plan, read_only=args.read_only, sample=not args.paths, report=report,
                  progress=progress)
    if not served.tables:
        _error("nothing to serve: no readable Parquet, CSV, JSON, Arrow or DuckDB file")
        return 1
    what = "the built-in sample" if not args.paths else f"{len(served.tables)} table" + \
        ("" if len(served.tables) == 1 else "s")

    def make_backend(s: Any) -> Any:
        backend = DuckDBBackend(s.con, read_only=args.read_only, workers=args.threads,
                                search_path=s.search_path)
        backend.register_catalog = s.register_catalog  # type: ignore[method-assign]
        return backend

    if args.workers > 1:
        # Checked once here; each worker process then opens its own DuckDB (a DuckDB
        # connection does not survive a fork; one file is opened read-write by one process).
        served.con.close()
        return _run(args, None, users, what, lambda: make_backend(
            load(plan, read_only=True, sample=not args.paths, report=lambda *_: None)))
    return _run(args, make_backend(served), users, what)


def _spark_backend(args: argparse.Namespace) -> Any:
    try:
        from ..backends.spark import SparkBackend
    except ImportError as exc:
        _error(f"--spark needs pyspark-client: pip install pyspark-client ({exc})")
        return None
    try:
        return SparkBackend(args.spark, init_sql=args.init_sql, workers=args.threads,
                            read_only=args.read_only)
    except Exception as exc:  # noqa: BLE001 - any connection problem is one line
        _error(f"cannot use Spark at {args.spark}: {str(exc).strip().splitlines()[0]}")
        return None


def _run(args: argparse.Namespace, backend: Any, users: Dict[str, str], what: str,
         make_backend: Optional[Callable[[], Any]] = None) -> int:
    """Serves ``backend`` (one process) or, with ``--workers N``, a backend made by
    ``make_backend`` in each of N processes."""
    from ..runner import BackendServer

    databases = _databases(args, users)

    def make_server(b: Any, port: int) -> Any:
        return BackendServer(b, args.host, port, tls_cert=args.tls_cert, tls_key=args.tls_key,
                             require_tls=args.require_tls, users=users, databases=databases,
                             metrics_port=args.metrics_port, slow_query_ms=args.slow_query_ms,
                             max_connections=args.max_connections,
                             busy_poll_us=args.busy_poll_us)

    try:
        if args.workers > 1:
            if args.metrics_port is not None:
                _error("--metrics-port is not available with --workers (each process has its "
                       "own counters)")
                return 2
            assert make_backend is not None
            return _run_workers(args, databases, users, what, make_backend, make_server)
        server = make_server(backend, args.port)
    except OSError as exc:
        _error(str(exc))
        return 1
    except RuntimeError as exc:
        _error(str(exc))
        return 1
    except Exception as exc:  # noqa: BLE001 - e.g. the engine's catalog cannot be read
        _error(f"cannot read the catalog: {str(exc).strip().splitlines()[0]}")
        return 1
    _banner(args, users, databases, what)
    try:
        server.start()
    except OSError as exc:
        _error(str(exc))
        return 1
    return 0


def _banner(args: argparse.Namespace, users: Dict[str, str], databases: List[str], what: str,
            extra: str = "") -> None:
    host = args.host.strip("[]")
    login = f" -U {next(iter(users))}" if users else ""
    sys.stderr.write(f"riffq: serving {what} on {host}:{args.port}{extra} "
                     f"(databases: {', '.join(databases)})\n"
                     f"riffq: connect with: psql -h {host} -p {args.port}{login} -c '\\dt'\n")
    sys.stderr.flush()


def _run_workers(args: argparse.Namespace, databases: List[str], users: Dict[str, str],
                 what: str, make_backend: Callable[[], Any],
                 make_server: Callable[[Any, int], Any]) -> int:
    from ..workers import reserve_port, run_group, start_group

    reservation = reserve_port(args.host.strip("[]"), args.port)
    port = reservation.getsockname()[1]
    running: Dict[str, Any] = {}

    def serve_one(index: int, count: int, cancel_dir: str) -> None:
        running["server"] = make_server(make_backend(), port)
        running["server"].start(reuse_port=True, worker_index=index, worker_count=count,
                                cancel_dir=cancel_dir)

    def ready(timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while "server" not in running:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return bool(running["server"].server.wait_until_serving(deadline - time.monotonic()))

    group = start_group(reservation, args.workers, serve_one, ready, timeout=120.0)
    _banner(args, users, databases, what, f" with {args.workers} worker processes")
    run_group(group, reservation)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``riffq`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        try:
            return serve(args)
        except KeyboardInterrupt:
            return 130
    parser.error(f"unknown command {args.command}")
    return 2

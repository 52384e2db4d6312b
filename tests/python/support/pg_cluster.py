"""A throwaway PostgreSQL cluster for differential tests.

Runs Debian's PostgreSQL 15 binaries (``/usr/lib/postgresql/15/bin``) as the ``postgres``
user when the tests run as root (initdb refuses root), in a temporary directory, on a free
loopback port, with trust authentication. ``stop()`` removes everything.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PG_MAJOR = 15  # the differential tests compare with PostgreSQL 15 (SPEC), never the newest


def pg_bindir() -> str | None:
    """Directory of the PostgreSQL 15 server binaries, or None."""
    path = f"/usr/lib/postgresql/{PG_MAJOR}/bin"
    return path if os.access(os.path.join(path, "initdb"), os.X_OK) else None


class PgCluster:
    """One PostgreSQL server in a temporary data directory."""

    def __init__(self, max_connections: int = 200) -> None:
        self.max_connections = max_connections
        self.bindir = pg_bindir()
        if self.bindir is None:
            raise RuntimeError(f"/usr/lib/postgresql/{PG_MAJOR}/bin/initdb not found "
                               f"(apt-get install postgresql-{PG_MAJOR})")
        self.port = free_port()
        self.host = "127.0.0.1"
        self.user = "postgres"
        self._tmp = tempfile.mkdtemp(prefix="riffq-pg-")
        self.datadir = os.path.join(self._tmp, "data")
        self._run_as = None
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            self._run_as = pw
            os.chown(self._tmp, pw.pw_uid, pw.pw_gid)

    def _cmd(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        def demote():
            if self._run_as is not None:
                os.setgid(self._run_as.pw_gid)
                os.setuid(self._run_as.pw_uid)
        return subprocess.run(args, preexec_fn=demote, capture_output=True, text=True,
                              check=True, cwd=self._tmp, **kw)

    def start(self) -> "PgCluster":
        self._cmd([os.path.join(self.bindir, "initdb"), "-D", self.datadir, "-U", self.user,
                   "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        opts = (f"-p {self.port} -k {self._tmp} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                f"-c max_connections={self.max_connections} -c shared_buffers=128MB")
        self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-o", opts,
                   "-l", os.path.join(self._tmp, "log"), "-w", "start"])
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not accept connections on port {self.port}")
                time.sleep(0.1)

    def stop(self) -> None:
        try:
            self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", "immediate",
                       "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self._tmp, ignore_errors=True)

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq key/value connection string for this cluster."""
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def psql(self, sql: str, dbname: str = "postgres", *extra: str) -> str:
        """Runs sql through psql (unaligned, tuples only) and returns stdout."""
        out = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.dsn(dbname),
                              *extra, "-c", sql], capture_output=True, text=True, check=True)
        return out.stdout

    def __enter__(self) -> "PgCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""Running ``riffq serve`` as a separate process, as a user would, for the tests."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Any, List, Optional

from support.servers import stop_process, wait_port


def riffq_cmd(*args: str) -> List[str]:
    """``python -m riffq …`` with the interpreter running the tests."""
    return [sys.executable, "-m", "riffq", *args]


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs a ``riffq`` command that is expected to end by itself."""
    return subprocess.run(riffq_cmd(*args), capture_output=True, text=True, timeout=timeout)


class ServeProcess:
    """``riffq serve ARGS --port PORT`` running until the context exits; ``.stderr()`` is what
    it printed so far."""

    def __init__(self, port: int, *args: str, cwd: Optional[str] = None,
                 env: Optional[dict] = None) -> None:
        self.port = port
        self.args = [*args, "--port", str(port)]
        self.cwd = cwd
        self.env = env
        self._log = tempfile.NamedTemporaryFile(prefix="riffq-serve-", suffix=".log", delete=False)
        self.proc: Optional[subprocess.Popen] = None

    def __enter__(self) -> "ServeProcess":
        self.proc = subprocess.Popen(riffq_cmd("serve", *self.args), stdout=self._log,
                                     stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env)
        try:
            wait_port(self.port, timeout=60, proc=self.proc)
        except Exception:
            self.stop()
            raise RuntimeError(f"riffq serve did not start:\n{self.stderr()}")
        return self

    def stderr(self) -> str:
        with open(self._log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for_output(self, text: str, timeout: float = 15) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            out = self.stderr()
            if text in out:
                return out
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in:\n{self.stderr()}")

    def stop(self) -> int:
        assert self.proc is not None
        return stop_process(self.proc)

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        os.unlink(self._log.name)


def psql(port: int, *commands: str, user: Optional[str] = None, password: Optional[str] = None,
         dbname: Optional[str] = None, extra: tuple = ()) -> subprocess.CompletedProcess:
    """psql with ``-X`` and each command as ``-c``, as a user types it."""
    args = ["psql", "-X", "-h", "127.0.0.1", "-p", str(port), *extra]
    if user:
        args += ["-U", user]
    if dbname:
        args += ["-d", dbname]
    for c in commands:
        args += ["-c", c]
    env = dict(os.environ, PGCONNECT_TIMEOUT="5")
    env.pop("PGPASSWORD", None)
    if password is not None:
        env["PGPASSWORD"] = password
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)

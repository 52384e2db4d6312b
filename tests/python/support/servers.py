"""Running riffq servers for tests: in a background thread (ServerThread) or as a separate
process running an unchanged example script (ExampleProcess)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Optional

import riffq


def wait_port(port: int, timeout: float = 15.0, proc: Optional[subprocess.Popen] = None) -> None:
    """Waits until something accepts on 127.0.0.1:port."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server process exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port}")


def stop_process(proc: subprocess.Popen, timeout: float = 15.0) -> int:
    """Terminates a server process (SIGTERM: it drains and exits), killing it if it is still
    alive after timeout seconds; returns its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return int(proc.returncode)


class ServerThread:
    """A riffq.Server with the given callbacks, served from a background thread."""

    def __init__(self, on_query: Callable[..., Any], port: int, on_connect=None,
                 on_disconnect=None, on_authentication=None, on_shutdown=None,
                 on_copy_in=None, configure: Optional[Callable[[riffq.Server], None]] = None,
                 host: str = "127.0.0.1", **start_kwargs: Any) -> None:
        self.port = port
        self.host = host
        self.server = riffq.Server(f"{host}:{port}")
        self.server.on_query(on_query)
        if on_connect is not None:
            self.server.on_connect(on_connect)
        if on_disconnect is not None:
            self.server.on_disconnect(on_disconnect)
        if on_authentication is not None:
            self.server.on_authentication(on_authentication)
        if on_shutdown is not None:
            self.server.handle_shutdown(on_shutdown)
        if on_copy_in is not None:
            self.server.on_copy_in(on_copy_in)
        if configure is not None:  # registrations, before start()
            configure(self.server)
        self.start_kwargs = start_kwargs
        self.error: Optional[BaseException] = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.server.start(**self.start_kwargs)
        except BaseException as exc:  # surfaced by start()/stop()
            self.error = exc

    def start(self) -> "ServerThread":
        self.thread.start()
        if not self.server.wait_until_serving(10):
            raise RuntimeError(f"server did not start: {self.error!r}")
        return self

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(15)

    def dsn(self, user: str = "user", dbname: str = "db", password: Optional[str] = None) -> str:
        d = f"host=127.0.0.1 port={self.port} user={user} dbname={dbname} connect_timeout=5"
        return d + (f" password={password}" if password else "")


class ExampleProcess:
    """Runs a script from examples/ unchanged, with the listen address as its argument."""

    def __init__(self, script: str, port: int, args: tuple = ()) -> None:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
        self.path = os.path.join(root, "examples", "python", script)
        self.port = port
        self.args = [str(a) for a in args]
        self.proc: Optional[subprocess.Popen] = None

    def __enter__(self) -> "ExampleProcess":
        self.proc = subprocess.Popen([sys.executable, self.path, f"127.0.0.1:{self.port}", *self.args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Examples import engines (the Spark one starts a Sail server): slow on a busy machine.
        wait_port(self.port, timeout=60, proc=self.proc)
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self.proc is not None
        stop_process(self.proc, 10)

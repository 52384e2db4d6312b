"""Multi-process serving: N forked worker processes share one port with ``SO_REUSEPORT``.

Used by :meth:`riffq.RiffqServer.start` (``workers=N``), :class:`riffq.runner.BackendServer`
and ``riffq serve --workers N``. Each worker is a fork of the process that called ``start``:
it has its own interpreter, GIL, handler objects and thread pools, so Python handlers run in
parallel on several cores. The kernel spreads new connections over the workers; a session
lives in one worker for its whole life. Backend pids carry the worker's index, and a
CancelRequest that lands on another worker is relayed to the owner over a Unix socket in a
private temporary directory, so psql's Ctrl-C and driver cancels work as with one process.

What is per process: connection objects and anything they hold, caches, DuckDB connections
opened after the fork (``worker_init``), ``stats()`` counters. What is shared: only what the
parent had before forking (copied, not shared afterwards: a registered catalog, a table in
memory) and files on disk. SIGINT / SIGTERM to the parent (or :meth:`WorkerGroup.stop`) stop
every worker gracefully (running statements get ``shutdown_grace``); a worker that dies
unexpectedly is started again.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from typing import Callable, Dict, Optional, Tuple

from .runner import listen_address

logger = logging.getLogger("riffq")

#: A worker that dies sooner than this after its start counts as a crash loop.
CRASH_WINDOW_S = 2.0
#: Crash-loop restarts tolerated (per worker) before the whole group stops.
MAX_QUICK_RESTARTS = 3


def split_listen_address(address: str) -> Tuple[str, int]:
    """``"127.0.0.1:5433"`` / ``"[::1]:5433"`` / ``"localhost:0"`` → (host, port)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"invalid listen address (expected host:port): {address}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def reserve_port(host: str, port: int) -> socket.socket:
    """Binds (without listening) a ``SO_REUSEPORT`` socket on the address, so that a busy
    port fails here, before any worker starts, and port 0 becomes one port for them all."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    last: Optional[OSError] = None
    for family, stype, proto, _, addr in infos:
        sock = socket.socket(family, stype, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(addr)
            # A listening socket of another program on the port (not SO_REUSEPORT) makes bind
            # fail above; one of ours that does would take clients: refuse a live port too.
            probe = socket.socket(family, stype, proto)
            probe.settimeout(0.5)
            try:
                if probe.connect_ex(sock.getsockname()[:2]) == 0:
                    raise OSError(f"could not bind {listen_address(host, port)}: "
                                  "address already in use")
            finally:
                probe.close()
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last if last is not None else OSError(f"cannot resolve {host}")


class WorkerGroup:
    """Forks and supervises ``count`` workers, each calling ``serve(index, count, cancel_dir)``
    (which serves until SIGTERM, then returns).

    Args:
        count: Number of worker processes (at least 2).
        serve: Runs one worker's server; called in the child after the fork.
        ready: Called in the child (from a helper thread) to wait until its server accepts
            connections; returns False on timeout.
        worker_init: Optional ``fn(index)`` run in each child before it serves (open per-process
            resources such as a DuckDB connection here).
    """

    def __init__(self, count: int, serve: Callable[[int, int, str], None],
                 ready: Callable[[float], bool],
                 worker_init: Optional[Callable[[int], None]] = None) -> None:
        if count < 2:
            raise ValueError("a worker group has at least 2 workers")
        self.count = count
        self._serve = serve
        self._ready = ready
        self._init = worker_init
        self.cancel_dir = tempfile.mkdtemp(prefix="riffq-workers-")
        self.pids: Dict[int, int] = {}  # pid → worker index
        self._started: Dict[int, float] = {}
        self._quick: Dict[int, int] = {}
        self._stopping = threading.Event()
        self._ready_r, self._ready_w = os.pipe()
        self.failure: Optional[str] = None

    # -- the children ----------------------------------------------------------------------
    def _spawn(self, index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                os.close(self._ready_r)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                if self._init is not None:
                    self._init(index)
                threading.Thread(target=self._announce, daemon=True).start()
                self._serve(index, self.count, self.cancel_dir)
            except BaseException:  # noqa: BLE001 — a worker must never return into the parent's code
                logger.exception("riffq worker %d failed", index)
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        self.pids[pid] = index
        self._started[index] = time.monotonic()

    def _announce(self) -> None:
        if self._ready(30.0):
            os.write(self._ready_w, b"r")

    # -- the parent --------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        """Forks the workers and returns once every one accepts connections (``TimeoutError``
        or ``RuntimeError`` if not)."""
        for i in range(self.count):
            self._spawn(i)
        waiting = self.count
        deadline = time.monotonic() + timeout
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                self.wait()
                raise TimeoutError("riffq workers did not start in time")
            import select

            r, _, _ = select.select([self._ready_r], [], [], min(left, 0.1))
            if r:
                waiting -= len(os.read(self._ready_r, waiting))
                continue
            done, status = os.waitpid(-1, os.WNOHANG)
            if done:
                index = self.pids.pop(done, -1)
                self.stop()
                self.wait()
                raise RuntimeError(f"riffq worker {index} exited while starting "
                                   f"(status {status}); see its log above")

    def wait(self) -> None:
        """Supervises until every worker has exited after :meth:`stop`: restarts a worker that
        dies on its own (a crash loop stops the group)."""
        while self.pids:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            index = self.pids.pop(pid, None)
            if index is None or self._stopping.is_set():
                continue
            quick = time.monotonic() - self._started.get(index, 0.0) < CRASH_WINDOW_S
            self._quick[index] = self._quick.get(index, 0) + 1 if quick else 0
            if self._quick[index] > MAX_QUICK_RESTARTS:
                self.failure = f"riffq worker {index} keeps exiting (status {status})"
                logger.error("%s: stopping the server", self.failure)
                self.stop()
                continue
            logger.warning("riffq worker %d (pid %d) exited with status %d: starting it again",
                           index, pid, status)
            self._spawn(index)
        self.close()

    def stop(self) -> None:
        """Asks every worker to shut down gracefully (SIGTERM). Thread-safe, idempotent."""
        self._stopping.set()
        for pid in list(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        """Releases the pipe and the relay directory (after the workers are gone)."""
        for fd in (self._ready_r, self._ready_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._ready_r = self._ready_w = -1
        shutil.rmtree(self.cancel_dir, ignore_errors=True)


def start_group(reservation: socket.socket, count: int, serve: Callable[[int, int, str], None],
                ready: Callable[[float], bool], worker_init: Optional[Callable[[int], None]] = None,
                timeout: float = 30.0) -> WorkerGroup:
    """Forks and starts a :class:`WorkerGroup` on the port ``reservation`` holds (from
    :func:`reserve_port`); the reservation is closed if the group fails to start."""
    group = WorkerGroup(count, serve, ready, worker_init)
    try:
        group.start(timeout)
    except BaseException:
        reservation.close()
        raise
    return group


def run_group(group: WorkerGroup, reservation: socket.socket) -> None:
    """Runs a started group in the foreground: SIGINT / SIGTERM stop it (from the main thread),
    returns when every worker is gone. Raises ``RuntimeError`` after a crash loop."""
    main = threading.current_thread() is threading.main_thread()
    old = {}
    if main:
        for sig in (signal.SIGINT, signal.SIGTERM):
            old[sig] = signal.signal(sig, lambda *_: group.stop())
    try:
        group.wait()
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        reservation.close()
    if group.failure:
        raise RuntimeError(group.failure)

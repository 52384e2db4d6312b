"""Progress on stderr while ``riffq serve`` scans many files: a rewritten line on a
terminal, a line per tenth of the work otherwise; silent for a handful of files."""
from __future__ import annotations

import sys
import time
from typing import Optional, TextIO

__all__ = ["Progress"]


class Progress:
    """Counts finished items out of ``total``.

    Args:
        total: Items to process.
        what: What is counted (``"files"``).
        stream: Where to write (default stderr).
        threshold: Fewer items than this show no progress.
    """

    def __init__(self, total: int, what: str = "files", stream: Optional[TextIO] = None,
                 threshold: int = 10) -> None:
        self.total = total
        self.what = what
        self.stream = stream or sys.stderr
        self.active = total >= threshold
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = 0
        self._next_line = 0
        self._started = time.monotonic()

    def step(self, label: str = "") -> None:
        """One more item finished."""
        self.done += 1
        if not self.active:
            return
        if self.tty:
            self.stream.write(f"\rriffq: scanning {self.what} {self.done}/{self.total} "
                              f"{label[:40]:<40}")
            self.stream.flush()
        elif self.done >= self._next_line or self.done == self.total:
            self.stream.write(f"riffq: scanning {self.what} {self.done}/{self.total}\n")
            self.stream.flush()
            self._next_line = self.done + max(1, self.total // 10)

    def finish(self) -> None:
        """Ends the progress display with a summary line."""
        if not self.active:
            return
        if self.tty:
            self.stream.write("\r" + " " * 80 + "\r")
        secs = time.monotonic() - self._started
        self.stream.write(f"riffq: scanned {self.total} {self.what} in {secs:.1f} s\n")
        self.stream.flush()

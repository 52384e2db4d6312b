"""Peers measured beside riffq that are not riffq's dependencies: buenavista (PyPI), installed
into its own virtual environment under ~/.cache/riffq-bench/ so that its pins (`duckdb<2`)
never touch the environment riffq is built in."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Optional, Tuple

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "riffq-bench")
BUENAVISTA_VENV = os.path.join(CACHE, "buenavista-venv")
BUENAVISTA_PACKAGES = ["buenavista", "duckdb<2", "pyarrow", "python-dateutil"]


def _imports(python: str) -> bool:
    probe = subprocess.run([python, "-c", "import buenavista, duckdb, pyarrow, dateutil"],
                           capture_output=True, timeout=120)
    return probe.returncode == 0


def ensure_buenavista() -> Tuple[Optional[str], str]:
    """(python of buenavista's venv, "") when it is installed or could be installed now;
    (None, why not) otherwise — the harness reports that instead of failing."""
    python = os.path.join(BUENAVISTA_VENV, "bin", "python")
    try:
        if os.path.exists(python) and _imports(python):
            return python, ""
        os.makedirs(CACHE, exist_ok=True)
        made = subprocess.run([sys.executable, "-m", "venv", "--clear", BUENAVISTA_VENV],
                              capture_output=True, text=True, timeout=300)
        if made.returncode != 0:
            return None, f"venv failed: {made.stderr.strip()[-200:]}"
        print(f"installing {' '.join(BUENAVISTA_PACKAGES)} into {BUENAVISTA_VENV}", flush=True)
        pip = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                              *BUENAVISTA_PACKAGES], capture_output=True, text=True, timeout=900)
        if pip.returncode != 0:
            return None, f"pip install failed: {pip.stderr.strip()[-200:]}"
        if not _imports(python):
            return None, "installed but `import buenavista` fails"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"install failed: {exc}"
    return python, ""

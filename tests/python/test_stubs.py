"""The committed type stubs match the compiled extension (nanobind's golden-stub pattern)."""

from __future__ import annotations

import os
import subprocess
import sys

import riffq

PKG = os.path.dirname(riffq.__file__)


def test_riffq_stub_is_current(tmp_path):
    out = tmp_path / "_riffq.pyi"
    subprocess.run([sys.executable, "-m", "nanobind.stubgen", "-q", "-m", "riffq._riffq", "-o", str(out)],
                   check=True, capture_output=True)
    here = os.path.join(os.path.dirname(__file__), "..", "..", "python", "riffq", "_riffq.pyi")
    assert out.read_text() == open(here).read(), "regenerate with: python -m nanobind.stubgen -m riffq._riffq -o python/riffq/_riffq.pyi"


def test_package_is_typed():
    assert os.path.exists(os.path.join(PKG, "py.typed"))
    assert os.path.exists(os.path.join(PKG, "_riffq.pyi"))

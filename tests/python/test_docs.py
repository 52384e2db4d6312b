"""The documentation site builds with MkDocs in strict mode (a broken link, a page missing from
the navigation, or a docstring the API reference cannot render fails the build), and every
example the docs list exists."""
from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_docs_build_without_warnings(tmp_path) -> None:
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                        str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "WARNING" not in r.stderr
    page = (tmp_path / "site" / "reference" / "backends" / "index.html").read_text()
    assert "DuckDBBackend" in page and "register_catalog" in page  # the API reference rendered


def test_every_page_is_in_the_navigation() -> None:
    nav = open(os.path.join(ROOT, "mkdocs.yml"), encoding="utf-8").read()
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, re.M))
    pages = {os.path.relpath(os.path.join(d, f), os.path.join(ROOT, "docs"))
             for d, _, files in os.walk(os.path.join(ROOT, "docs")) for f in files if f.endswith(".md")}
    assert pages - listed == set()


def test_listed_examples_exist() -> None:
    text = open(os.path.join(ROOT, "docs", "examples.md"), encoding="utf-8").read()
    names = set(re.findall(r"`(\w+\.py)", text))
    assert len(names) >= 8
    for name in names:
        assert os.path.exists(os.path.join(ROOT, "examples", "python", name)), name

"""``riffq serve``: files, folders and DuckDB databases on the PostgreSQL wire.

:mod:`riffq.cli.sources` turns the command line's paths into a plan,
:mod:`riffq.cli.loader` builds the DuckDB database and its catalog from it, and
:mod:`riffq.cli.main` is the command itself.
"""
from .main import main

__all__ = ["main"]

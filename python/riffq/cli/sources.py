"""What ``riffq serve`` serves: command-line paths turned into DuckDB objects.

Each data file becomes a table named after the file (``trades.parquet`` → ``trades``;
``name=path`` chooses the name, and ``name=glob`` or ``name=folder`` makes one table of many
files). Files directly in a folder given on the command line go to ``public``; files in its
sub-folders go to a schema named after the sub-folder. A DuckDB database file is attached:
its ``main`` schema is shown as ``public``, its other schemas under their own names.

Inside DuckDB, the served objects are views in the in-memory database (schema ``public`` or
the sub-folder's), and the cursors' ``search_path`` puts the attached databases' ``main``
first, so unqualified names reach an attached table itself (writable unless
``--read-only``) and ``public.name`` reaches it through its view.
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

__all__ = ["Source", "Database", "Plan", "PathError", "plan_sources", "identifier",
           "FILE_KINDS", "DATABASE_SUFFIXES"]

#: File suffix → DuckDB reader kind.
FILE_KINDS: Dict[str, str] = {
    ".parquet": "parquet", ".pq": "parquet",
    ".csv": "csv", ".tsv": "csv", ".csv.gz": "csv", ".tsv.gz": "csv", ".txt": "csv",
    ".json": "json", ".jsonl": "json", ".ndjson": "json", ".json.gz": "json",
    ".jsonl.gz": "json", ".ndjson.gz": "json",
    ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow", ".arrows": "arrow",
}
#: Suffixes of DuckDB database files.
DATABASE_SUFFIXES = (".duckdb", ".ddb", ".db", ".duck")


class PathError(Exception):
    """A path on the command line that cannot be served at all."""


@dataclass
class Source:
    """One table made of one or more files of one kind."""

    name: str
    schema: str
    kind: str
    paths: List[str]
    origin: str  # what the user wrote, for messages


@dataclass
class Database:
    """A DuckDB database file to attach."""

    alias: str
    path: str


@dataclass
class Plan:
    """Everything to serve, in command-line order."""

    sources: List[Source] = field(default_factory=list)
    databases: List[Database] = field(default_factory=list)
    skipped: List[Tuple[str, str]] = field(default_factory=list)  # (path, reason)


def identifier(text: str) -> str:
    """A lower-case SQL identifier from a file or folder name (``Sales 2024.csv`` →
    ``sales_2024``), so clients need no quotes."""
    ident = re.sub(r"[^0-9a-zA-Z_]+", "_", text).strip("_").lower()
    if not ident:
        ident = "t"
    return "t_" + ident if ident[0].isdigit() else ident


def file_kind(path: str) -> Optional[str]:
    """The reader kind for a data file, from its suffix (``None`` if not a data file)."""
    low = path.lower()
    for suffix in sorted(FILE_KINDS, key=len, reverse=True):
        if low.endswith(suffix):
            return FILE_KINDS[suffix]
    return None


def _stem(path: str) -> str:
    base = os.path.basename(path)
    low = base.lower()
    for suffix in sorted(list(FILE_KINDS) + list(DATABASE_SUFFIXES), key=len, reverse=True):
        if low.endswith(suffix):
            return base[: -len(suffix)]
    return os.path.splitext(base)[0]


def is_database(path: str) -> bool:
    """True for a DuckDB database file (by suffix, or by its header)."""
    if path.lower().endswith(DATABASE_SUFFIXES):
        return True
    try:
        with open(path, "rb") as f:
            return f.read(16)[8:12] == b"DUCK"
    except OSError:
        return False


def _has_magic(pattern: str) -> bool:
    return glob.has_magic(pattern)


def _files_in(folder: str) -> List[str]:
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                out.append(os.path.join(root, f))
    return out


def _expand(spec: str) -> List[str]:
    if _has_magic(spec):
        matches = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
        if not matches:
            raise PathError(f"{spec}: no file matches")
        return matches
    if not os.path.exists(spec):
        raise PathError(f"{spec}: no such file or directory")
    return [spec]


def plan_sources(args: Iterable[str]) -> Plan:
    """Turns the command line's paths into a :class:`Plan`; raises :class:`PathError` for a
    path that does not exist or a pattern that matches nothing."""
    plan = Plan()
    for arg in args:
        name: Optional[str] = None
        spec = arg
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.+)", arg)
        if m and not os.path.exists(arg):
            name, spec = m.group(1), m.group(2)
        paths = _expand(spec)
        if name is not None:
            _named(plan, name, spec, paths)
            continue
        for path in paths:
            if os.path.isdir(path):
                _folder(plan, path)
            else:
                _file(plan, path, "public", None)
    return plan


def _file(plan: Plan, path: str, schema: str, name: Optional[str]) -> None:
    full = os.path.abspath(path)
    if is_database(full):
        plan.databases.append(Database(identifier(name or _stem(full)), full))
        return
    kind = file_kind(full)
    if kind is None:
        plan.skipped.append((path, "not a Parquet, CSV, JSON, Arrow or DuckDB file"))
        return
    plan.sources.append(Source(identifier(name or _stem(full)), schema, kind, [full], path))


def _folder(plan: Plan, folder: str) -> None:
    for path in _files_in(folder):
        rel = os.path.relpath(os.path.dirname(path), folder)
        schema = "public" if rel == "." else identifier(rel.replace(os.sep, "_"))
        if is_database(path) or file_kind(path) is not None:
            _file(plan, path, schema, None)


def _named(plan: Plan, name: str, spec: str, paths: List[str]) -> None:
    files: List[str] = []
    for p in paths:
        files.extend(_files_in(p) if os.path.isdir(p) else [p])
    if len(files) == 1 and is_database(files[0]):
        plan.databases.append(Database(identifier(name), os.path.abspath(files[0])))
        return
    kinds = {file_kind(f) for f in files} - {None}
    if len(kinds) != 1:
        raise PathError(f"{name}={spec}: one table needs files of one kind "
                        f"(found {', '.join(sorted(str(k) for k in kinds)) or 'none'})")
    kind = kinds.pop()
    data = [os.path.abspath(f) for f in files if file_kind(f) == kind]
    plan.sources.append(Source(identifier(name), "public", str(kind), data, f"{name}={spec}"))

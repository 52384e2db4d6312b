"""Classifying SQL statements by their first word, as the ready backends need: which return
rows, which change data, which are transaction control, and which are savepoint commands."""
from __future__ import annotations

import re
from typing import Optional, Tuple

__all__ = ["first_word", "ROW_WORDS", "TX_WORDS", "WRITE_WORDS", "READ_ONLY_WORDS", "savepoint_command",
           "count_params", "strip_sql"]

#: Statements whose first word means they return rows.
ROW_WORDS = frozenset({"select", "with", "values", "table", "show", "from", "pragma", "describe",
                       "summarize", "explain", "call", "pivot", "unpivot"})
#: Transaction control that goes to the engine (BEGIN / COMMIT / ROLLBACK and synonyms).
TX_WORDS = frozenset({"begin", "start", "commit", "end", "rollback", "abort"})
#: Statements that only read, allowed in read-only mode besides ROW_WORDS and TX_WORDS.
READ_ONLY_WORDS = frozenset({"savepoint", "release", "set", "reset", "use", "discard",
                             "deallocate", "listen", "unlisten", "close", "fetch"})
#: Statements that change data or schema (a savepoint taken before them cannot be rolled back
#: to in an engine without savepoints).
WRITE_WORDS = frozenset({"insert", "update", "delete", "create", "drop", "alter", "copy",
                         "truncate", "merge", "attach", "detach", "import", "export", "load",
                         "install", "vacuum", "comment", "grant", "revoke", "upsert", "replace",
                         "checkpoint"})

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_PARAM = re.compile(r"\$(\d+)")


def strip_sql(sql: str) -> str:
    """The statement without surrounding blanks and trailing semicolons."""
    return sql.strip().rstrip(";").strip()


def first_word(sql: str) -> str:
    """The statement's first keyword in lower case (comments and parentheses skipped)."""
    text = _COMMENTS.sub(" ", sql).lstrip(" \t\r\n(")
    m = re.match(r"[A-Za-z_]+", text)
    return m.group(0).lower() if m else ""


def count_params(sql: str) -> int:
    """The highest ``$n`` placeholder number in the statement (0 when there is none)."""
    return max((int(n) for n in _PARAM.findall(sql)), default=0)


def savepoint_command(sql: str) -> Optional[Tuple[str, str]]:
    """``("savepoint" | "release" | "rollback_to", name)`` for SAVEPOINT, RELEASE [SAVEPOINT]
    and ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT]; ``None`` for anything else."""
    words = _COMMENTS.sub(" ", strip_sql(sql)).split()
    low = [w.lower() for w in words]
    if not low:
        return None
    if low[0] == "savepoint" and len(low) == 2:
        return "savepoint", words[1].strip('"')
    if low[0] == "release" and len(low) in (2, 3):
        return "release", words[-1].strip('"')
    if low[0] == "rollback" and "to" in low:
        return "rollback_to", words[-1].strip('"')
    return None

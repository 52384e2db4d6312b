"""DuckDB errors as PostgreSQL SQLSTATEs, so clients see the error classes they expect
(psycopg raises ``UndefinedTable`` for ``42P01``, JDBC tools show the code)."""
from __future__ import annotations

import re
from typing import Optional

__all__ = ["duckdb_sqlstate", "clean_message"]

# DuckDB exception class name → SQLSTATE, where the class alone decides it.
_BY_CLASS = {
    "ParserException": "42601",              # syntax_error
    "SyntaxException": "42601",
    "ConversionException": "22P02",          # invalid_text_representation
    "OutOfRangeException": "22003",          # numeric_value_out_of_range
    "TypeMismatchException": "42804",        # datatype_mismatch
    "InterruptException": "57014",           # query_canceled
    "OutOfMemoryException": "53200",         # out_of_memory
    "NotImplementedException": "0A000",      # feature_not_supported
    "PermissionException": "42501",          # insufficient_privilege
    "TransactionException": "25P02",         # in_failed_sql_transaction
    "IOException": "58030",                  # io_error
    "HTTPException": "58030",
    "SerializationException": "22000",
    "SequenceException": "2200H",            # sequence_generator_limit_exceeded
    "DataError": "22000",                    # data_exception
    "InvalidTypeException": "42704",
}


def duckdb_sqlstate(exc: BaseException) -> Optional[str]:
    """The SQLSTATE PostgreSQL would send for the same mistake as this DuckDB exception, or
    ``None`` if ``exc`` is not a DuckDB error. Missing table ``42P01``, missing column
    ``42703``, missing function ``42883``, missing schema ``3F000``, syntax ``42601``, bad
    data ``22xxx``, constraint violations ``23xxx``, read-only ``25006``."""
    names = [c.__name__ for c in type(exc).__mro__]
    module = type(exc).__module__ or ""
    if "duckdb" not in module and not any(n in _BY_CLASS for n in names[:1]):
        return None
    msg = str(exc)
    low = msg.lower()
    name = names[0]
    if "read-only" in low or "read only" in low:
        return "25006"                       # read_only_sql_transaction
    if name == "CatalogException":
        if "because schema" in low and "does not exist" in low:
            return "3F000"                   # invalid_schema_name
        if re.search(r"\b(table|view) with name .* does not exist", low):
            return "42P01"                   # undefined_table
        if "function with name" in low or "macro function" in low:
            return "42883"                   # undefined_function
        if "schema with name" in low or "schema" in low and "does not exist" in low:
            return "3F000"                   # invalid_schema_name
        if "already exists" in low:
            return "42P07"                   # duplicate_table
        if "type with name" in low:
            return "42704"
        return "42704"                       # undefined_object
    if name == "BinderException":
        if "column" in low and ("not found" in low or "does not exist" in low):
            return "42703"                   # undefined_column
        if "no function matches" in low:
            return "42883"
        if "ambiguous" in low:
            return "42702"                   # ambiguous_column
        if "group by" in low:
            return "42803"                   # grouping_error
        return "42P18" if "parameter" in low else "42000"
    if name == "ConstraintException":
        if "not null" in low:
            return "23502"                   # not_null_violation
        if "foreign key" in low:
            return "23503"                   # foreign_key_violation
        if "primary key" in low or "unique" in low:
            return "23505"                   # unique_violation
        if "check constraint" in low:
            return "23514"
        return "23000"
    if name == "InvalidInputException":
        if "division by zero" in low or "divide by zero" in low:
            return "22012"
        return "22023"                       # invalid_parameter_value
    if name == "ConversionException":
        if "out of range" in low:
            return "22008" if ("date" in low or "time" in low) else "22003"
        return "22P02"
    for n in names:
        if n in _BY_CLASS:
            return _BY_CLASS[n]
    return "XX000" if "duckdb" in module else None


def clean_message(exc: BaseException) -> str:
    """DuckDB's message without its ``Catalog Error:`` style prefix and source excerpt (the
    client shows the SQLSTATE's class; PostgreSQL messages have neither)."""
    msg = str(exc)
    first, _, _ = msg.partition("\n\nLINE ")
    return re.sub(r"^[A-Za-z ]+ Error: ", "", first).strip()

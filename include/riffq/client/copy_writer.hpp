// riffq/client/copy_writer.hpp
// The write path: an ArrowArrayStream (any producer: polars, pyarrow, DuckDB) encoded into
// `COPY table FROM STDIN (FORMAT binary)`. Each Arrow type has one natural PostgreSQL type;
// the caller creates the table with those types (or copies through a staging table).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "riffq/types/arrow_c_abi.hpp"

namespace riffq::client {

class PgConnection;

// PostgreSQL type names (as `regtype` prints them) for each field of a struct schema, or
// false with *error naming the first unsupported Arrow type.
bool natural_pg_types(const ArrowSchema& schema, std::vector<std::string>* types,
                      std::string* error);

// Streams every batch into `COPY <table> <columns_sql> FROM STDIN (FORMAT binary)`. The
// caller holds the connection. Returns rows written, or -1 with *error.
int64_t copy_arrow_stream(PgConnection* conn, const std::string& table,
                          const std::string& columns_sql, ArrowArrayStream* stream,
                          std::string* error);

// Encodes one record batch (struct array) as binary COPY tuples, appended to *out. Exposed
// for tests; false with *error on an unsupported type or a value out of range.
bool encode_copy_batch(const ArrowSchema& schema, const ArrowArray& batch, std::string* out,
                       std::string* error);

}  // namespace riffq::client

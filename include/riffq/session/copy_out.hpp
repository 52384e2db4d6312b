// riffq/session/copy_out.hpp
// COPY … TO STDOUT framing: CopyOutResponse, the binary header and trailer, and the rewriting of
// encoded DataRow messages into CopyData rows in text, CSV or binary format (PostgreSQL's
// copyto.c rules: CopyAttributeOutText / CopyAttributeOutCSV, the PGCOPY signature).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/sql/statement.hpp"
#include "riffq/types/result_encoder.hpp"
#include "riffq/wire/field_description.hpp"

namespace riffq::session {

// CopyOutResponse for the columns (formats: all text, or all binary for FORMAT binary), plus
// the header line for HEADER. The binary PGCOPY header is not written here: it travels in the
// same CopyData as the first row (or the trailer), as PostgreSQL sends it and as clients such
// as psycopg expect (see header_pending below).
void write_copy_out_start(std::string& out, const sql::CopySpec& spec,
                          const std::vector<wire::FieldDescription>& columns);
// Rewrites complete DataRow messages (as ResultEncoder produces them) into CopyData messages.
// header_pending: the binary header still has to be sent (cleared once it is).
void datarows_to_copy_data(std::string_view datarows, const sql::CopySpec& spec, std::string& out,
                           bool& header_pending);
// An error when the result cannot be copied in the requested format (binary without a binary
// form for some column); nullopt when it can.
std::optional<PgError> check_copy_columns(const sql::CopySpec& spec, const types::ResultEncoder& enc);
// The binary trailer (with the header if no row carried it) and CopyDone.
void write_copy_out_end(std::string& out, const sql::CopySpec& spec, bool header_pending);

}  // namespace riffq::session

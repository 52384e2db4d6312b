// riffq/session/handler_types.hpp
// What the session asks of the application (admission, queries) and what comes back. The
// server layer turns these into calls of the user's callbacks (Python or C++).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/session/result_cursor.hpp"
#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/types/encode_options.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::session {

// One Bind parameter, as sent: raw bytes in the given format, with its resolved type OID.
struct QueryArg {
  std::optional<std::string> value;  // nullopt = NULL
  uint32_t type_oid = 25;
  wire::Format format = wire::Format::TEXT;
};

// How the rows of an execution will be encoded, so that the replying thread can build the
// encoder and encode the first rows itself (prefetch_rows), saving two thread hand-offs for
// small results. Settings cannot change while the call is pending.
struct PrefetchSpec {
  bool enabled = false;
  types::EncodeOptions encode_options;
  std::vector<int16_t> result_formats;  // Bind's format codes (0, 1 or n of them)
  int64_t max_rows = 0;                 // Execute's row limit (0 = all)
  std::optional<sql::CopySpec> copy;    // COPY TO STDOUT: encode rows as CopyData
  // The RowDescription the client already holds for this portal (an earlier Describe): the
  // rows must match it, converted where exact, else 0A000 (SPEC §3). Formats included.
  std::optional<std::vector<types::ColumnDescription>> described;
  // The columns the catalog traced to registered tables' columns (table OID, attnum, type), when
  // no RowDescription is with the client yet (see apply_column_origins).
  std::shared_ptr<const std::vector<types::ColumnDescription>> origins;
};

class CopyInChannel;  // copy_in.hpp

struct HandlerCall {
  uint64_t connection_id = 0;
  uint64_t sequence = 0;  // echoed back in the reply; stale replies are dropped
  std::string sql;
  bool do_describe = false;
  bool with_args = false;  // extended protocol Execute / Describe portal: pass query_args
  std::vector<QueryArg> args;
  PrefetchSpec prefetch;
  // Becomes true when the statement is cancelled (CancelRequest, statement_timeout, the client
  // gone): a handler may poll it and stop early. Never null for calls the session makes.
  std::shared_ptr<const std::atomic<bool>> cancelled;
  // Sends a NoticeResponse (severity NOTICE, WARNING, INFO, …) ahead of the result; any thread,
  // until the call is answered. Set by the server; may be empty elsewhere.
  std::function<void(PgError)> notice;
  // COPY … FROM STDIN: the upload's reader (its plan names the table and columns). The call
  // goes to the application's copy-in hook instead of its query handler; sql is the COPY.
  std::shared_ptr<CopyInChannel> copy_in;
};

struct HandlerReply {
  enum class Kind { ROWS, TAG, ERROR };
  uint64_t sequence = 0;
  Kind kind = Kind::ERROR;
  types::OwnedStream stream;  // ROWS
  types::OwnedSchema schema;  // ROWS: fetched by the caller, off the I/O thread
  std::string tag;            // TAG
  PgError error;              // ERROR
  // A describe answer may type the statement's parameters (0: no opinion); types the client
  // gave in Parse stay.
  std::vector<uint32_t> parameter_types;

  // ROWS after prefetch_rows(): the cursor owns stream and encoder (formats set), and the
  // first DataRows are already encoded.
  ResultCursorPtr cursor;
  std::string prefetched;
  StreamOutcome prefetch_outcome;

  static HandlerReply make_error(PgError e) {
    HandlerReply r;
    r.kind = Kind::ERROR;
    r.error = std::move(e);
    return r;
  }
  static HandlerReply make_tag(std::string t) {
    HandlerReply r;
    r.kind = Kind::TAG;
    r.tag = std::move(t);
    return r;
  }
};

// Builds the encoder for a ROWS reply and encodes its first rows (up to a small byte budget)
// on the calling thread — never an I/O thread. On failure the reply becomes an ERROR.
void prefetch_rows(HandlerReply& reply, const PrefetchSpec& spec);

struct AdmissionRequest {
  uint64_t connection_id = 0;
  std::string user;
  std::optional<std::string> database;
  std::optional<std::string> password;  // set when password authentication ran
  std::string application_name;
};

struct AdmissionReply {
  bool ok = false;
  PgError error;  // used when !ok
};

}  // namespace riffq::session

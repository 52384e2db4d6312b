// backend_messages.cpp — encoders for backend messages (pqformat-style builder).
#include "riffq/wire/backend_messages.hpp"

#include "riffq/wire/message_writer.hpp"

namespace riffq::wire {
namespace {

void write_error_fields(MessageWriter& w, const PgError& e) {
  const char* sev = severity_name(e.severity);
  w.put_int8('S');
  w.put_cstring(sev);
  w.put_int8('V');  // non-localised severity (PostgreSQL 9.6+)
  w.put_cstring(sev);
  w.put_int8('C');
  w.put_cstring(e.sqlstate.size() == 5 ? e.sqlstate : std::string(sqlstate::INTERNAL_ERROR));
  w.put_int8('M');
  w.put_cstring(e.message);
  if (!e.detail.empty()) {
    w.put_int8('D');
    w.put_cstring(e.detail);
  }
  if (!e.hint.empty()) {
    w.put_int8('H');
    w.put_cstring(e.hint);
  }
  if (e.position > 0) {
    w.put_int8('P');
    w.put_cstring(std::to_string(e.position));
  }
  if (!e.context.empty()) {
    w.put_int8('W');
    w.put_cstring(e.context);
  }
  w.put_int8(0);
}

// Protocol strings are NUL-terminated: an embedded NUL would desynchronise the client.
std::string without_nul(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c == '\0') c = ' ';
  return r;
}

}  // namespace

void write_authentication(std::string& out, int32_t code, std::string_view extra) {
  MessageWriter w(&out);
  w.begin(msg::AUTHENTICATION);
  w.put_int32(code);
  w.put_bytes(extra);
  w.end();
}

void write_parameter_status(std::string& out, std::string_view name, std::string_view value) {
  MessageWriter w(&out);
  w.begin(msg::PARAMETER_STATUS);
  w.put_cstring(without_nul(name));
  w.put_cstring(without_nul(value));
  w.end();
}

void write_backend_key_data(std::string& out, int32_t process_id, int32_t secret_key) {
  MessageWriter w(&out);
  w.begin(msg::BACKEND_KEY_DATA);
  w.put_int32(process_id);
  w.put_int32(secret_key);
  w.end();
}

void write_ready_for_query(std::string& out, TransactionStatus status) {
  MessageWriter w(&out);
  w.begin(msg::READY_FOR_QUERY);
  w.put_int8(static_cast<uint8_t>(status));
  w.end();
}

void write_row_description(std::string& out, const std::vector<FieldDescription>& columns) {
  MessageWriter w(&out);
  w.begin(msg::ROW_DESCRIPTION);
  w.put_int16(static_cast<int16_t>(columns.size()));
  for (const auto& c : columns) {
    w.put_cstring(without_nul(c.name));
    w.put_int32(static_cast<int32_t>(c.table_oid));
    w.put_int16(c.attnum);
    w.put_int32(static_cast<int32_t>(c.type_oid));
    w.put_int16(c.typlen);
    w.put_int32(c.typmod);
    w.put_int16(static_cast<int16_t>(c.format));
  }
  w.end();
}

void write_parameter_description(std::string& out, const std::vector<uint32_t>& oids) {
  MessageWriter w(&out);
  w.begin(msg::PARAMETER_DESCRIPTION);
  w.put_int16(static_cast<int16_t>(oids.size()));
  for (uint32_t oid : oids) w.put_int32(static_cast<int32_t>(oid));
  w.end();
}

void write_command_complete(std::string& out, std::string_view tag) {
  MessageWriter w(&out);
  w.begin(msg::COMMAND_COMPLETE);
  w.put_cstring(without_nul(tag));
  w.end();
}

void write_error_response(std::string& out, const PgError& error) {
  MessageWriter w(&out);
  w.begin(msg::ERROR_RESPONSE);
  PgError e = error;
  e.message = without_nul(e.message);
  e.detail = without_nul(e.detail);
  e.hint = without_nul(e.hint);
  e.context = without_nul(e.context);
  write_error_fields(w, e);
  w.end();
}

void write_notice_response(std::string& out, const PgError& notice) {
  MessageWriter w(&out);
  w.begin(msg::NOTICE_RESPONSE);
  PgError e = notice;
  e.message = without_nul(e.message);
  write_error_fields(w, e);
  w.end();
}

void write_empty(std::string& out, char type) {
  MessageWriter w(&out);
  w.begin(type);
  w.end();
}

void write_negotiate_protocol_version(std::string& out, int32_t newest_minor,
                                      const std::vector<std::string>& unrecognized) {
  MessageWriter w(&out);
  w.begin(msg::NEGOTIATE_PROTOCOL_VERSION);
  w.put_int32(newest_minor);
  w.put_int32(static_cast<int32_t>(unrecognized.size()));
  for (const auto& o : unrecognized) w.put_cstring(o);
  w.end();
}

}  // namespace riffq::wire

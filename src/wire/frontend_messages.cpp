// frontend_messages.cpp — decoders for every frontend message (bounds-checked, no I/O).
#include "riffq/wire/frontend_messages.hpp"

#include "riffq/wire/message_reader.hpp"

namespace riffq::wire {
namespace {

template <typename T>
Decoded<T> fail(const char* why) {
  Decoded<T> d;
  d.error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION, why);
  return d;
}

template <typename T, typename M>
Decoded<T> done(MessageReader& r, M&& m, const char* what) {
  if (!r.ok()) return fail<T>("insufficient data left in message");
  if (!r.at_end()) {
    Decoded<T> d;
    d.error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION,
                             std::string("invalid message format (") + what + ")");
    return d;
  }
  Decoded<T> d;
  d.value.emplace(std::forward<M>(m));
  return d;
}

// Reads an Int16 count followed by that many Int16 values.
bool read_int16_array(MessageReader& r, std::vector<int16_t>& out) {
  int16_t n = r.get_int16();
  if (!r.ensure_count(n, 2)) return false;
  out.resize(static_cast<size_t>(n));
  for (auto& v : out) v = r.get_int16();
  return r.ok();
}

Decoded<FrontendMessage> decode_bind(MessageReader& r) {
  Bind b;
  b.portal = r.get_cstring();
  b.statement = r.get_cstring();
  if (!read_int16_array(r, b.parameter_formats)) return fail<FrontendMessage>("insufficient data left in message");
  uint16_t n = static_cast<uint16_t>(r.get_int16());
  if (!r.ensure_count(n, 4)) return fail<FrontendMessage>("insufficient data left in message");
  b.parameters.resize(n);
  for (auto& p : b.parameters) {
    int32_t len = r.get_int32();
    if (len == -1) continue;
    if (len < 0) return fail<FrontendMessage>("invalid parameter length in Bind message");
    p = std::string(r.get_bytes(static_cast<size_t>(len)));
  }
  if (!read_int16_array(r, b.result_formats)) return fail<FrontendMessage>("insufficient data left in message");
  return done<FrontendMessage>(r, std::move(b), "Bind");
}

}  // namespace

Decoded<StartupPacket> decode_startup_packet(std::string_view body) {
  MessageReader r(body);
  int32_t code = r.get_int32();
  if (code == SSL_REQUEST_CODE) return done<StartupPacket>(r, SSLRequest{}, "SSLRequest");
  if (code == GSSENC_REQUEST_CODE) return done<StartupPacket>(r, GSSENCRequest{}, "GSSENCRequest");
  if (code == CANCEL_REQUEST_CODE) {
    CancelRequest c;
    c.process_id = r.get_int32();
    c.secret_key = r.get_int32();
    return done<StartupPacket>(r, c, "CancelRequest");
  }
  StartupMessage m;
  m.protocol_version = code;
  if ((code >> 16) != 3) {
    Decoded<StartupPacket> d;
    d.error = PgError::fatal(sqlstate::FEATURE_NOT_SUPPORTED,
                             "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                 std::to_string(code & 0xffff) +
                                 ": server supports 3.0 to 3.0");
    return d;
  }
  // Name/value pairs terminated by an empty name.
  while (r.ok()) {
    std::string_view key = r.get_cstring();
    if (!r.ok()) break;
    if (key.empty()) break;
    std::string_view value = r.get_cstring();
    m.parameters.emplace_back(std::string(key), std::string(value));
  }
  if (!r.ok()) return fail<StartupPacket>("invalid startup packet layout: expected terminator as last byte");
  return done<StartupPacket>(r, std::move(m), "StartupMessage");
}

Decoded<FrontendMessage> decode_frontend_message(char type, std::string_view body) {
  MessageReader r(body);
  switch (type) {
    case msg::QUERY: {
      Query q{std::string(r.get_cstring())};
      return done<FrontendMessage>(r, std::move(q), "Query");
    }
    case msg::PARSE: {
      Parse p;
      p.statement = r.get_cstring();
      p.sql = r.get_cstring();
      uint16_t n = static_cast<uint16_t>(r.get_int16());
      if (!r.ensure_count(n, 4)) return fail<FrontendMessage>("insufficient data left in message");
      p.parameter_types.resize(n);
      for (auto& t : p.parameter_types) t = static_cast<uint32_t>(r.get_int32());
      return done<FrontendMessage>(r, std::move(p), "Parse");
    }
    case msg::BIND:
      return decode_bind(r);
    case msg::DESCRIBE:
    case msg::CLOSE: {
      char kind = static_cast<char>(r.get_int8());
      std::string name(r.get_cstring());
      if (r.ok() && kind != 'S' && kind != 'P') {
        return fail<FrontendMessage>(type == msg::DESCRIBE ? "invalid DESCRIBE message subtype"
                                                           : "invalid CLOSE message subtype");
      }
      if (type == msg::DESCRIBE) return done<FrontendMessage>(r, Describe{kind, std::move(name)}, "Describe");
      return done<FrontendMessage>(r, Close{kind, std::move(name)}, "Close");
    }
    case msg::EXECUTE: {
      Execute e;
      e.portal = r.get_cstring();
      e.max_rows = r.get_int32();
      return done<FrontendMessage>(r, std::move(e), "Execute");
    }
    case msg::SYNC:
      return done<FrontendMessage>(r, Sync{}, "Sync");
    case msg::FLUSH:
      return done<FrontendMessage>(r, Flush{}, "Flush");
    case msg::TERMINATE:
      return done<FrontendMessage>(r, Terminate{}, "Terminate");
    case msg::PASSWORD_MESSAGE: {
      PasswordMessage p{std::string(body)};
      Decoded<FrontendMessage> d;
      d.value.emplace(std::move(p));
      return d;
    }
    case msg::COPY_DATA: {
      Decoded<FrontendMessage> d;
      d.value.emplace(CopyData{std::string(body)});
      return d;
    }
    case msg::COPY_DONE:
      return done<FrontendMessage>(r, CopyDone{}, "CopyDone");
    case msg::COPY_FAIL: {
      CopyFail f{std::string(r.get_cstring())};
      return done<FrontendMessage>(r, std::move(f), "CopyFail");
    }
    case msg::FUNCTION_CALL: {
      Decoded<FrontendMessage> d;
      d.value.emplace(FunctionCall{});
      return d;
    }
    default:
      return fail<FrontendMessage>("invalid frontend message type");
  }
}

}  // namespace riffq::wire

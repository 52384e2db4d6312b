// saslprep.cpp — SASLprep through GNU libidn's stringprep ("SASLprep" profile: mapping of
// non-ASCII spaces and characters mapped to nothing, NFKC, prohibited and unassigned code
// points, bidirectional rules), with PostgreSQL's pg_saslprep fallbacks around it.
#include "riffq/session/saslprep.hpp"

#include <stringprep.h>

#include <cstdlib>
#include <memory>
#include <string_view>

#include "riffq/common/utf8.hpp"

namespace riffq::session {
namespace {

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c & 0x80) return false;
  return true;
}

}  // namespace

std::string saslprep(const std::string& password) {
  // pg_saslprep: "An ASCII string requires no further processing" — even control characters.
  if (is_ascii(password)) return password;
  if (find_invalid_utf8(password) != std::string_view::npos) return password;
  char* out = nullptr;
  // STRINGPREP_NO_UNASSIGNED: unassigned code points are prohibited, as RFC 4013 §2.5 asks
  // for stored strings and as PostgreSQL checks them.
  int rc = stringprep_profile(password.c_str(), &out, "SASLprep", STRINGPREP_NO_UNASSIGNED);
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  // Prohibited output (or nothing left after mapping): PostgreSQL then uses the raw password.
  if (rc != STRINGPREP_OK || out == nullptr || *out == '\0') return password;
  return std::string(out);
}

}  // namespace riffq::session

// riffq/session/saslprep.hpp
// SASLprep (RFC 4013, the stringprep profile of RFC 3454) of SCRAM passwords, with
// PostgreSQL's leniency (src/common/saslprep.c): a password that is pure ASCII, not valid
// UTF-8, or that SASLprep prohibits is used as it is, so such passwords still work with
// clients that send them unchanged.
//
// INTERFACE ROUTINES
//   saslprep(password)   the prepared password, or the password itself
#pragma once

#include <string>

namespace riffq::session {

std::string saslprep(const std::string& password);

}  // namespace riffq::session

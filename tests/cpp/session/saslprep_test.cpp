// saslprep_test.cpp — SASLprep with PostgreSQL's fallbacks (RFC 4013 §3 examples included).
#include "riffq/session/saslprep.hpp"

#include <gtest/gtest.h>

namespace riffq::session {
namespace {

TEST(SaslPrep, Rfc4013Examples) {
  EXPECT_EQ(saslprep("I\xc2\xadX"), "IX");    // SOFT HYPHEN mapped to nothing
  EXPECT_EQ(saslprep("\xc2\xaa"), "a");       // FEMININE ORDINAL INDICATOR → a (NFKC)
  EXPECT_EQ(saslprep("\xe2\x85\xa8"), "IX");  // ROMAN NUMERAL NINE → IX
  EXPECT_EQ(saslprep("a\xc2\xa0"
                     "b"),
            "a b");  // NO-BREAK SPACE → SPACE
}

TEST(SaslPrep, AsciiIsUntouchedEvenWithControlCharacters) {
  EXPECT_EQ(saslprep("user"), "user");
  EXPECT_EQ(saslprep("a\x07z"), "a\x07z");  // prohibited by RFC 4013, kept by PostgreSQL
  EXPECT_EQ(saslprep(""), "");
}

TEST(SaslPrep, InvalidOrProhibitedInputIsUsedAsIs) {
  const std::string not_utf8 = "caf\xe9";
  EXPECT_EQ(saslprep(not_utf8), not_utf8);
  const std::string prohibited = "a\xc2\x80z";  // U+0080, a control character (C.2.2)
  EXPECT_EQ(saslprep(prohibited), prohibited);
  const std::string only_mapped_away = "\xc2\xad";  // nothing left: PostgreSQL keeps the input
  EXPECT_EQ(saslprep(only_mapped_away), only_mapped_away);
  const std::string bidi_mixed =
      "\xd8\xa7"
      "1";  // RandALCat first, not last (RFC 3454 §6)
  EXPECT_EQ(saslprep(bidi_mixed), bidi_mixed);
}

}  // namespace
}  // namespace riffq::session

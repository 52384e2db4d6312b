// hba_parse.cpp — pg_hba.conf text → HbaRules, with the tokenizing rules and error wording of
// PostgreSQL's hba.c (next_token, parse_hba_line): fields split by blanks, lists by commas,
// double quotes, '#' comments, a trailing backslash continues a line.
#include <arpa/inet.h>

#include <cctype>

#include "riffq/session/hba.hpp"

namespace riffq::session {
namespace {

struct Token {
  std::string text;
  bool quoted = false;
};
using Field = std::vector<Token>;  // "a,b,c" is one field of three tokens

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Splits one logical line into fields. Throws on an unterminated quote.
std::vector<Field> tokenize(const std::string& line, int line_number) {
  std::vector<Field> fields;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && blank(line[i])) ++i;
    if (i >= n || line[i] == '#') break;
    Field field;
    while (true) {
      Token token;
      bool in_quote = false;
      while (i < n) {
        char c = line[i];
        if (in_quote) {
          if (c == '"' && i + 1 < n && line[i + 1] == '"') {  // "" is a literal quote
            token.text.push_back('"');
            i += 2;
            continue;
          }
          if (c == '"') {
            in_quote = false;
            ++i;
            continue;
          }
          token.text.push_back(c);
          ++i;
          continue;
        }
        if (blank(c) || c == ',' || c == '#') break;
        if (c == '"') {
          in_quote = true;
          token.quoted = true;
          ++i;
          continue;
        }
        token.text.push_back(c);
        ++i;
      }
      if (in_quote) throw HbaParseError(line_number, "unterminated quoted string");
      field.push_back(std::move(token));
      if (i < n && line[i] == ',') {  // the list goes on, possibly after blanks
        ++i;
        while (i < n && blank(line[i])) ++i;
        continue;
      }
      break;
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

HbaConnectionType connection_type(const Token& t, int line) {
  if (t.text == "local") return HbaConnectionType::LOCAL;
  if (t.text == "host") return HbaConnectionType::HOST;
  if (t.text == "hostssl") return HbaConnectionType::HOSTSSL;
  if (t.text == "hostnossl") return HbaConnectionType::HOSTNOSSL;
  if (t.text == "hostgssenc") return HbaConnectionType::HOSTGSSENC;
  if (t.text == "hostnogssenc") return HbaConnectionType::HOSTNOGSSENC;
  throw HbaParseError(line, "invalid connection type \"" + t.text + "\"");
}

HbaMethod method(const Token& t, int line) {
  if (t.text == "trust") return HbaMethod::TRUST;
  if (t.text == "reject") return HbaMethod::REJECT;
  if (t.text == "password") return HbaMethod::PASSWORD;
  if (t.text == "md5") return HbaMethod::MD5;
  if (t.text == "scram-sha-256") return HbaMethod::SCRAM_SHA_256;
  for (const char* known : {"gss", "sspi", "ident", "peer", "pam", "ldap", "radius", "cert", "bsd"})
    if (t.text == known)
      throw HbaParseError(line,
                          "authentication method \"" + t.text + "\" is not supported by riffq");
  throw HbaParseError(line, "invalid authentication method \"" + t.text + "\"");
}

std::vector<HbaName> names(const Field& field, int line, bool users) {
  std::vector<HbaName> out;
  for (const Token& t : field) {
    if (!t.quoted && !t.text.empty() && t.text[0] == '@')
      throw HbaParseError(line, "file inclusion (\"" + t.text + "\") is not supported");
    if (users && !t.quoted && !t.text.empty() && t.text[0] == '+')
      throw HbaParseError(line, "role groups (\"" + t.text + "\") are not supported");
    out.push_back(HbaName{t.text, t.quoted});
  }
  return out;
}

// A netmask such as 255.255.255.0 → its prefix length; -1 when not contiguous or malformed.
int mask_prefix(const std::string& text, int family) {
  auto mask = HbaNetwork::parse(text);
  if (!mask || mask->family != family || mask->prefix != (family == 4 ? 32 : 128)) return -1;
  const size_t len = family == 4 ? 4 : 16;
  int prefix = 0;
  bool ended = false;
  for (size_t i = 0; i < len; ++i)
    for (int b = 7; b >= 0; --b) {
      bool set = (mask->bytes[i] >> b) & 1;
      if (set && ended) return -1;
      if (set)
        ++prefix;
      else
        ended = true;
    }
  return prefix;
}

const Token& single(const Field& f, int line, const char* what) {
  if (f.size() != 1)
    throw HbaParseError(line, std::string("multiple values specified for ") + what);
  return f[0];
}

HbaRule parse_line(const std::vector<Field>& fields, int line_number, const std::string& text) {
  HbaRule rule;
  rule.line_number = line_number;
  rule.line = text;
  size_t at = 0;
  rule.type = connection_type(single(fields[at++], line_number, "connection type"), line_number);
  if (at >= fields.size())
    throw HbaParseError(line_number, "end-of-line before database specification");
  rule.databases = names(fields[at++], line_number, false);
  if (at >= fields.size())
    throw HbaParseError(line_number, "end-of-line before role specification");
  rule.users = names(fields[at++], line_number, true);
  if (rule.type != HbaConnectionType::LOCAL) {
    if (at >= fields.size())
      throw HbaParseError(line_number, "end-of-line before IP address specification");
    const std::string address = single(fields[at++], line_number, "IP address").text;
    if (address == "all") {
      rule.address_kind = HbaRule::AddressKind::ANY;
    } else if (address == "samehost") {
      rule.address_kind = HbaRule::AddressKind::SAMEHOST;
    } else if (address == "samenet") {
      rule.address_kind = HbaRule::AddressKind::SAMENET;
    } else {
      rule.address_kind = HbaRule::AddressKind::NETWORK;
      const size_t slash = address.find('/');
      auto network = HbaNetwork::parse(address);
      if (!network) {
        auto host = HbaNetwork::parse(address.substr(0, slash));
        if (host && slash != std::string::npos)
          throw HbaParseError(line_number, "invalid CIDR mask in address \"" + address + "\"");
        throw HbaParseError(line_number, "invalid IP address \"" + address +
                                             "\": riffq matches IP addresses only, not host names");
      }
      rule.network = *network;
      if (slash == std::string::npos) {  // a separate netmask column follows
        if (at >= fields.size())
          throw HbaParseError(line_number, "end-of-line before netmask specification");
        const std::string mask = single(fields[at++], line_number, "netmask").text;
        int prefix = mask_prefix(mask, network->family);
        if (prefix < 0) throw HbaParseError(line_number, "invalid IP mask \"" + mask + "\"");
        rule.network.prefix = prefix;
      }
    }
  }
  if (at >= fields.size())
    throw HbaParseError(line_number, "end-of-line before authentication method");
  rule.method = method(single(fields[at++], line_number, "authentication type"), line_number);
  if (at < fields.size()) {
    const std::string& option = fields[at][0].text;
    throw HbaParseError(line_number, "authentication option \"" +
                                         option.substr(0, option.find('=')) +
                                         "\" is not supported by riffq");
  }
  return rule;
}

}  // namespace

std::optional<HbaNetwork> HbaNetwork::parse(const std::string& text) {
  HbaNetwork net;
  const size_t slash = text.find('/');
  const std::string host = text.substr(0, slash);
  if (inet_pton(AF_INET, host.c_str(), net.bytes.data()) == 1) {
    net.family = 4;
    net.prefix = 32;
  } else if (inet_pton(AF_INET6, host.c_str(), net.bytes.data()) == 1) {
    net.family = 6;
    net.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string::npos) {
    const std::string bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    for (char c : bits)
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    int prefix = std::stoi(bits);
    if (prefix > net.prefix) return std::nullopt;
    net.prefix = prefix;
  }
  return net;
}

HbaRules HbaRules::parse(const std::string& text) {
  HbaRules rules;
  std::string logical;
  int first_line = 0;
  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? text.size() + 1 : eol + 1;
    ++line_number;
    if (logical.empty()) first_line = line_number;
    // A backslash at the end of a line continues the record on the next one.
    std::string trimmed = line;
    while (!trimmed.empty() && blank(trimmed.back())) trimmed.pop_back();
    if (!trimmed.empty() && trimmed.back() == '\\' && trimmed.find('#') == std::string::npos) {
      trimmed.pop_back();
      logical += trimmed + " ";
      continue;
    }
    logical += line;
    auto fields = tokenize(logical, first_line);
    if (!fields.empty()) {
      std::string shown = logical;
      while (!shown.empty() && blank(shown.back())) shown.pop_back();
      rules.rules_.push_back(parse_line(fields, first_line, shown));
    }
    logical.clear();
  }
  return rules;
}

}  // namespace riffq::session

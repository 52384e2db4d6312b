// hba_match.cpp — which rule of HbaRules applies to a connection (PostgreSQL's check_hba:
// connection type, then address, database and user; the first full match wins), and the two
// FATAL 28000 errors PostgreSQL's ClientAuthentication sends when none applies or it rejects.
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>

#include "riffq/session/hba.hpp"

namespace riffq::session {
namespace {

bool type_matches(HbaConnectionType type, const HbaClient& c) {
  switch (type) {
    case HbaConnectionType::LOCAL:
      return c.local;
    case HbaConnectionType::HOST:
    case HbaConnectionType::HOSTNOGSSENC:  // riffq never uses GSSAPI encryption
      return !c.local;
    case HbaConnectionType::HOSTSSL:
      return !c.local && c.tls;
    case HbaConnectionType::HOSTNOSSL:
      return !c.local && !c.tls;
    case HbaConnectionType::HOSTGSSENC:
      return false;
  }
  return false;
}

// The networks of this host's interfaces (samehost: exact addresses, samenet: their subnets),
// as PostgreSQL's check_same_host_or_net reads them with getifaddrs.
bool same_host_or_net(const HbaNetwork& client, bool net) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* a = list; a && !found; a = a->ifa_next) {
    if (!a->ifa_addr) continue;
    HbaNetwork local;
    int family = a->ifa_addr->sa_family;
    if (family == AF_INET && client.family == 4) {
      std::memcpy(local.bytes.data(), &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, 4);
      local.family = 4;
      local.prefix = 32;
      if (net && a->ifa_netmask) {
        uint32_t mask = 0;
        std::memcpy(&mask, &reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr, 4);
        local.prefix = __builtin_popcount(mask);
      }
    } else if (family == AF_INET6 && client.family == 6) {
      std::memcpy(local.bytes.data(), &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, 16);
      local.family = 6;
      local.prefix = 128;
      if (net && a->ifa_netmask) {
        const auto* m = reinterpret_cast<sockaddr_in6*>(a->ifa_netmask)->sin6_addr.s6_addr;
        int bits = 0;
        for (int i = 0; i < 16; ++i) bits += __builtin_popcount(m[i]);
        local.prefix = bits;
      }
    } else {
      continue;
    }
    found = local.contains(client);
  }
  freeifaddrs(list);
  return found;
}

bool address_matches(const HbaRule& rule, const HbaClient& c) {
  if (rule.type == HbaConnectionType::LOCAL) return true;
  if (rule.address_kind == HbaRule::AddressKind::ANY) return true;
  auto client = HbaNetwork::parse(c.address);
  if (!client) return false;
  switch (rule.address_kind) {
    case HbaRule::AddressKind::NETWORK:
      return rule.network.contains(*client);
    case HbaRule::AddressKind::SAMEHOST:
      return same_host_or_net(*client, false);
    case HbaRule::AddressKind::SAMENET:
      return same_host_or_net(*client, true);
    case HbaRule::AddressKind::ANY:
      return true;
  }
  return false;
}

// check_db: all, sameuser, samerole/samegroup (riffq has no roles: a user is only a member
// of itself), replication (walsender connections only), or the name.
bool database_matches(const std::vector<HbaName>& names, const HbaClient& c) {
  for (const HbaName& n : names) {
    if (c.replication) {
      if (n.is_keyword("replication")) return true;
      continue;
    }
    if (n.is_keyword("all")) return true;
    if (n.is_keyword("sameuser") || n.is_keyword("samerole") || n.is_keyword("samegroup")) {
      if (c.database == c.user) return true;
      continue;
    }
    if (n.is_keyword("replication")) continue;
    if (n.text == c.database) return true;
  }
  return false;
}

bool user_matches(const std::vector<HbaName>& names, const HbaClient& c) {
  for (const HbaName& n : names)
    if (n.is_keyword("all") || n.text == c.user) return true;
  return false;
}

std::string host_detail(const HbaClient& c) {
  return "host \"" + (c.local ? std::string("[local]") : c.address) + "\", user \"" + c.user +
         "\", database \"" + c.database + "\", " + (c.tls ? "SSL encryption" : "no encryption");
}

}  // namespace

bool HbaNetwork::contains(const HbaNetwork& address) const {
  if (address.family != family) return false;
  int bits = prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

const HbaRule* HbaRules::match(const HbaClient& client) const {
  for (const HbaRule& rule : rules_)
    if (type_matches(rule.type, client) && address_matches(rule, client) &&
        database_matches(rule.databases, client) && user_matches(rule.users, client))
      return &rule;
  return nullptr;
}

PgError hba_no_entry_error(const HbaClient& client) {
  return PgError::fatal(sqlstate::INVALID_AUTHORIZATION,
                        "no pg_hba.conf entry for " + host_detail(client));
}

PgError hba_reject_error(const HbaClient& client) {
  return PgError::fatal(sqlstate::INVALID_AUTHORIZATION,
                        "pg_hba.conf rejects connection for " + host_detail(client));
}

}  // namespace riffq::session

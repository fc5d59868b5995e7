#include "net/cidr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace parley::net {

core::Result<CidrList> CidrList::parse(const std::vector<std::string>& entries) {
  CidrList out;
  for (const auto& e : entries) {
    auto slash = e.find('/');
    std::string addr = e.substr(0, slash);
    int prefix = -1;
    if (slash != std::string::npos) {
      auto p = std::string_view(e).substr(slash + 1);
      auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
      if (ec != std::errc{} || ptr != p.data() + p.size() || p.empty()) prefix = -2;
    }
    in_addr a4{};
    in6_addr a6{};
    if (inet_pton(AF_INET, addr.c_str(), &a4) == 1) {
      if (prefix == -1) prefix = 32;
      if (prefix < 0 || prefix > 32) return core::fail(core::Errc::validation, "invalid IPv4 prefix length in " + e);
      unsigned int mask = prefix == 0 ? 0u : ~0u << (32 - prefix);
      out.v4_.push_back({ntohl(a4.s_addr) & mask, mask});
    } else if (inet_pton(AF_INET6, addr.c_str(), &a6) == 1) {
      if (prefix == -1) prefix = 128;
      if (prefix < 0 || prefix > 128) return core::fail(core::Errc::validation, "invalid IPv6 prefix length in " + e);
      V6 v{};
      std::memcpy(v.net, a6.s6_addr, 16);
      v.prefix = prefix;
      out.v6_.push_back(v);
    } else {
      return core::fail(core::Errc::validation, "not an IP address or CIDR block: " + e);
    }
  }
  return out;
}

bool CidrList::contains(std::string_view address) const {
  std::string a(address);
  if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, a.c_str(), &a4) == 1) {
    unsigned int ip = ntohl(a4.s_addr);
    for (const auto& n : v4_) {
      if ((ip & n.mask) == n.net) return true;
    }
    return false;
  }
  if (inet_pton(AF_INET6, a.c_str(), &a6) != 1) return false;
  for (const auto& n : v6_) {
    int full = n.prefix / 8, rest = n.prefix % 8;
    if (std::memcmp(a6.s6_addr, n.net, static_cast<std::size_t>(full)) != 0) continue;
    if (rest) {
      unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
      if ((a6.s6_addr[full] & mask) != (n.net[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

}  // namespace parley::net

#include "net/address_policy.hpp"

#include <netdb.h>
#include <sys/socket.h>

namespace parley::net {
namespace ip = boost::asio::ip;

namespace {
bool in_v4(const ip::address_v4& a, const char* net, int prefix) {
  auto base = ip::make_address_v4(net).to_uint();
  auto mask = prefix == 0 ? 0u : ~0u << (32 - prefix);
  return (a.to_uint() & mask) == (base & mask);
}

bool public_v4(const ip::address_v4& a) {
  static constexpr std::pair<const char*, int> kBlocked[] = {
      {"0.0.0.0", 8},     {"10.0.0.0", 8},     {"100.64.0.0", 10}, {"127.0.0.0", 8},   {"169.254.0.0", 16},
      {"172.16.0.0", 12}, {"192.0.0.0", 24},   {"192.168.0.0", 16}, {"198.18.0.0", 15}, {"224.0.0.0", 4},
      {"240.0.0.0", 4}};
  for (auto [net, prefix] : kBlocked) {
    if (in_v4(a, net, prefix)) return false;
  }
  return true;
}
}  // namespace

bool is_public_address(const ip::address& a) {
  if (a.is_v4()) return public_v4(a.to_v4());
  auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return public_v4(ip::make_address_v4(ip::v4_mapped, v6));
  if (v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_multicast() || v6.is_site_local()) {
    return false;
  }
  auto bytes = v6.to_bytes();
  if ((bytes[0] & 0xfe) == 0xfc) return false;  // fc00::/7 unique local (RFC 4193)
  return true;
}

core::Result<std::vector<ip::address>> resolve_checked(const std::string& host, bool allow_private) {
  std::string bare = host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(bare.c_str(), nullptr, &hints, &res); rc != 0) {
    return core::fail(core::Errc::unavailable, "cannot resolve " + bare + ": " + gai_strerror(rc));
  }
  std::vector<ip::address> out;
  for (auto* p = res; p; p = p->ai_next) {
    boost::system::error_code ec;
    char text[INET6_ADDRSTRLEN] = {};
    if (::getnameinfo(p->ai_addr, p->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0) continue;
    auto a = ip::make_address(text, ec);
    if (ec) continue;
    if (!allow_private && !is_public_address(a)) {
      ::freeaddrinfo(res);
      return core::fail(core::Errc::forbidden, bare + " resolves to a non-public address (" + a.to_string() +
                                                   "); set webhooks.allow_private_targets to allow it");
    }
    out.push_back(a);
  }
  ::freeaddrinfo(res);
  if (out.empty()) return core::fail(core::Errc::unavailable, "no address for " + bare);
  return out;
}

}  // namespace parley::net

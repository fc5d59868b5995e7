#pragma once
// Which addresses an outbound request may reach when user-supplied URLs must not be turned against
// the host or its private network (SSRF).
#include <boost/asio/ip/address.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"

namespace parley::net {

// False for loopback, private (RFC 1918, RFC 4193), link-local, CGNAT (RFC 6598), unspecified,
// multicast, broadcast and "this network" addresses, including IPv4-mapped IPv6 forms of them.
bool is_public_address(const boost::asio::ip::address& a);

// Resolves `host` (blocking getaddrinfo: call from a worker thread) and returns its addresses, or
// forbidden if any of them is not public and `allow_private` is false.
core::Result<std::vector<boost::asio::ip::address>> resolve_checked(const std::string& host, bool allow_private);

}  // namespace parley::net

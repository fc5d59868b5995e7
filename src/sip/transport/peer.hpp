#pragma once
// A remote transport address: where a message came from or goes to. Stream transports key
// their connections by it (RFC 3261 s18: responses and in-dialog requests reuse the connection).
#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/transport/transport_kind.hpp"

namespace parley::sip {

struct Peer {
  Transport transport = Transport::udp;
  boost::asio::ip::address address;
  std::uint16_t port = 0;

  bool operator==(const Peer&) const = default;
};

// "127.0.0.1" or "[::1]" (RFC 3261 s25.1 IPv6reference in host).
std::string host_text(const boost::asio::ip::address& address);
std::string to_string(const Peer& peer);  // "tcp:[::1]:5060"

// An IP-literal host ("10.0.0.1", "[::1]", "::1") with an optional port (the transport's default
// otherwise). nullopt for host names: the engine does not resolve DNS (RFC 3263).
std::optional<Peer> make_peer(std::string_view host, std::optional<std::uint16_t> port, Transport transport);

struct PeerHash {
  std::size_t operator()(const Peer& peer) const noexcept;
};

}  // namespace parley::sip

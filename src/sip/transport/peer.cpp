#include "sip/transport/peer.hpp"

#include <functional>

namespace parley::sip {

std::string host_text(const boost::asio::ip::address& address) {
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

std::string to_string(const Peer& peer) {
  std::string out;
  switch (peer.transport) {
    case Transport::udp: out = "udp:"; break;
    case Transport::tcp: out = "tcp:"; break;
    case Transport::tls: out = "tls:"; break;
  }
  return out + host_text(peer.address) + ":" + std::to_string(peer.port);
}

std::optional<Peer> make_peer(std::string_view host, std::optional<std::uint16_t> port, Transport transport) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return std::nullopt;
  return Peer{transport, address, port.value_or(default_port(transport))};
}

std::size_t PeerHash::operator()(const Peer& peer) const noexcept {
  std::size_t h = std::hash<boost::asio::ip::address>{}(peer.address);
  return h ^ (static_cast<std::size_t>(peer.port) << 8) ^ static_cast<std::size_t>(peer.transport);
}

}  // namespace parley::sip

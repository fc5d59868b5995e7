#pragma once
// What transactions and the user agent send through (implemented by TransportLayer; fakes in tests).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sip/transport/peer.hpp"

namespace parley::sip {

class Sender {
 public:
  virtual ~Sender() = default;
  // Fire and forget: failures are logged; a lost request is retransmitted or times out (RFC 3261 s17).
  virtual void send(const Peer& destination, std::string_view bytes) = 0;
  // "host:port" this node puts in Via sent-by and Contact for `transport` (RFC 3261 s18.1.1).
  virtual std::string sent_by(Transport transport) const = 0;
  // True when an open connection to `peer` exists (stream transports), so it can be reused.
  virtual bool connected(const Peer& peer) const = 0;
  // Called when a send to a peer failed (connect, TLS handshake or write error; RFC 3261 s17.1.4).
  virtual void set_failure_handler(std::function<void(const Peer& peer)> handler) = 0;
  // A/AAAA lookup of a host name (RFC 3263 s4.2 without NAPTR/SRV); IP literals answer at once.
  // `done` gets nullopt when the name does not resolve within the deadline.
  virtual void resolve(std::string_view host, std::optional<std::uint16_t> port, Transport transport,
                       std::function<void(std::optional<Peer>)> done) = 0;
};

}  // namespace parley::sip

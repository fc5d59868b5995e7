#pragma once
// One TCP or TLS connection as the transport layer sees it.
#include <string_view>

#include "sip/transport/peer.hpp"

namespace parley::sip {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual const Peer& peer() const noexcept = 0;
  virtual void send(std::string_view bytes) = 0;  // queued; sent once connected
  virtual void close() = 0;
};

// What a connection reports to its owner (all on the owner's io_context).
class ConnectionEvents {
 public:
  virtual ~ConnectionEvents() = default;
  virtual void on_stream_message(std::string_view bytes, const Peer& source) = 0;
  // Unframeable bytes: answer if possible; the connection closes itself afterwards.
  virtual void on_stream_error(std::string_view bytes, const Peer& source) = 0;
  virtual void on_closed(const Connection& connection) = 0;
  // Connect, handshake or write failed: messages to this peer were lost.
  virtual void on_send_failed(const Peer& peer) = 0;
};

}  // namespace parley::sip

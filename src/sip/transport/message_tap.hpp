#pragma once
// Sees every SIP message this node sends or receives, with its peer: the hook behind per-trunk
// SIP traces (issue 3 item 9). Called on the engine's io_context for each message, so an
// implementation must be cheap and must never block (copy what it keeps, work elsewhere).
#include <string_view>

#include "sip/transport/peer.hpp"

namespace parley::sip {

enum class Direction : unsigned char { in, out };

class MessageTap {
 public:
  virtual ~MessageTap() = default;
  // `bytes`: the message as on the wire (received: before parsing, so malformed input shows too;
  // sent: as handed to the socket or connection). Keep-alive CRLFs are not reported.
  virtual void on_message(Direction direction, const Peer& peer, std::string_view bytes) = 0;
};

}  // namespace parley::sip

#pragma once
// A received message that owns its bytes: the parsed Message views `bytes`, so the pair lives
// together behind a shared_ptr (never copied or moved once parsed).
#include <memory>
#include <string>
#include <string_view>

#include "sip/message/parser.hpp"
#include "sip/transport/peer.hpp"

namespace parley::sip {

struct InboundMessage {
  std::string bytes;
  Message message;
  Peer source;  // for stream transports, also the connection it arrived on
};
using Inbound = std::shared_ptr<const InboundMessage>;

// Copies `bytes` and parses them. A request gets received/rport on its top Via first
// (RFC 3261 s18.2.1, RFC 3581 s4).
ParseResult<Inbound> make_inbound(std::string_view bytes, Framing framing, const Peer& source);

// RFC 3261 s18.2.1 / RFC 3581 s4: `bytes` with the top Via's received/rport set from `source`,
// or an empty string when nothing needs to change.
std::string stamp_received(std::string_view bytes, const Message& request, const Peer& source);

}  // namespace parley::sip

namespace parley::sip {

// A message this node built, parsed once so its fields can be read back (no Via stamping).
ParseResult<Inbound> own_message(std::string bytes, const Peer& destination = {});

}  // namespace parley::sip

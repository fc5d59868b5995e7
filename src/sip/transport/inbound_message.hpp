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
  Peer source;         // for stream transports, also the connection it arrived on
  bool local = false;  // a response this node made for its own request (timeout, transport failure)
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
// The response a client transaction reports when no real one can come (RFC 3261 s17.1.1.2 timer
// B/F: 408; s17.1.4 transport failure: 503), marked `local` so the TU can tell it from a peer's.
ParseResult<Inbound> local_response(const Message& request, int status, std::string_view reason, const Peer& destination);

}  // namespace parley::sip

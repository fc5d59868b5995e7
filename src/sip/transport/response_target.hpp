#pragma once
// Where a server sends a response (RFC 3261 s18.2.2, RFC 3581 s4).
#include "sip/message/via.hpp"
#include "sip/transport/peer.hpp"

namespace parley::sip {

// Stream transports: back to the source (the connection the request came on). UDP: the
// received address (or source address) at the rport, else the Via port, else 5060.
Peer response_target(const Via& top_via, const Peer& source);

}  // namespace parley::sip

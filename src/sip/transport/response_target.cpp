#include "sip/transport/response_target.hpp"

namespace parley::sip {

Peer response_target(const Via& top_via, const Peer& source) {
  if (is_stream(source.transport)) return source;  // RFC 3261 s18.2.2: same connection
  Peer target = source;
  if (auto received = top_via.received()) {
    if (auto p = make_peer(*received, std::nullopt, Transport::udp)) target.address = p->address;
  }
  // RFC 3581 s4: rport -> the source port; otherwise the sent-by port (RFC 3261 s18.2.2).
  if (auto rport = top_via.rport()) {
    target.port = *rport;
  } else if (!top_via.has_rport()) {
    target.port = top_via.port.value_or(default_port(Transport::udp));
  }
  return target;
}

}  // namespace parley::sip

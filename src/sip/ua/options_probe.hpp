#pragma once
// "Test Connection": one OPTIONS outside any dialog (RFC 3261 s11) to a trunk, reporting the
// first final response and its round-trip time, or why none came before the deadline. Any
// response proves the peer's SIP stack is reachable, whatever its status. On the engine's
// io_context.
//
//   sip::probe_options(engine.transactions(), {"sip.example.com", 5060, sip::Transport::udp}, "Parley", 5s,
//                      [](sip::ProbeResult r) { ... });
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sip/transaction/transaction_layer.hpp"

namespace parley::sip {

struct ProbeTarget {
  std::string host;  // name or IP literal
  std::optional<std::uint16_t> port;
  Transport transport = Transport::udp;
};

struct ProbeResult {
  enum class Outcome : std::uint8_t {
    answered,      // a final response arrived: status, reason, rtt
    timeout,       // nothing within the deadline
    unreachable,   // the transport failed (TCP/TLS connect or handshake, UDP send)
    unresolvable,  // the host name has no address
  };
  Outcome outcome = Outcome::timeout;
  int status = 0;
  std::string reason;
  std::chrono::microseconds rtt{0};
  std::optional<Peer> peer;  // where the OPTIONS went
};
std::string_view to_string(ProbeResult::Outcome outcome) noexcept;

void probe_options(TransactionLayer& layer, const ProbeTarget& target, std::string_view user_agent,
                   std::chrono::milliseconds deadline, std::function<void(ProbeResult)> done);

}  // namespace parley::sip

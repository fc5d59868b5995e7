#pragma once
// SIP traces (issue 3 item 9, seeds/002 "SIP Debugging"): the transport tap that picks out the
// messages of trunks with `debug` on and hands copies to a SipTraceWriter. A message belongs to a
// traced trunk when its peer is the trunk (its resolved host or registrar, or an address on its
// inbound allowlist), or when it is a request to the trunk's registration Contact (a carrier's
// edge may deliver calls from addresses of its own); from then on every message with the same
// Call-ID is traced for that trunk, wherever it goes (a BYE to the caller's Contact, say). Calls
// placed through a trunk are matched by its address, where their INVITE goes.
//
// Threads: on_message and set_traced run on the SIP engine's io_context; with no
// trunk traced a message costs one branch. Parsing (for the Call-ID) happens only for messages
// that may be traced; redaction and the store write happen on the worker pool.
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call/sip_trace_writer.hpp"
#include "call/trunk_bindings.hpp"
#include "net/cidr.hpp"
#include "sip/message/message.hpp"
#include "sip/transport/message_tap.hpp"

namespace parley::call {

struct TracedTrunk {
  std::string provider_id;
  std::vector<boost::asio::ip::address> addresses;  // the trunk's host and registrar, resolved
  std::vector<std::string> allowed_ips;             // its inbound allowlist (CIDR)
};

class SipTraceRecorder final : public sip::MessageTap {
 public:
  SipTraceRecorder(std::shared_ptr<SipTraceWriter> writer, const TrunkBindings& bindings)
      : writer_(std::move(writer)), bindings_(bindings) {}

  void set_traced(const std::vector<TracedTrunk>& trunks);
  void on_message(sip::Direction direction, const sip::Peer& peer, std::string_view bytes) override;

  std::size_t tracked_calls() const noexcept { return calls_.size(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Traced {
    std::string provider_id;
    std::vector<boost::asio::ip::address> addresses;
    net::CidrList allowlist;
  };
  struct TrackedCall {
    std::string provider_id;
    Clock::time_point last_seen;
  };

  const std::string* provider_at(const boost::asio::ip::address& address) const;
  const std::string* provider_by_contact(const sip::Message& request) const;
  void forget_idle_calls(Clock::time_point now);

  std::shared_ptr<SipTraceWriter> writer_;
  const TrunkBindings& bindings_;
  std::vector<Traced> traced_;
  std::unordered_map<std::string, TrackedCall> calls_;  // Call-ID -> trunk
  Clock::time_point last_sweep_{};
};

}  // namespace parley::call

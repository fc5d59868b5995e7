#pragma once
// The call layer's side of the SIP engine for inbound calls (DESIGN.md s2): each INVITE is routed
// (trunk, route, number -> agent), answered with an SDP answer from media, recorded as a
// voice_sessions row whose every state change is written (with its webhook event) before anything
// else happens, and hung up at the agent's max_duration.
//
// Threads: SIP callbacks and call state live on the SIP engine's io_context; store work runs on
// the worker pool through one SerialQueue per call, so a call's writes keep their order.
// Until the media session and voice pipeline are wired in, an answered call holds without audio.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <unordered_map>

#include "call/trunk_bindings.hpp"
#include "core/worker_pool.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/sdp/offer_answer.hpp"
#include "sip/ua/call_handler.hpp"
#include "store/store.hpp"

namespace parley::call {

struct InboundOptions {
  std::string media_address;  // the address put in SDP c= lines (config public_ip)
  media::sdp::OfferAnswerConfig offer_answer;
  const TrunkBindings* bindings = nullptr;  // registration Contacts: calls on them route by their trunk
};

class InboundCalls final : public sip::CallHandler {
 public:
  InboundCalls(boost::asio::io_context& sip_io, store::Store& store, core::WorkerPool& pool,
               media::ports::PortAllocator& ports, InboundOptions options);
  ~InboundCalls() override;

  void on_invite(std::shared_ptr<sip::IncomingCall> call) override;
  // Hangs up every call (BYE, or 503 before answer); on the SIP io_context, at shutdown.
  void hangup_all();
  std::size_t active() const noexcept { return calls_.size(); }

 private:
  class Call;
  void forget(Call* call) { calls_.erase(call); }

  boost::asio::io_context& io_;
  store::Store& store_;
  core::WorkerPool& pool_;
  media::ports::PortAllocator& ports_;
  InboundOptions options_;
  std::unordered_map<Call*, std::shared_ptr<Call>> calls_;
};

}  // namespace parley::call

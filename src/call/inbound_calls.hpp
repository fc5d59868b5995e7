#pragma once
// The call layer's side of the SIP engine for inbound calls (DESIGN.md s2): each INVITE is routed
// (trunk, route, number -> agent) and negotiated (SDP answer under the trunk's media policy) on the
// worker pool, recorded as a voice_sessions row before it is answered, then handed to a LiveCall
// that carries it until hang-up.
//
// Threads: SIP callbacks and call state live on the SIP engine's io_context; routing, SDP and
// store work run on the worker pool (a saturated pool answers 503 with Retry-After).
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>
#include <unordered_map>

#include "call/active_calls.hpp"
#include "call/call_media.hpp"
#include "call/call_voice.hpp"
#include "call/trunk_bindings.hpp"
#include "core/worker_pool.hpp"
#include "sip/ua/call_handler.hpp"
#include "store/store.hpp"

namespace parley::call {

struct InboundOptions {
  MediaEnvironment media;
  std::filesystem::path recordings_dir;  // <data_dir>/recordings
  const TrunkBindings* bindings = nullptr;  // registration Contacts: calls on them route by their trunk
  const core::SecretBox* secrets = nullptr;  // opens agents' engine keys
  const VoiceEnvironment* voice = nullptr;   // null: calls carry no conversation (media test modes)
};

class InboundCalls final : public sip::CallHandler {
 public:
  InboundCalls(boost::asio::io_context& sip_io, store::Store& store, core::WorkerPool& pool, ActiveCalls& active,
               InboundOptions options);
  ~InboundCalls() override;

  void on_invite(std::shared_ptr<sip::IncomingCall> call) override;
  // Refuses every call still being admitted (503); answered calls end through ActiveCalls.
  void reject_pending();
  std::size_t pending() const noexcept { return admissions_.size(); }

 private:
  class Admission;
  void forget(Admission* admission) { admissions_.erase(admission); }

  boost::asio::io_context& io_;
  store::Store& store_;
  core::WorkerPool& pool_;
  ActiveCalls& active_;
  InboundOptions options_;
  std::unordered_map<Admission*, std::shared_ptr<Admission>> admissions_;
};

}  // namespace parley::call

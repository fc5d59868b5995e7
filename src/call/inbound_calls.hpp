#pragma once
// The call layer's side of the SIP engine for inbound calls (DESIGN.md s2): each INVITE is admitted
// by a trunk (registration binding, IP allowlist, digest credentials), routed (route or number ->
// agent, with the route's failover when the agent is unavailable) and negotiated (SDP answer under
// the trunk's media policy), recorded as a voice_sessions row before it is answered, then handed
// to a LiveCall that carries it until hang-up.
//
// Threads: SIP callbacks, call state and digest verification (ServerAuth keeps nonce state) live
// on the SIP engine's io_context; routing, SDP and store work run on the worker pool (a saturated
// pool answers 503 with Retry-After). A call that must authenticate crosses twice: trunk lookup
// on the pool, credentials checked on the SIP context, then the rest of admission on the pool.
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "call/active_calls.hpp"
#include "call/call_media.hpp"
#include "call/call_voice.hpp"
#include "call/inbound_routing.hpp"
#include "call/trunk_bindings.hpp"
#include "core/worker_pool.hpp"
#include "sip/ua/call_handler.hpp"
#include "sip/ua/server_auth.hpp"
#include "store/store.hpp"

namespace parley::call {

struct InboundOptions {
  MediaEnvironment media;
  std::filesystem::path recordings_dir;  // <data_dir>/recordings
  const TrunkBindings* bindings = nullptr;  // registration Contacts: calls on them route by their trunk
  const core::SecretBox* secrets = nullptr;  // opens agents' engine keys
  const VoiceEnvironment* voice = nullptr;   // null: calls carry no conversation (media test modes)
  const InboundRouting* routing = nullptr;  // the routing table
  // Digest: nonces are HMACs under this key, so they outlive a restart and any node sharing the
  // key accepts them; the realm of trunks that name none.
  std::string nonce_key;
  std::string default_realm;
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
  sip::ServerAuth auth_;  // SIP context only
  std::unordered_map<Admission*, std::shared_ptr<Admission>> admissions_;
};

}  // namespace parley::call

#pragma once
// The composition of Parley's telephony: the RTP port range, the SIP engine on the first I/O
// context (every call it carries lives there, with its media), the inbound routing table, inbound
// call admission, and the live calls by session id (shared with the API for POST /voice/end).
#include <chrono>
#include <memory>
#include <string>

#include "call/active_calls.hpp"
#include "call/call_voice.hpp"
#include "call/inbound_routing.hpp"
#include "call/outbound_calls.hpp"
#include "call/trunks.hpp"
#include "voice/engine/engine_registry.hpp"
#include "core/crypto.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/worker_pool.hpp"
#include "net/io_runtime.hpp"
#include "store/store.hpp"

namespace parley::app {

class Telephony {
 public:
  // Validates the SIP and media settings; nothing is bound yet.
  static core::Result<std::unique_ptr<Telephony>> create(const core::Config& config, net::IoRuntime& io,
                                                         store::Store& store, core::WorkerPool& pool,
                                                         const core::SecretBox& secrets, const std::string& secret_key,
                                                         call::ActiveCalls& calls);
  ~Telephony();

  core::Status start();  // binds the SIP listeners and attaches the trunks (before the I/O threads run)
  // Removes trunk registrations, ends every call (BYE; 503 to those still being admitted), waits up
  // to `drain` for their records, then stops SIP. From the main thread while the I/O threads run.
  void stop(std::chrono::milliseconds drain);

  std::string sip_address() const;  // "sip:203.0.113.10:5060 (udp, tcp)" for the ready banner
  call::OutboundCalls& outbound();   // places dialled and scheduled calls
  call::Trunks& trunks();            // registrations, SIP traces, Test Connection
  const voice::EngineRegistry& engines() const;  // speech engines (also listed by the API)
  // The voice agents' environment for calls on I/O context `context` (its own HTTP client for the
  // engines); null in media test modes, where calls run without a voice agent.
  const call::VoiceEnvironment* voice_environment(std::size_t context) const;
  call::InboundRouting& routing();   // the inbound routing table (the API announces its writes)

  struct Parts;

 private:
  explicit Telephony(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace parley::app

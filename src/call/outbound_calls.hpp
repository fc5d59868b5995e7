#pragma once
// Outbound calls (issue #6): a session the dial API or the scheduler put in `initiating` is dialled
// through the from-number's trunk, failing over to the next trunk on a trunk failure, reported
// ringing on the first provisional response, and handed to a LiveCall when answered. Every attempt
// is recorded on the session; the final state carries the normalized outcome and the raw SIP status.
//
// Threads: place() may be called from any thread; store work runs on the worker pool, SIP and media
// on the SIP engine's io_context.
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "call/active_calls.hpp"
#include "call/call_media.hpp"
#include "call/call_voice.hpp"
#include "core/crypto.hpp"
#include "core/worker_pool.hpp"
#include "sip/ua/engine.hpp"
#include "store/store.hpp"

namespace parley::call {

struct OutboundOptions {
  MediaEnvironment media;
  std::filesystem::path recordings_dir;
  std::string local_host;  // From domain when a trunk names none (the public address)
  int ring_timeout_s = 30;
  const core::SecretBox* secrets = nullptr;
  const VoiceEnvironment* voice = nullptr;  // null: calls carry no conversation (media test modes)
};

class OutboundCalls {
 public:
  OutboundCalls(sip::Engine& engine, store::Store& store, core::WorkerPool& pool, ActiveCalls& active,
                OutboundOptions options);
  ~OutboundCalls();  // after the SIP context has stopped: lets go of calls still dialing

  // Places the call of session `session_id` if it is still `initiating`.
  void place(std::string session_id);

 private:
  class Dialing;

  sip::Engine& engine_;
  store::Store& store_;
  core::WorkerPool& pool_;
  ActiveCalls& active_;
  OutboundOptions options_;
  // Calls being dialed, owned here until they hand over to a LiveCall or end (SIP context only).
  std::unordered_map<const Dialing*, std::shared_ptr<Dialing>> dialing_;
};

}  // namespace parley::call

#pragma once
// One call's voice agent: the pipeline of DESIGN.md s4 (VAD + turn detector -> STT -> agent -> TTS
// -> playback) composed from the agent's config, plus the call behaviour of seeds/000 (greeting,
// after-hours, max duration, silence reprompt, DTMF, transfer, hang-up after the last audio).
// docs/voice-pipeline.md describes the frames, lanes and deadlines.
//
// Use (src/call, after the call is answered and its MediaSession started):
//   auto conv = voice::Conversation::create({io, pool, http, engines, control, observer}, spec, info);
//   media.set_audio_sink([&](auto frame, auto n) { conv->on_audio(frame, n); });
//   media.set_dtmf_sink([&](const media::dtmf::Dtmf& d) { conv->on_dtmf(d.digit, d.duration_ms); });
//   conv->start();    // greeting, or the after-hours message and hang-up
//   ...
//   conv->stop();     // the call ended (BYE, media timeout, backstop timer): no CallControl or
//                     // observer call after stop() returns
//
// Threading: create it anywhere; call every method on `io`'s thread. `control`, `observer`,
// `engines`, `pool` and `http` must outlive the Conversation. The Conversation may be destroyed right
// after stop() even if engine work is still running on the pool.
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <span>

#include "core/error.hpp"
#include "core/worker_pool.hpp"
#include "net/http_client.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/conversation/call_control.hpp"
#include "voice/conversation/call_info.hpp"
#include "voice/conversation/conversation_observer.hpp"
#include "voice/engine/engine_registry.hpp"
#include "voice/engine/fallback.hpp"

namespace parley::voice {

struct ConversationDeps {
  boost::asio::io_context& io;  // the call's context
  core::WorkerPool& pool;       // engines
  net::HttpClient& http;        // bound to `io`: cloud engines and the rules http: action
  const EngineRegistry& engines;
  CallControl& control;
  ConversationObserver& observer;
  bool allow_private_targets = false;  // EngineContext::allow_private_targets
  EngineDeadlines deadlines{};         // per-engine deadlines before the fallback takes over
};

class Conversation {
 public:
  // Builds the engines the spec names (a provider that is not registered or fails to start is
  // reported through on_engine_error and replaced by the fallback engine). Errc::unavailable only
  // when not even the fallback engines can be built.
  static core::Result<std::unique_ptr<Conversation>> create(ConversationDeps deps, AgentSpec spec, CallInfo call);

  ~Conversation();  // stops
  Conversation(const Conversation&) = delete;
  Conversation& operator=(const Conversation&) = delete;

  void start();
  // Every 20 ms frame of the caller's audio (MediaSession audio sink).
  void on_audio(std::span<const std::int16_t> frame16k, std::uint64_t frame_no);
  // A DTMF digit from the caller (RFC 4733 event or inband detection).
  void on_dtmf(char digit, int duration_ms);
  // The REFER the conversation asked for failed: the caller is told and the conversation goes on.
  void on_transfer_failed();
  void stop();

  struct Impl;

 private:
  explicit Conversation(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::voice

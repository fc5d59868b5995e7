#pragma once
// What every engine of one call gets (STT, TTS, agent): the call's io_context, the worker pool and
// an HTTP client bound to that io_context.
//
// The engine contract (docs/voice-pipeline.md "Engines"):
//   - Every method is called on the call's io_context thread.
//   - Every callback to a listener runs on that same thread, and never inside the engine method
//     that caused it (post it): the conversation is never re-entered.
//   - Blocking or CPU-heavy work (decoding, synthesis, model loading, file reads) runs on `pool`,
//     never on `io`; network I/O is asynchronous on `io` (HttpClient::async_send).
//   - Destroying an engine object cancels its work: no listener callback may run after its
//     destructor returned, even if pool jobs or network callbacks are still in flight (keep the
//     state they touch in a shared_ptr and check an "alive" flag on `io`; see engine/lifeline.hpp).
//   - An engine reports failure through its listener's error callback; it never throws across the
//     interface. The conversation adds its own deadlines on top (engine/fallback_*.hpp).
#include <boost/asio/io_context.hpp>

#include <string>

#include "core/worker_pool.hpp"
#include "net/http_client.hpp"

namespace parley::voice {

struct EngineContext {
  boost::asio::io_context& io;
  core::WorkerPool& pool;
  net::HttpClient& http;  // runs on `io`
  std::string call_id;    // for log lines (call_id=...)
  // User-supplied URLs (the rules http: action, LLM HTTP tools) may reach loopback and private
  // addresses (tests, on-premises tools); otherwise they are refused like webhook targets.
  bool allow_private_targets = false;
};

// Billable usage, reported as increments (ConversationObserver::on_usage sums them per session).
struct Usage {
  double stt_seconds = 0;  // audio seconds the STT engine processed
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  std::int64_t tts_characters = 0;

  Usage& operator+=(const Usage& o) noexcept {
    stt_seconds += o.stt_seconds;
    llm_prompt_tokens += o.llm_prompt_tokens;
    llm_completion_tokens += o.llm_completion_tokens;
    tts_characters += o.tts_characters;
    return *this;
  }
};

enum class EngineKind { stt, tts, agent };
const char* to_string(EngineKind kind) noexcept;  // "stt", "tts", "agent"

}  // namespace parley::voice

#pragma once
// What the WebSocket voice routes (Twilio Media Streams, browser sessions) and POST /voice/start
// need from the daemon, on top of ApiDeps.
#include <boost/asio/io_context.hpp>

#include <functional>
#include <optional>
#include <string>

#include "call/call_voice.hpp"
#include "core/worker_pool.hpp"

namespace parley::api::stream {

// The I/O context a connection runs on, with the voice environment of that context (its own HTTP
// client for the engines).
struct StreamContext {
  boost::asio::io_context* io = nullptr;
  const call::VoiceEnvironment* voice = nullptr;
};

struct StreamDeps {
  core::WorkerPool& pool;  // session writes
  // The calling I/O thread's context and voice environment; nullopt elsewhere (worker threads).
  std::function<std::optional<StreamContext>()> here;
  bool voice_available = false;  // false in media test modes (no engines): the routes answer 503
  boost::asio::io_context& timers;  // deadlines of browser sessions waiting for their connection
  std::string token_key;            // HMAC-SHA256 key of browser session tokens
};

}  // namespace parley::api::stream

#pragma once
// Shared helpers for the voice tests: a rules agent, real synthesized speech, and frame feeding.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <thread>
#include <span>
#include <string>
#include <vector>

#include "core/worker_pool.hpp"
#include "net/http_client.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/engine/engine_context.hpp"
#include "voice/tts/flite_synth.hpp"

namespace parley::voice::test {

// An IVR-style rules agent (the shape the API stores).
inline constexpr const char* kSupportAgentJson = R"({
  "name": "Acme support",
  "engine": "rules",
  "voice": {"greeting": "Hi {{customer_name}}, thanks for calling Acme. How can I help you today?",
            "tts": {"provider": "flite", "voice": "slt"}, "stt": {"provider": "pocketsphinx"},
            "max_duration": 600, "barge_in": true},
  "rules": {
    "intents": [
      {"name": "order_status", "phrases": ["where is my order", "i need help with my order", "track my package"],
       "dtmf": "1", "reply": "Your order is on its way."},
      {"name": "order_number", "phrases": ["my order number is {order_number}"],
       "slots": {"order_number": "digits"}, "reply": "Thanks, order {{order_number}} is on its way."},
      {"name": "billing", "phrases": ["i want to check my account balance", "billing question"], "dtmf": "2",
       "reply": "Your balance is zero dollars."},
      {"name": "agent", "phrases": ["transfer me to a human", "speak to an agent"], "dtmf": "0",
       "reply": "Connecting you now.", "action": "transfer:sip:support@127.0.0.1"},
      {"name": "goodbye", "phrases": ["goodbye", "that is all"], "reply": "Goodbye!", "action": "end_call"}
    ],
    "fallback": "Sorry, I did not get that. Say order status, or press 1.",
    "reprompt": "Are you still there?",
    "goodbye": "Thanks for calling. Goodbye."
  }
})";

inline AgentSpec support_agent() {
  auto spec = parse_agent_spec(kSupportAgentJson);
  EXPECT_TRUE(spec.has_value());
  return *spec;
}

inline std::vector<std::int16_t> speech(std::string_view text, std::string_view voice = "kal16") {
  auto pcm = flite_synthesize(voice, text);
  EXPECT_TRUE(pcm.has_value());
  return pcm ? *pcm : std::vector<std::int16_t>{};
}

inline std::vector<std::int16_t> silence_ms(int ms) { return std::vector<std::int16_t>(static_cast<std::size_t>(ms) * 16, 0); }

// Pads to whole 20 ms frames.
inline std::vector<std::vector<std::int16_t>> frames_of(std::vector<std::int16_t> pcm) {
  pcm.resize((pcm.size() + 319) / 320 * 320, 0);
  std::vector<std::vector<std::int16_t>> out;
  for (std::size_t i = 0; i < pcm.size(); i += 320) out.emplace_back(pcm.begin() + i, pcm.begin() + i + 320);
  return out;
}

// An io_context the test thread runs, a real worker pool and HTTP client: the engines' context.
struct EngineRig {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  parley::core::WorkerPool pool{2, 1024};
  parley::net::HttpClient http{io};
  EngineContext ctx{io, pool, http, "call_test", true};

  // Runs io until pred() holds or `timeout` passes (real time); true when pred() held.
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > end) return false;
      io.run_for(std::chrono::milliseconds(2));
    }
    return true;
  }
  template <class Duration>
  void run_for(Duration d) {
    io.run_for(d);
  }
};

}  // namespace parley::voice::test

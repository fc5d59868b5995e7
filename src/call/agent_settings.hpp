#pragma once
// The parts of an agent's stored configuration (src/api/routes/agents.cpp validates it) that the
// call layer itself acts on; the conversation reads the rest.
#include <optional>
#include <string>
#include <string_view>

namespace parley::call {

struct AgentSettings {
  int max_duration_s = 600;  // voice.max_duration
  bool recording = false;    // voice.recording
  int answer_delay_ms = 0;   // voice.answer_delay_ms: an inbound call rings this long before the answer
  std::optional<std::string> webhook_url;
  std::optional<int> max_concurrent_calls;  // calls in flight (both directions) beyond which inbound ones fail over
};

// Defaults for anything missing or unreadable.
AgentSettings agent_settings(std::string_view agent_config);

}  // namespace parley::call

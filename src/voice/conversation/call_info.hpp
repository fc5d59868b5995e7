#pragma once
// What the call layer tells a Conversation about its call when it creates it.
#include <chrono>
#include <string>

#include "core/time.hpp"

namespace parley::voice {

struct CallInfo {
  enum class Direction { inbound, outbound };
  std::string call_id;  // the session id, for logs and the http: action
  Direction direction = Direction::inbound;
  std::string from;  // caller number or URI
  std::string to;    // called number or URI
  // The call's `context` object (seeds/001: "Data passed to agent's prompt") as JSON text; "" or
  // "{}" when none. Templates ({{customer_name}}) and the LLM system prompt read it.
  std::string context_json;
  // The negotiated codec is narrowband (G.711, G.729): media still hands over 16 kHz frames,
  // properly upsampled from 8 kHz, so they carry nothing above 4 kHz.
  bool narrowband = false;
  // Transcript timestamps are seconds since `answered_at`; after-hours checks use `answered_utc`.
  std::chrono::steady_clock::time_point answered_at = std::chrono::steady_clock::now();
  core::SysMs answered_utc = core::now_utc();
  // The call's max duration in seconds (a dial request overrides the agent's); 0: the agent's
  // voice.max_duration. The conversation starts its goodbye shortly before this limit and hangs up;
  // the call layer's backstop ends the call at the limit in any case.
  int max_duration_s = 0;
};

}  // namespace parley::voice

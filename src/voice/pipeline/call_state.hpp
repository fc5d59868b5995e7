#pragma once
// What the processors of one call's pipeline share: whether the agent is busy (for barge-in and the
// silence timer) and per-turn timestamps (for the latency split). Single-threaded like the pipeline.
#include <cstdint>
#include <map>

#include "voice/frame/frame.hpp"

namespace parley::voice {

struct TurnTiming {
  bool dtmf = false;
  SteadyTime speech_start{};
  SteadyTime speech_end{};
  SteadyTime endpoint_at{};
  SteadyTime final_at{};
  SteadyTime first_text_at{};
};

struct CallState {
  int turns_in_flight = 0;       // caller turns ended but not yet handed to the agent (STT final pending)
  bool replying = false;         // a reply is being generated, synthesized or played
  std::uint32_t agent_turn = 0;  // the turn the agent answers (0: greeting and prompts of its own)
  int queued_ms = 0;             // agent audio queued in media (updated every frame)
  // The agent's side of the conversation is active: speech now is barge-in, silence is not idle.
  bool busy() const noexcept { return turns_in_flight > 0 || replying || queued_ms > 0; }

  std::map<std::uint32_t, TurnTiming> timings;  // by turn; erased once reported
};

}  // namespace parley::voice

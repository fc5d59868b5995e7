#pragma once
// What a Conversation reports about its call (implemented by src/call, which writes the session's
// transcript entries, usage/cost, latency figures and engine errors). Called on the call's
// io_context thread; must not block (post store writes to the worker pool).
#include <chrono>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "voice/engine/engine_context.hpp"

namespace parley::voice {

// One transcript line, written when the turn ends (seeds/001 transcript shape).
struct TranscriptEntry {
  enum class Role { agent, user };
  Role role = Role::agent;
  std::string text;        // agent: what was actually played (cut short when interrupted)
  double timestamp = 0;    // seconds since answer: when the turn started (speech onset / first audio)
  bool interrupted = false;  // agent turn cut by barge-in
  std::uint32_t turn = 0;  // user input and the agent reply to it share the turn number; 0 = greeting
};

// Per-turn latency, reported when the turn's first agent audio is handed to CallControl::play.
// "Voice to voice" is speech_end -> first RTP packet of that audio; the transport part (queueing in
// media and the first packet on the wire) is the call layer's: the audio starts `queued_ahead_ms`
// after `first_audio_at` (audio already queued), so its first packet leaves at the next 20 ms tick
// after that.
struct TurnLatency {
  using Ms = std::chrono::duration<double, std::milli>;
  std::uint32_t turn = 0;
  bool dtmf = false;  // the turn was a key press (no endpointing or STT)
  std::chrono::steady_clock::time_point speech_end;      // caller stopped talking (or last key)
  std::chrono::steady_clock::time_point first_audio_at;  // first agent audio given to play()
  int queued_ahead_ms = 0;  // CallControl::queued_playback_ms() just before that play()
  Ms endpointing{};   // speech_end -> turn ended (silence waited, or early endpoint)
  Ms stt_final{};     // turn ended -> final transcript (0 when the final came first)
  Ms agent{};         // final transcript -> first reply text
  Ms tts_first_audio{};  // first reply text -> first audio chunk
  Ms total() const { return endpointing + stt_final + agent + tts_first_audio; }
};

struct EngineErrorReport {
  EngineKind kind = EngineKind::stt;
  std::string provider;           // the engine that failed
  core::Error error;              // Errc::timeout for a missed deadline
  std::string fallback_provider;  // what the call uses from now on (empty: none available)
};

class ConversationObserver {
 public:
  virtual ~ConversationObserver() = default;
  virtual void on_transcript(const TranscriptEntry& entry) = 0;
  virtual void on_usage(const Usage& increment) = 0;
  virtual void on_turn_latency(const TurnLatency& latency) = 0;
  virtual void on_engine_error(const EngineErrorReport& report) = 0;
};

}  // namespace parley::voice

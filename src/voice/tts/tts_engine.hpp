#pragma once
// Text-to-speech engines: one TtsStream per call. Engine contract: engine/engine_context.hpp.
// Embedded: flite (tts/flite_tts.hpp) and espeak-ng (tts/espeak_tts.hpp); "aero" maps to flite slt.
//
// synthesize(id, text) queues one piece of text (the conversation sends one sentence at a time, so
// the first sentence's audio plays while the next is synthesized). Requests are served in order:
// every on_tts_audio of request `id` and its on_tts_done come before any callback of a later
// request. Audio is 16 kHz mono PCM16 (engines resample their native rate), in chunks of any size;
// the first chunk should come as soon as the engine has it (streaming engines).
// cancel() drops every queued and running request (barge-in): after it returns no callback for them
// runs. on_tts_done(id, error) fails only that request; the conversation falls back for the rest.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/engine/engine_context.hpp"

namespace parley::voice {

class TtsListener {
 public:
  virtual ~TtsListener() = default;
  virtual void on_tts_audio(std::uint32_t request, std::span<const std::int16_t> pcm16k) = 0;
  virtual void on_tts_done(std::uint32_t request, const core::Status& status) = 0;
};

class TtsStream {
 public:
  virtual ~TtsStream() = default;
  virtual void synthesize(std::uint32_t request, std::string text) = 0;
  virtual void cancel() = 0;
};

struct TtsSetup {
  const EngineSpec& engine;  // agent.voice.tts, or the fallback engine's spec
};

// A voice a provider offers (GET /voice/tts/voices).
struct VoiceInfo {
  std::string id;        // the value for voice.tts.voice
  std::string name;
  std::string language;  // BCP 47 where known ("en-US")
  std::string gender;    // "female", "male", or empty
  int native_rate = 16000;  // the engine's own sample rate (output is always 16 kHz)
};

using TtsFactory = std::function<core::Result<std::unique_ptr<TtsStream>>(const EngineContext&, const TtsSetup&,
                                                                         TtsListener&)>;
using VoiceLister = std::function<std::vector<VoiceInfo>()>;

}  // namespace parley::voice

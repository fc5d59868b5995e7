#pragma once
// Speech-to-text engines: one SttStream per call, fed every 20 ms frame of the caller's audio.
// Engine contract: engine/engine_context.hpp. Embedded: pocketsphinx (stt/pocketsphinx_stt.hpp).
//
// Utterances: the conversation's VAD and turn detector decide where the caller's utterances start
// and end, and tell the stream:
//   audio(frame)             every frame of the call, in order (streaming engines such as Deepgram
//                            send all of it; per-utterance engines keep a short ring, see
//                            stt/utterance_buffer.hpp, and use only the utterance's audio)
//   begin_utterance(id)      speech started; the utterance includes the kPreRollMs of audio pushed
//                            before this call (the VAD needs a few frames to be sure)
//   end_utterance(id)        the caller's turn ended: deliver the final transcript of `id`
//   cancel_utterance(id)     the speech was noise (too short): drop it, no final expected
// Results: on_transcript({id, text, is_final=false}) any number of times while `id` is open
// (interim: the whole text so far, not a delta); is_final=true once the engine will not revise the
// text. An engine may send a final before end_utterance (its own endpointing, e.g. Deepgram
// speech_final): the turn detector may then end the turn early. After end_utterance(id) the engine
// sends exactly one final for `id` (repeating an early final is fine; empty text means nothing was
// recognized) or calls on_stt_error. Results for an id that was cancelled or superseded are ignored.
// An error makes the stream unusable: the conversation switches to the fallback engine.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "core/error.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/engine/engine_context.hpp"

namespace parley::voice {

inline constexpr int kPreRollMs = 300;

struct SttResult {
  std::uint32_t utterance = 0;
  std::string text;  // lower-case words; fillers and out-of-grammar garbage removed
  bool is_final = false;
  float confidence = -1.0F;  // 0..1 when known; below the agent's threshold counts as not understood
};

class SttListener {
 public:
  virtual ~SttListener() = default;
  virtual void on_transcript(const SttResult& result) = 0;
  virtual void on_stt_usage(double audio_seconds) = 0;  // billable audio, as increments
  virtual void on_stt_error(const core::Error& error) = 0;
};

class SttStream {
 public:
  virtual ~SttStream() = default;
  virtual void audio(std::span<const std::int16_t> frame16k) = 0;
  virtual void begin_utterance(std::uint32_t id) = 0;
  virtual void end_utterance(std::uint32_t id) = 0;
  virtual void cancel_utterance(std::uint32_t id) = 0;
};

struct SttSetup {
  const AgentSpec& agent;    // rules agents: recognizers constrain themselves to what the rules understand
  const EngineSpec& engine;  // agent.voice.stt, or the fallback engine's spec
  // The call is narrowband (G.711, G.729): the 16 kHz frames were upsampled from 8 kHz and carry
  // nothing above 4 kHz.
  bool narrowband = false;
};

// Creates a stream; may return before the engine is ready (connect, model load): the stream buffers
// or reports on_stt_error. A Result error means the spec cannot work at all (unknown model, no key).
using SttFactory =
    std::function<core::Result<std::unique_ptr<SttStream>>(const EngineContext&, const SttSetup&, SttListener&)>;

}  // namespace parley::voice

#pragma once
// Engine fallback (docs/voice-pipeline.md "Engine errors"): each of the call's engines is wrapped so
// that a failure or a missed deadline switches the rest of the call to the fallback engine (the
// spec's `fallback`, else the registry default: the embedded one) and is reported, and the caller
// hears something instead of dead air:
//   STT    the utterance in progress is lost: it ends with an empty final, which the conversation
//          answers with "Sorry, I didn't catch that" (the apology); later ones go to the fallback
//   agent  the reply becomes the apology kAgentApology; later turns go to the fallback agent
//   TTS    nothing is lost: the failed sentence and those after it are spoken by the fallback voice
// The wrappers implement the engine interfaces themselves, so the pipeline does not know about them.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "voice/agent/agent_engine.hpp"
#include "voice/conversation/conversation_observer.hpp"
#include "voice/stt/stt_engine.hpp"
#include "voice/tts/tts_engine.hpp"

namespace parley::voice {

inline constexpr std::string_view kAgentApology = "Sorry, I'm having a problem right now. Could you say that again?";

struct EngineDeadlines {
  std::chrono::milliseconds stt_final{4000};        // end_utterance -> its final transcript
  std::chrono::milliseconds tts_first_audio{5000};  // synthesize -> first audio of that request
  std::chrono::milliseconds agent_progress{10000};  // respond/last callback -> next callback
};

// How long an engine may take: its deadline while a fallback is left to switch to; ten times that on
// the last engine (switching is no longer possible, and a late answer beats dead air).
inline std::chrono::milliseconds engine_deadline(std::chrono::milliseconds deadline, bool can_fall_back) {
  return can_fall_back ? deadline : deadline * 10;
}

// A wrapper's failed engine may be what is calling it: detach it from its relay now and destroy it
// from the io loop. `Holder` has `relay` (with `owner`) and the engine.
template <class Holder>
void retire_engine(boost::asio::io_context& io, std::unique_ptr<Holder>& current) {
  if (!current) return;
  current->relay->owner = nullptr;
  std::shared_ptr<Holder> old(std::move(current));
  boost::asio::post(io, [old] {});
}

// Builds an engine reporting to `listener` (the wrapper). The fallback is built when first needed.
template <class Listener, class Stream>
using MakeEngine = std::function<core::Result<std::unique_ptr<Stream>>(Listener& listener)>;

struct FallbackSetup {
  boost::asio::io_context& io;
  std::string provider;           // the primary's provider name (reports)
  std::string fallback_provider;  // the fallback's provider name
  std::function<void(const EngineErrorReport&)> on_error;
};

// When the primary cannot be built, that is reported and the fallback is used from the start.
// With no engine left at all, STT delivers empty finals, TTS ends requests silently and the agent
// answers with the apology.
std::unique_ptr<SttStream> make_fallback_stt(FallbackSetup setup, std::chrono::milliseconds deadline,
                                             SttListener& outer, MakeEngine<SttListener, SttStream> make_primary,
                                             MakeEngine<SttListener, SttStream> make_fallback);
std::unique_ptr<TtsStream> make_fallback_tts(FallbackSetup setup, std::chrono::milliseconds deadline,
                                             TtsListener& outer, MakeEngine<TtsListener, TtsStream> make_primary,
                                             MakeEngine<TtsListener, TtsStream> make_fallback);
std::unique_ptr<AgentSession> make_fallback_agent(FallbackSetup setup, std::chrono::milliseconds deadline,
                                                  AgentListener& outer, MakeEngine<AgentListener, AgentSession> make_primary,
                                                  MakeEngine<AgentListener, AgentSession> make_fallback);

}  // namespace parley::voice

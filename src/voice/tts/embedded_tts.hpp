#pragma once
// The embedded TTS engines as TtsStreams: "flite" (voices slt, kal16, kal; default slt), "espeak"
// (espeak-ng voices; default en-us) and "aero" (the seeds' provider name: flite slt whatever voice
// it names). Each request is synthesized whole on the worker pool (one SerialQueue per call keeps
// the order) and delivered as one chunk; the conversation sends one sentence per request, so the
// first sentence plays while the next is synthesized.
#include <memory>

#include "voice/tts/tts_engine.hpp"

namespace parley::voice {

core::Result<std::unique_ptr<TtsStream>> make_flite_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                        TtsListener& listener);
core::Result<std::unique_ptr<TtsStream>> make_espeak_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                         TtsListener& listener);
core::Result<std::unique_ptr<TtsStream>> make_aero_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                       TtsListener& listener);

}  // namespace parley::voice

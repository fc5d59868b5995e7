#pragma once
// espeak-ng as a synchronous synthesizer for worker-pool threads. espeak-ng keeps one global
// synthesizer per process (espeak_Initialize, one voice, one callback), so every use goes through one
// process-wide lock; a sentence takes ~3 ms, so the lock is never held long. Output is 22050 Hz,
// resampled to 16 kHz.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "voice/tts/tts_engine.hpp"

namespace parley::voice {

inline constexpr std::string_view kDefaultEspeakVoice = "en-us";

std::vector<VoiceInfo> espeak_voices();
// `voice`: an espeak-ng voice or language name ("en-us", "de", "fr"); empty or unknown: en-us.
core::Result<std::vector<std::int16_t>> espeak_synthesize(std::string_view voice, std::string_view text);

}  // namespace parley::voice

#pragma once
// Flite 2.2 as a synchronous synthesizer for worker-pool threads (never an I/O thread: slt takes
// ~40 ms per sentence). Voices: slt (female, default) and kal16 (male) at 16 kHz, kal (male) at
// 8 kHz, resampled to 16 kHz. Other flite voices can be added by their register function (tests
// and benchmarks add awb and rms as caller voices). Thread-safe: synthesis is serialized per voice.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "voice/tts/tts_engine.hpp"

extern "C" {
struct cst_voice_struct;
}

namespace parley::voice {

inline constexpr std::string_view kDefaultFliteVoice = "slt";

using FliteRegister = cst_voice_struct* (*)(const char*);
// Adds a voice under info.id; an id that exists already is kept as it is.
void add_flite_voice(VoiceInfo info, FliteRegister reg);

std::vector<VoiceInfo> flite_voices();
// 16 kHz audio of `text`; an unknown or empty `voice` uses slt. Errc::unavailable if flite fails.
core::Result<std::vector<std::int16_t>> flite_synthesize(std::string_view voice, std::string_view text);

}  // namespace parley::voice

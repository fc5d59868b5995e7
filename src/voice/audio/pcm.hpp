#pragma once
// Small PCM16 helpers the engines share: whole-buffer resampling to 16 kHz (media's streaming
// resampler, with its filter tail flushed), and level measurements.
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"

namespace parley::voice::audio {

// The whole of `in` (mono, `in_rate` Hz) at 16 kHz: in.size() * 16000 / in_rate samples, aligned
// (the resampler's delay is removed). A copy when in_rate is 16000.
core::Result<std::vector<std::int16_t>> to_16k(std::span<const std::int16_t> in, int in_rate);

// Root mean square level in dBFS (full scale sine = -3 dB); -120 for silence.
double rms_dbfs(std::span<const std::int16_t> pcm) noexcept;

// How many leading samples are quiet: those before the first 5 ms window whose level is above
// `threshold_dbfs`, less `keep_ms` of lead-in kept before it. 0 when no window is that loud.
std::size_t leading_silence(std::span<const std::int16_t> pcm16k, double threshold_dbfs = -50.0,
                            int keep_ms = 10) noexcept;

}  // namespace parley::voice::audio

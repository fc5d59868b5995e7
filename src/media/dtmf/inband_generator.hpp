#pragma once
// DTMF tones as 8 kHz audio (spandsp dtmf_tx), for inband signalling and tests.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::media::dtmf {

// Each digit's tone lasts `on_ms`, then `off_ms` of silence. Digits: 0-9 * # A-D, at most 64.
core::Result<std::vector<std::int16_t>> generate_dtmf(std::string_view digits, int on_ms = 100, int off_ms = 100);

}  // namespace parley::media::dtmf

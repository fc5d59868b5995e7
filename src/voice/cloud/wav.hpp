#pragma once
// A mono PCM16 WAV file in memory (RIFF/WAVE, "fmt " chunk format 1), for uploads to speech APIs.
#include <cstdint>
#include <span>
#include <string>

namespace parley::voice::cloud {

std::string wav_bytes(std::span<const std::int16_t> pcm, int sample_rate);

}  // namespace parley::voice::cloud

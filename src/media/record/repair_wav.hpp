#pragma once
// Completes the header of a WAV recording that a crash left open.
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"

namespace parley::media::record {

struct WavRepair {
  std::uint32_t data_bytes = 0;
  int channels = 0;
  int sample_rate = 0;
};

// Rewrites the RIFF and data chunk sizes from the file's real length and drops a torn last frame.
// Errc::corrupt when the file is not a PCM WAV with a fmt and a data chunk.
core::Result<WavRepair> repair_wav(const std::filesystem::path& path);

}  // namespace parley::media::record

#pragma once
// The `play:<wav>` test mode: a WAV file (any rate, mono or stereo, PCM) converted once to 16 kHz mono,
// then handed out 20 ms at a time in a loop.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/error.hpp"

namespace parley::media::session::detail {

inline constexpr int kMaxPlaySeconds = 600;  // longer files are cut: the whole file sits in memory

// Reads and converts the file (blocking: run it on the worker pool). Errc::invalid_argument for a file
// that is not mono/stereo PCM, or is empty.
core::Result<std::vector<std::int16_t>> load_wav_16k(const std::filesystem::path& path);

class WavLoop {
 public:
  explicit WavLoop(std::shared_ptr<const std::vector<std::int16_t>> pcm) : pcm_(std::move(pcm)) {}

  // Fills `out` with the next samples, wrapping to the start at the end of the file.
  void next(std::span<std::int16_t> out) noexcept;

 private:
  std::shared_ptr<const std::vector<std::int16_t>> pcm_;
  std::size_t position_ = 0;
};

}  // namespace parley::media::session::detail

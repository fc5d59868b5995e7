#pragma once
// Stereo call recording: caller on the left, agent on the right, PCM16 WAV at 16 or 8 kHz.
//
// Each channel is fed frames stamped with their position on one shared timeline (samples at the file's
// rate since the recording began). Gaps become silence, so the channels never drift apart. Audio is
// written as soon as both channels have reached a point, or once one channel is `max_skew_ms` ahead
// (the other is then silent there); frames that arrive for already written time are dropped.
// The RIFF sizes are filled in by close(); repair_wav() (repair_wav.hpp) fixes a file a crash left open.
// Not thread-safe: one caller (a worker-pool strand) at a time.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/error.hpp"

namespace parley::media::record {

enum class Channel { caller = 0, agent = 1 };

class StereoWavWriter {
 public:
  static core::Result<StereoWavWriter> open(const std::filesystem::path& path, int sample_rate, int max_skew_ms = 2000);
  StereoWavWriter(StereoWavWriter&&) noexcept = default;
  StereoWavWriter& operator=(StereoWavWriter&&) noexcept = default;
  ~StereoWavWriter();  // closes if still open, ignoring errors

  core::Status write(Channel channel, std::int64_t start_sample, std::span<const std::int16_t> pcm);
  // Writes what is pending (the shorter channel padded with silence) and completes the header.
  core::Status close();

  std::int64_t frames_written() const noexcept { return committed_; }  // stereo sample frames on disk
  std::uint64_t dropped_samples() const noexcept { return dropped_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
  };
  StereoWavWriter(std::unique_ptr<std::FILE, FileCloser> file, int sample_rate, std::int64_t max_skew);
  core::Status commit(std::int64_t until);

  std::unique_ptr<std::FILE, FileCloser> file_;
  int sample_rate_;
  std::int64_t max_skew_;         // samples
  std::int64_t committed_ = 0;    // frames written to the file
  std::int64_t end_[2] = {0, 0};  // end of the audio received per channel
  std::vector<std::int16_t> pending_;  // interleaved frames from committed_ on
  std::uint64_t dropped_ = 0;
};

}  // namespace parley::media::record

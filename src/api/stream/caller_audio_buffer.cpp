#include "api/stream/caller_audio_buffer.hpp"

#include <algorithm>

#include "media/audio_format.hpp"

namespace parley::api::stream {
namespace {

constexpr int kSamplesPerMs = media::kSampleRate / 1000;
constexpr int kShedAfterPops = 1000 / media::kFrameMs;          // a second above target
constexpr int kLowerAfterPops = 10 * 1000 / media::kFrameMs;   // ten seconds without an underrun

}  // namespace

CallerAudioBuffer::CallerAudioBuffer(Options options) : options_(options), target_(frames(options.start_ms)) {}

// Whole frames covering `ms`, in samples.
std::size_t CallerAudioBuffer::frames(int ms) const noexcept {
  const auto n = static_cast<std::size_t>((std::max(ms, 0) + media::kFrameMs - 1) / media::kFrameMs);
  return std::max<std::size_t>(n, 1) * media::kFrameSamples;
}

void CallerAudioBuffer::push(std::span<const std::int16_t> pcm16k) {
  samples_.insert(samples_.end(), pcm16k.begin(), pcm16k.end());
  const auto cap = static_cast<std::size_t>(options_.cap_ms) * kSamplesPerMs;
  if (samples_.size() > cap) {
    const auto excess = samples_.size() - cap;
    samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(excess));
    stats_.dropped_samples += excess;
  }
}

bool CallerAudioBuffer::pop(std::span<std::int16_t> frame) {
  const auto n = std::min(frame.size(), media::kFrameSamples);
  if (!playing_ && samples_.size() >= target_) playing_ = true;
  if (!playing_ || samples_.size() < n) {
    if (playing_) {
      playing_ = false;
      ++stats_.underruns;
      pops_since_underrun_ = 0;
      target_ = std::min(target_ + media::kFrameSamples, frames(options_.max_ms));
    }
    std::fill(frame.begin(), frame.end(), std::int16_t{0});
    return false;
  }
  std::copy_n(samples_.begin(), n, frame.begin());
  std::fill(frame.begin() + static_cast<std::ptrdiff_t>(n), frame.end(), std::int16_t{0});
  samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(n));

  if (samples_.size() > target_ + 2 * media::kFrameSamples) {
    if (++above_target_pops_ >= kShedAfterPops) {
      samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(media::kFrameSamples));
      ++stats_.shed_frames;
      above_target_pops_ = 0;
    }
  } else {
    above_target_pops_ = 0;
  }
  if (++pops_since_underrun_ >= kLowerAfterPops) {
    pops_since_underrun_ = 0;
    target_ = std::max(frames(options_.start_ms), target_ - media::kFrameSamples);
  }
  return true;
}

int CallerAudioBuffer::buffered_ms() const noexcept { return static_cast<int>(samples_.size() / kSamplesPerMs); }
int CallerAudioBuffer::target_ms() const noexcept { return static_cast<int>(target_ / kSamplesPerMs); }

}  // namespace parley::api::stream

#include "voice/stt/utterance_buffer.hpp"

#include <algorithm>
#include <utility>

#include "media/audio_format.hpp"

namespace parley::voice {

UtteranceBuffer::UtteranceBuffer(int pre_roll_ms, int max_seconds)
    : pre_roll_samples_(static_cast<std::size_t>(pre_roll_ms) * media::kSampleRate / 1000),
      max_samples_(static_cast<std::size_t>(max_seconds) * media::kSampleRate) {}

void UtteranceBuffer::audio(std::span<const std::int16_t> frame) {
  if (open_) {
    std::size_t room = max_samples_ > utterance_.size() ? max_samples_ - utterance_.size() : 0;
    utterance_.insert(utterance_.end(), frame.begin(), frame.begin() + std::min(room, frame.size()));
    return;
  }
  ring_.insert(ring_.end(), frame.begin(), frame.end());
  if (ring_.size() > pre_roll_samples_) ring_.erase(ring_.begin(), ring_.end() - pre_roll_samples_);
}

void UtteranceBuffer::begin(std::uint32_t id) {
  open_ = id;
  utterance_ = std::move(ring_);
  ring_.clear();
  taken_ = 0;
}

std::vector<std::int16_t> UtteranceBuffer::take_new() {
  std::vector<std::int16_t> out(utterance_.begin() + static_cast<std::ptrdiff_t>(taken_), utterance_.end());
  taken_ = utterance_.size();
  return out;
}

std::vector<std::int16_t> UtteranceBuffer::finish() {
  open_.reset();
  taken_ = 0;
  return std::exchange(utterance_, {});
}

void UtteranceBuffer::cancel() {
  open_.reset();
  taken_ = 0;
  utterance_.clear();
}

double UtteranceBuffer::seconds() const noexcept {
  return static_cast<double>(utterance_.size()) / media::kSampleRate;
}

}  // namespace parley::voice

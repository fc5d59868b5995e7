#include "media/session/detail/audio_queue.hpp"

#include <algorithm>

namespace parley::media::session::detail {

AudioQueue::AudioQueue(std::size_t max_samples, std::size_t initial_samples)
    : ring_(std::max<std::size_t>(1, std::min(initial_samples, max_samples))), max_(max_samples) {}

void AudioQueue::grow(std::size_t needed) {
  std::size_t capacity = ring_.size();
  while (capacity < needed) capacity *= 2;
  capacity = std::min(capacity, max_);
  std::vector<std::int16_t> bigger(capacity);
  for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) % ring_.size()];
  ring_ = std::move(bigger);
  head_ = 0;
}

std::size_t AudioQueue::push(std::span<const std::int16_t> pcm) {
  const std::size_t n = std::min(pcm.size(), max_ - size_);
  if (size_ + n > ring_.size()) grow(size_ + n);
  for (std::size_t i = 0; i < n; ++i) ring_[(head_ + size_ + i) % ring_.size()] = pcm[i];
  size_ += n;
  return n;
}

std::size_t AudioQueue::pop(std::span<std::int16_t> out) noexcept {
  const std::size_t n = std::min(out.size(), size_);
  for (std::size_t i = 0; i < n; ++i) out[i] = ring_[(head_ + i) % ring_.size()];
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), std::int16_t{0});
  head_ = (head_ + n) % ring_.size();
  size_ -= n;
  if (size_ == 0) head_ = 0;
  return n;
}

}  // namespace parley::media::session::detail

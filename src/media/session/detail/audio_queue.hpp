#pragma once
// The outgoing audio queue: 16 kHz samples waiting for their 20 ms frame. A ring buffer that grows by
// doubling up to a cap and never shrinks, so steady playback does not allocate.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace parley::media::session::detail {

class AudioQueue {
 public:
  explicit AudioQueue(std::size_t max_samples, std::size_t initial_samples = 16000);

  // Appends what fits under the cap; returns the samples taken.
  std::size_t push(std::span<const std::int16_t> pcm);
  // Fills `out` from the front; a short tail is padded with silence. Returns the samples taken.
  std::size_t pop(std::span<std::int16_t> out) noexcept;
  void clear() noexcept { head_ = size_ = 0; }

  std::size_t size() const noexcept { return size_; }
  std::size_t max_size() const noexcept { return max_; }

 private:
  void grow(std::size_t needed);

  std::vector<std::int16_t> ring_;
  std::size_t max_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace parley::media::session::detail

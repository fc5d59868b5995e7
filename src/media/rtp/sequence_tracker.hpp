#pragma once
// Source sequence-number state of RFC 3550 A.1: probation, wrap-around cycles, resync after a jump.
#include <cstdint>

namespace parley::media::rtp {

class SequenceTracker {
 public:
  static constexpr std::uint32_t kMaxDropout = 3000;  // RFC 3550 A.1
  static constexpr std::uint32_t kMaxMisorder = 100;
  static constexpr int kMinSequential = 2;

  // Returns true when the packet counts as valid (source out of probation, not a wild jump).
  bool update(std::uint16_t sequence) noexcept;

  bool started() const noexcept { return started_; }
  bool in_probation() const noexcept { return probation_ > 0; }
  std::uint32_t extended_max() const noexcept { return cycles_ + max_seq_; }
  std::uint32_t base() const noexcept { return base_seq_; }
  std::uint32_t received() const noexcept { return received_; }
  // Packets expected since the base: extended_max - base + 1 (RFC 3550 A.3).
  std::uint32_t expected() const noexcept { return extended_max() - base_seq_ + 1; }

 private:
  void reset(std::uint16_t sequence) noexcept;

  bool started_ = false;
  int probation_ = 0;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;  // shifted count of wraps (multiples of 65536)
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  std::uint32_t received_ = 0;
};

}  // namespace parley::media::rtp

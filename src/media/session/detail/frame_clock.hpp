#pragma once
// The 20 ms media clock of one call, scheduled against absolute time: frame n is due at
// start + n * period, so late wake-ups never accumulate into drift.
#include <chrono>
#include <cstdint>

namespace parley::media::session::detail {

class FrameClock {
 public:
  using Clock = std::chrono::steady_clock;

  // Frames overdue by more than `max_catch_up` periods are skipped rather than sent in a burst.
  FrameClock(Clock::time_point start, Clock::duration period, std::uint64_t max_catch_up = 5) noexcept
      : start_(start), period_(period), max_catch_up_(max_catch_up) {}

  struct Due {
    std::uint64_t first = 0;    // frame number of the first frame to produce now
    std::uint64_t count = 0;    // frames to produce now (0 after an early wake-up)
    std::uint64_t skipped = 0;  // frames dropped before `first` because the thread fell behind
  };

  // Frames whose deadline is at or before `now`; moves the clock past them.
  Due advance(Clock::time_point now) noexcept;

  Clock::time_point deadline(std::uint64_t frame) const noexcept { return start_ + period_ * frame; }
  Clock::time_point next_deadline() const noexcept { return deadline(next_); }
  std::uint64_t next_frame() const noexcept { return next_; }
  Clock::time_point start() const noexcept { return start_; }

 private:
  Clock::time_point start_;
  Clock::duration period_;
  std::uint64_t max_catch_up_;
  std::uint64_t next_ = 0;
};

}  // namespace parley::media::session::detail

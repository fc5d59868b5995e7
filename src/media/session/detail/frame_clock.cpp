#include "media/session/detail/frame_clock.hpp"

namespace parley::media::session::detail {

FrameClock::Due FrameClock::advance(Clock::time_point now) noexcept {
  Due due{next_, 0, 0};
  if (now < deadline(next_)) return due;
  // Frames 0..elapsed are due; computed from the start, never from the previous wake-up.
  const auto elapsed = static_cast<std::uint64_t>((now - start_) / period_);
  const std::uint64_t end = elapsed + 1;
  std::uint64_t count = end - next_;
  if (count > max_catch_up_) {
    due.skipped = count - max_catch_up_;
    count = max_catch_up_;
  }
  due.first = next_ + due.skipped;
  due.count = count;
  next_ = end;
  return due;
}

}  // namespace parley::media::session::detail

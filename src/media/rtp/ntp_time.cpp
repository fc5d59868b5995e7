#include "media/rtp/ntp_time.hpp"

namespace parley::media::rtp {

std::uint64_t to_ntp(std::chrono::system_clock::time_point time) noexcept {
  constexpr std::uint64_t kUnixToNtpSeconds = 2'208'988'800ULL;  // 1900-01-01 to 1970-01-01
  const auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  const auto seconds = static_cast<std::uint64_t>(since_epoch / 1'000'000'000) + kUnixToNtpSeconds;
  const auto nanos = static_cast<std::uint64_t>(since_epoch % 1'000'000'000);
  return (seconds << 32) | ((nanos << 32) / 1'000'000'000);
}

std::optional<std::chrono::microseconds> round_trip_time(const ReportBlock& block, std::uint64_t arrival_ntp) noexcept {
  if (block.lsr == 0) return std::nullopt;
  const auto rtt = static_cast<std::int32_t>(ntp_middle32(arrival_ntp) - block.lsr - block.dlsr);
  if (rtt < 0) return std::nullopt;
  return std::chrono::microseconds(static_cast<std::int64_t>(rtt) * 1'000'000 / 65536);
}

}  // namespace parley::media::rtp

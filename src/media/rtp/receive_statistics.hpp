#pragma once
// Per-source reception statistics for RTCP report blocks: loss (RFC 3550 A.3) and jitter (A.8).
#include <chrono>
#include <cstdint>

#include "media/rtp/rtcp.hpp"
#include "media/rtp/sequence_tracker.hpp"

namespace parley::media::rtp {

class ReceiveStatistics {
 public:
  explicit ReceiveStatistics(int clock_rate) : clock_rate_(clock_rate) {}

  // Feeds one received packet; `arrival` is a local monotonic time. Returns false for packets
  // SequenceTracker does not accept (probation, wild jumps).
  bool on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp, std::chrono::microseconds arrival) noexcept;

  // RFC 3550 A.3: cumulative loss clamped to 24-bit signed; the fraction covers the interval since the
  // previous report, so make_report_block() moves the interval on.
  std::int32_t cumulative_lost() const noexcept;
  ReportBlock make_report_block(std::uint32_t source_ssrc, std::uint32_t lsr, std::uint32_t dlsr) noexcept;

  std::uint32_t jitter() const noexcept { return jitter_ >> 4; }  // RTP timestamp units
  double jitter_ms() const noexcept { return 1000.0 * jitter() / clock_rate_; }
  const SequenceTracker& sequence() const noexcept { return sequence_; }

 private:
  int clock_rate_;
  SequenceTracker sequence_;
  std::uint32_t expected_prior_ = 0;
  std::uint32_t received_prior_ = 0;
  std::uint32_t jitter_ = 0;  // scaled by 16 as in A.8
  std::int64_t last_transit_ = 0;
  bool have_transit_ = false;
};

}  // namespace parley::media::rtp

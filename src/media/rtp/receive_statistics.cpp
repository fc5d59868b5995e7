#include "media/rtp/receive_statistics.hpp"

#include <algorithm>
#include <cstdlib>

namespace parley::media::rtp {

bool ReceiveStatistics::on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                                  std::chrono::microseconds arrival) noexcept {
  if (!sequence_.update(sequence)) return false;
  // RFC 3550 A.8: transit = arrival (in RTP units) - timestamp; J += (|D| - J) / 16, kept scaled by 16.
  const auto arrival_units = static_cast<std::uint32_t>(arrival.count() * clock_rate_ / 1'000'000);
  const auto transit = static_cast<std::int32_t>(arrival_units - rtp_timestamp);
  if (have_transit_) {
    const auto d = static_cast<std::uint32_t>(std::abs(static_cast<std::int64_t>(transit) - last_transit_));
    jitter_ += d - ((jitter_ + 8) >> 4);
  }
  last_transit_ = transit;
  have_transit_ = true;
  return true;
}

std::int32_t ReceiveStatistics::cumulative_lost() const noexcept {
  if (!sequence_.started() || sequence_.in_probation()) return 0;
  const auto lost = static_cast<std::int64_t>(sequence_.expected()) - sequence_.received();
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(lost, -0x800000, 0x7FFFFF));  // RFC 3550 s6.4.1
}

ReportBlock ReceiveStatistics::make_report_block(std::uint32_t source_ssrc, std::uint32_t lsr,
                                                 std::uint32_t dlsr) noexcept {
  ReportBlock block;
  block.ssrc = source_ssrc;
  block.cumulative_lost = cumulative_lost();
  block.extended_highest_sequence = sequence_.extended_max();
  block.jitter = jitter();
  block.lsr = lsr;
  block.dlsr = dlsr;
  const bool valid = sequence_.started() && !sequence_.in_probation();
  const std::uint32_t expected = valid ? sequence_.expected() : 0;
  const std::uint32_t received = valid ? sequence_.received() : 0;
  // RFC 3550 A.3: fraction = lost_interval * 256 / expected_interval, 0 when nothing or less was lost.
  const auto expected_interval = static_cast<std::int64_t>(expected) - expected_prior_;
  const auto received_interval = static_cast<std::int64_t>(received) - received_prior_;
  const auto lost_interval = expected_interval - received_interval;
  block.fraction_lost = (expected_interval <= 0 || lost_interval <= 0)
                            ? 0
                            : static_cast<std::uint8_t>(std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
  expected_prior_ = expected;
  received_prior_ = received;
  return block;
}

}  // namespace parley::media::rtp

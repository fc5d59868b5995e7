#pragma once
// RTCP for one session: when to report (RFC 3550 s6.2, s6.3.1), what to report (SR while sending, else RR,
// with one report block for the latched source and an SDES CNAME, s6.1), and the round-trip time from
// the report blocks the peer sends back (s6.4.1).
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>

#include "core/error.hpp"
#include "media/rtp/receive_statistics.hpp"

namespace parley::media::session::detail {

class RtcpReporter {
 public:
  using Clock = std::chrono::steady_clock;

  RtcpReporter(std::uint32_t local_ssrc, std::string cname, Clock::time_point now);

  bool due(Clock::time_point now) const noexcept { return now >= next_; }

  struct Sender {
    std::uint32_t rtp_timestamp = 0;  // the RTP time matching `ntp_now`
    std::uint32_t packets = 0;
    std::uint32_t octets = 0;
  };
  struct Source {
    std::uint32_t ssrc = 0;
    rtp::ReceiveStatistics* statistics = nullptr;
  };

  // Writes the compound packet into `out` and schedules the next report; with `goodbye` it ends in a
  // BYE (RFC 3550 s6.6), for the session's last report.
  core::Result<std::size_t> build(Clock::time_point now, std::uint64_t ntp_now, const Sender& sender,
                                  std::optional<Source> source, bool goodbye, std::span<std::uint8_t> out);

  // A received (plain) compound packet: remembers the peer's SR for LSR/DLSR and measures the RTT.
  // False when the packet is not valid RTCP.
  bool on_packet(std::span<const std::uint8_t> packet, Clock::time_point now, std::uint64_t ntp_now);

  std::optional<double> rtt_ms() const noexcept { return rtt_ms_; }
  std::uint64_t reports_sent() const noexcept { return reports_sent_; }
  std::uint64_t reports_received() const noexcept { return reports_received_; }
  void set_local_ssrc(std::uint32_t ssrc) noexcept { local_ssrc_ = ssrc; }

 private:
  Clock::duration next_interval(bool initial) noexcept;

  std::uint32_t local_ssrc_;
  std::string cname_;
  std::minstd_rand random_;
  Clock::time_point next_;
  std::uint32_t packets_at_report_[2] = {0, 0};  // sender packet count at the last two reports
  std::optional<std::uint32_t> last_sr_middle_;  // LSR: middle 32 bits of the peer's last SR
  Clock::time_point last_sr_arrival_{};
  std::optional<double> rtt_ms_;
  std::uint64_t reports_sent_ = 0;
  std::uint64_t reports_received_ = 0;
};

}  // namespace parley::media::session::detail

#include "media/session/detail/rtcp_reporter.hpp"

#include <vector>

#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp.hpp"

namespace parley::media::session::detail {
namespace {

constexpr double kMinIntervalS = 5.0;                    // RFC 3550 s6.2: Tmin
constexpr double kCompensation = 2.71828182845904 - 1.5;  // RFC 3550 s6.3.1: e - 3/2

}  // namespace

RtcpReporter::RtcpReporter(std::uint32_t local_ssrc, std::string cname, Clock::time_point now)
    : local_ssrc_(local_ssrc), cname_(std::move(cname)), random_(local_ssrc | 1u) {
  next_ = now + next_interval(true);
}

RtcpReporter::Clock::duration RtcpReporter::next_interval(bool initial) noexcept {
  // RFC 3550 s6.2: with two participants the bandwidth share never beats Tmin; the first report may go
  // after Tmin/2. s6.3.1: randomize over [0.5, 1.5] x T and divide by e - 3/2.
  const double base = initial ? kMinIntervalS / 2.0 : kMinIntervalS;
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  const double seconds = base * factor(random_) / kCompensation;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

core::Result<std::size_t> RtcpReporter::build(Clock::time_point now, std::uint64_t ntp_now, const Sender& sender,
                                              std::optional<Source> source, bool goodbye,
                                              std::span<std::uint8_t> out) {
  std::vector<rtp::ReportBlock> blocks;
  if (source && source->statistics && source->statistics->sequence().started()) {
    std::uint32_t lsr = 0, dlsr = 0;
    if (last_sr_middle_) {
      // RFC 3550 s6.4.1: DLSR in units of 1/65536 s since that SR arrived.
      lsr = *last_sr_middle_;
      const auto since = std::chrono::duration_cast<std::chrono::microseconds>(now - last_sr_arrival_).count();
      dlsr = static_cast<std::uint32_t>(since * 65536 / 1'000'000);
    }
    blocks.push_back(source->statistics->make_report_block(source->ssrc, lsr, dlsr));
  }
  // RFC 3550 s6.4: an SR while we sent data in the last two report intervals (A.7 we_sent), else an RR.
  const bool sending = sender.packets != packets_at_report_[0];
  std::vector<rtp::RtcpPacket> packets(goodbye ? 3 : 2);
  if (sending) {
    packets[0] = rtp::SenderReport{local_ssrc_, ntp_now, sender.rtp_timestamp, sender.packets, sender.octets,
                                   std::move(blocks)};
  } else {
    packets[0] = rtp::ReceiverReport{local_ssrc_, std::move(blocks)};
  }
  packets[1] = rtp::SourceDescription{local_ssrc_, cname_};  // s6.1: every compound packet carries a CNAME
  if (goodbye) packets[2] = rtp::Goodbye{{local_ssrc_}};
  packets_at_report_[0] = packets_at_report_[1];
  packets_at_report_[1] = sender.packets;
  next_ = now + next_interval(false);
  auto size = rtp::build_rtcp_compound(packets, out);
  if (size) ++reports_sent_;
  return size;
}

bool RtcpReporter::on_packet(std::span<const std::uint8_t> packet, Clock::time_point now, std::uint64_t ntp_now) {
  auto parsed = rtp::parse_rtcp_compound(packet);
  if (!parsed) return false;
  ++reports_received_;
  auto take_blocks = [&](const std::vector<rtp::ReportBlock>& blocks) {
    for (const auto& block : blocks) {
      if (block.ssrc != local_ssrc_) continue;
      if (auto rtt = rtp::round_trip_time(block, ntp_now)) rtt_ms_ = static_cast<double>(rtt->count()) / 1000.0;
    }
  };
  for (const auto& item : *parsed) {
    if (const auto* sr = std::get_if<rtp::SenderReport>(&item)) {
      last_sr_middle_ = rtp::ntp_middle32(sr->ntp_timestamp);
      last_sr_arrival_ = now;
      take_blocks(sr->blocks);
    } else if (const auto* rr = std::get_if<rtp::ReceiverReport>(&item)) {
      take_blocks(rr->blocks);
    }
  }
  return true;
}

}  // namespace parley::media::session::detail

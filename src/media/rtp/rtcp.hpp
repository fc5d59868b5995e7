#pragma once
// RTCP SR, RR, SDES (CNAME) and BYE (RFC 3550 s6.4-6.6) and compound packets (s6.1, A.2 validity checks).
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace parley::media::rtp {

// RFC 3550 s6.4.1 report block.
struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;  // fixed point, /256
  std::int32_t cumulative_lost = 0;  // 24-bit signed on the wire
  std::uint32_t extended_highest_sequence = 0;
  std::uint32_t jitter = 0;  // RTP timestamp units
  std::uint32_t lsr = 0;     // middle 32 bits of the last SR's NTP timestamp
  std::uint32_t dlsr = 0;    // delay since that SR, 1/65536 s

  bool operator==(const ReportBlock&) const = default;
};

struct SenderReport {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp_timestamp = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  std::vector<ReportBlock> blocks;

  bool operator==(const SenderReport&) const = default;
};

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::vector<ReportBlock> blocks;

  bool operator==(const ReceiverReport&) const = default;
};

// SDES with one CNAME item per chunk (the only item RFC 3550 s6.5.1 requires).
struct SourceDescription {
  std::uint32_t ssrc = 0;
  std::string cname;

  bool operator==(const SourceDescription&) const = default;
};

struct Goodbye {
  std::vector<std::uint32_t> ssrcs;

  bool operator==(const Goodbye&) const = default;
};

// Any other packet type (APP, RTPFB, PSFB, XR ...): skipped but reported.
struct OtherRtcp {
  std::uint8_t packet_type = 0;

  bool operator==(const OtherRtcp&) const = default;
};

using RtcpPacket = std::variant<SenderReport, ReceiverReport, SourceDescription, Goodbye, OtherRtcp>;

// RFC 3550 A.2: version 2 everywhere, first packet SR or RR, padding only on the last, lengths add up.
core::Result<std::vector<RtcpPacket>> parse_rtcp_compound(std::span<const std::uint8_t> data);

// Writes the packets back to back (a compound packet when the first is SR/RR); returns the length.
core::Result<std::size_t> build_rtcp_compound(std::span<const RtcpPacket> packets, std::span<std::uint8_t> out);

}  // namespace parley::media::rtp

// libFuzzer target: RTP, RTCP and RFC 4733 parsing must never crash or read out of bounds; what the
// RTP and RTCP parsers accept must rebuild into packets that parse to the same values.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "media/dtmf/telephone_event_receiver.hpp"
#include "media/rtp/rtcp.hpp"
#include "media/rtp/rtp_packet.hpp"

namespace {

namespace rtp = parley::media::rtp;

void check_rtp(std::span<const std::uint8_t> input) {
  auto packet = rtp::parse_rtp(input);
  if (!packet) return;
  std::vector<std::uint8_t> rebuilt(input.size());
  auto size = rtp::build_rtp(packet->header, packet->payload, rebuilt);
  if (!size) __builtin_trap();  // padding only ever shrinks the packet
  auto again = rtp::parse_rtp(std::span(rebuilt).first(*size));
  if (!again) __builtin_trap();
  const auto& a = packet->header;
  const auto& b = again->header;
  if (a.marker != b.marker || a.payload_type != b.payload_type || a.sequence != b.sequence ||
      a.timestamp != b.timestamp || a.ssrc != b.ssrc || a.csrc_count != b.csrc_count || a.csrcs != b.csrcs ||
      a.extension.has_value() != b.extension.has_value() || !std::ranges::equal(packet->payload, again->payload)) {
    __builtin_trap();
  }
  parley::media::dtmf::TelephoneEventReceiver receiver;
  (void)receiver.on_packet(a.timestamp, packet->payload);
}

void check_rtcp(std::span<const std::uint8_t> input) {
  auto packets = rtp::parse_rtcp_compound(input);
  if (!packets) return;
  std::erase_if(*packets, [](const rtp::RtcpPacket& p) { return std::holds_alternative<rtp::OtherRtcp>(p); });
  std::vector<std::uint8_t> rebuilt(input.size() + 2048);
  auto size = rtp::build_rtcp_compound(*packets, rebuilt);
  if (!size) return;  // e.g. an SDES CNAME the writer refuses
  auto again = rtp::parse_rtcp_compound(std::span(rebuilt).first(*size));
  if (!again || *again != *packets) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_rtp(input);
  check_rtcp(input);
  return 0;
}

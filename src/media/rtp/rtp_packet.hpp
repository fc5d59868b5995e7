#pragma once
// RTP fixed header, CSRCs, header extension and padding (RFC 3550 s5.1, s5.3.1): parse and build.
#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string_view>

namespace parley::media::rtp {

enum class RtpError {
  too_short,            // fewer than 12 octets
  bad_version,          // V != 2
  truncated_csrc,       // CC says more CSRCs than there are octets
  truncated_extension,  // X set but the extension runs past the end
  bad_padding,          // P set with a zero count or more padding than payload
  too_many_csrcs,       // build: more than 15
  bad_payload_type,     // build: above 127
  buffer_too_small,     // build: the output cannot hold the packet
};

std::string_view to_string(RtpError error) noexcept;

template <class T>
using RtpResult = std::expected<T, RtpError>;

inline constexpr std::size_t kRtpHeaderSize = 12;

struct RtpExtension {
  std::uint16_t profile = 0;          // "defined by profile" field, e.g. 0xBEDE for RFC 8285 one-byte headers
  std::span<const std::uint8_t> data;  // a multiple of 4 octets
};

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::uint8_t csrc_count = 0;
  std::array<std::uint32_t, 15> csrcs{};
  std::optional<RtpExtension> extension;
};

// A parsed packet; spans point into the caller's buffer.
struct RtpPacket {
  RtpHeader header;
  std::span<const std::uint8_t> payload;
  std::uint8_t padding = 0;
};

RtpResult<RtpPacket> parse_rtp(std::span<const std::uint8_t> packet) noexcept;
// Writes header + payload into `out` (no padding) and returns the packet length.
RtpResult<std::size_t> build_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                                 std::span<std::uint8_t> out) noexcept;

// RFC 5761 s4: with rtcp-mux, octet 1 in 192..223 (RTCP packet types 192-223) means RTCP.
bool is_rtcp(std::span<const std::uint8_t> packet) noexcept;

}  // namespace parley::media::rtp

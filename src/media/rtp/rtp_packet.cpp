#include "media/rtp/rtp_packet.hpp"

#include <algorithm>

#include "media/rtp/detail/bytes.hpp"

namespace parley::media::rtp {

using detail::read16;
using detail::read32;

std::string_view to_string(RtpError error) noexcept {
  switch (error) {
    case RtpError::too_short: return "too_short";
    case RtpError::bad_version: return "bad_version";
    case RtpError::truncated_csrc: return "truncated_csrc";
    case RtpError::truncated_extension: return "truncated_extension";
    case RtpError::bad_padding: return "bad_padding";
    case RtpError::too_many_csrcs: return "too_many_csrcs";
    case RtpError::bad_payload_type: return "bad_payload_type";
    case RtpError::buffer_too_small: return "buffer_too_small";
  }
  return "";
}

RtpResult<RtpPacket> parse_rtp(std::span<const std::uint8_t> packet) noexcept {
  // RFC 3550 s5.1: V(2) P(1) X(1) CC(4) | M(1) PT(7) | sequence(16) | timestamp(32) | SSRC(32) | CSRC list.
  if (packet.size() < kRtpHeaderSize) return std::unexpected(RtpError::too_short);
  const std::uint8_t* p = packet.data();
  if ((p[0] >> 6) != 2) return std::unexpected(RtpError::bad_version);
  RtpPacket out;
  auto& h = out.header;
  const bool padding = (p[0] & 0x20) != 0;
  const bool extension = (p[0] & 0x10) != 0;
  h.csrc_count = p[0] & 0x0F;
  h.marker = (p[1] & 0x80) != 0;
  h.payload_type = p[1] & 0x7F;
  h.sequence = read16(p + 2);
  h.timestamp = read32(p + 4);
  h.ssrc = read32(p + 8);
  std::size_t offset = kRtpHeaderSize;
  if (packet.size() < offset + 4u * h.csrc_count) return std::unexpected(RtpError::truncated_csrc);
  for (std::size_t i = 0; i < h.csrc_count; ++i, offset += 4) h.csrcs[i] = read32(p + offset);
  if (extension) {
    // RFC 3550 s5.3.1: 16-bit profile field, 16-bit length in 32-bit words, then the data.
    if (packet.size() < offset + 4) return std::unexpected(RtpError::truncated_extension);
    const std::uint16_t profile = read16(p + offset);
    const std::size_t length = 4u * read16(p + offset + 2);
    offset += 4;
    if (packet.size() < offset + length) return std::unexpected(RtpError::truncated_extension);
    h.extension = RtpExtension{profile, packet.subspan(offset, length)};
    offset += length;
  }
  std::size_t end = packet.size();
  if (padding) {
    // RFC 3550 s5.1: the last octet counts the padding octets, itself included.
    out.padding = p[end - 1];
    if (out.padding == 0 || out.padding > end - offset) return std::unexpected(RtpError::bad_padding);
    end -= out.padding;
  }
  out.payload = packet.subspan(offset, end - offset);
  return out;
}

RtpResult<std::size_t> build_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                                 std::span<std::uint8_t> out) noexcept {
  if (header.csrc_count > 15) return std::unexpected(RtpError::too_many_csrcs);
  if (header.payload_type > 127) return std::unexpected(RtpError::bad_payload_type);
  const std::size_t extension_size = header.extension ? 4 + header.extension->data.size() : 0;
  if (header.extension && header.extension->data.size() % 4 != 0) {
    return std::unexpected(RtpError::truncated_extension);
  }
  const std::size_t size = kRtpHeaderSize + 4u * header.csrc_count + extension_size + payload.size();
  if (out.size() < size) return std::unexpected(RtpError::buffer_too_small);
  std::uint8_t* p = out.data();
  p[0] = static_cast<std::uint8_t>(0x80 | (header.extension ? 0x10 : 0) | header.csrc_count);
  p[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | header.payload_type);
  detail::write16(p + 2, header.sequence);
  detail::write32(p + 4, header.timestamp);
  detail::write32(p + 8, header.ssrc);
  std::size_t offset = kRtpHeaderSize;
  for (std::size_t i = 0; i < header.csrc_count; ++i, offset += 4) detail::write32(p + offset, header.csrcs[i]);
  if (header.extension) {
    detail::write16(p + offset, header.extension->profile);
    detail::write16(p + offset + 2, static_cast<std::uint16_t>(header.extension->data.size() / 4));
    std::ranges::copy(header.extension->data, p + offset + 4);
    offset += extension_size;
  }
  std::ranges::copy(payload, p + offset);
  return size;
}

bool is_rtcp(std::span<const std::uint8_t> packet) noexcept {
  return packet.size() >= 2 && packet[1] >= 192 && packet[1] <= 223;
}

}  // namespace parley::media::rtp

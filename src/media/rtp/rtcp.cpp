#include "media/rtp/rtcp.hpp"

#include <algorithm>

#include "media/rtp/detail/bytes.hpp"

namespace parley::media::rtp {
namespace {

using detail::read16;
using detail::read32;
using detail::write16;
using detail::write32;

// RFC 3550 s12.1 packet types.
constexpr std::uint8_t kSr = 200;
constexpr std::uint8_t kRr = 201;
constexpr std::uint8_t kSdes = 202;
constexpr std::uint8_t kBye = 203;
constexpr std::uint8_t kSdesCname = 1;
constexpr std::size_t kBlockSize = 24;
constexpr std::size_t kSenderInfoSize = 20;

std::unexpected<core::Error> malformed(std::string what) {
  return core::fail(core::Errc::invalid_argument, "RTCP: " + std::move(what), "rtcp");
}

ReportBlock read_block(const std::uint8_t* p) {
  ReportBlock b;
  b.ssrc = read32(p);
  b.fraction_lost = p[4];
  // 24-bit two's complement.
  const std::uint32_t raw = (std::uint32_t{p[5]} << 16) | (std::uint32_t{p[6]} << 8) | p[7];
  b.cumulative_lost = static_cast<std::int32_t>(raw << 8) >> 8;
  b.extended_highest_sequence = read32(p + 8);
  b.jitter = read32(p + 12);
  b.lsr = read32(p + 16);
  b.dlsr = read32(p + 20);
  return b;
}

void write_block(std::uint8_t* p, const ReportBlock& b) {
  write32(p, b.ssrc);
  p[4] = b.fraction_lost;
  const auto lost = static_cast<std::uint32_t>(std::clamp(b.cumulative_lost, -0x800000, 0x7FFFFF)) & 0xFFFFFF;
  p[5] = static_cast<std::uint8_t>(lost >> 16);
  p[6] = static_cast<std::uint8_t>(lost >> 8);
  p[7] = static_cast<std::uint8_t>(lost);
  write32(p + 8, b.extended_highest_sequence);
  write32(p + 12, b.jitter);
  write32(p + 16, b.lsr);
  write32(p + 20, b.dlsr);
}

core::Result<std::vector<ReportBlock>> read_blocks(std::span<const std::uint8_t> body, std::size_t count) {
  if (body.size() < count * kBlockSize) return malformed("report blocks run past the packet");
  std::vector<ReportBlock> blocks;
  for (std::size_t i = 0; i < count; ++i) blocks.push_back(read_block(body.data() + i * kBlockSize));
  return blocks;
}

core::Result<RtcpPacket> parse_one(std::uint8_t type, std::uint8_t count, std::span<const std::uint8_t> body) {
  switch (type) {
    case kSr: {
      if (body.size() < 4 + kSenderInfoSize) return malformed("SR too short");
      SenderReport sr;
      sr.ssrc = read32(body.data());
      sr.ntp_timestamp = (std::uint64_t{read32(body.data() + 4)} << 32) | read32(body.data() + 8);
      sr.rtp_timestamp = read32(body.data() + 12);
      sr.packet_count = read32(body.data() + 16);
      sr.octet_count = read32(body.data() + 20);
      auto blocks = read_blocks(body.subspan(4 + kSenderInfoSize), count);
      if (!blocks) return std::unexpected(blocks.error());
      sr.blocks = std::move(*blocks);
      return sr;
    }
    case kRr: {
      if (body.size() < 4) return malformed("RR too short");
      auto blocks = read_blocks(body.subspan(4), count);
      if (!blocks) return std::unexpected(blocks.error());
      return ReceiverReport{read32(body.data()), std::move(*blocks)};
    }
    case kSdes: {
      // RFC 3550 s6.5: chunks of SSRC + items, each chunk ends with a null item and 32-bit alignment.
      SourceDescription sdes;
      if (count == 0) return sdes;
      if (body.size() < 4) return malformed("SDES too short");
      sdes.ssrc = read32(body.data());
      for (std::size_t at = 4; at < body.size() && body[at] != 0;) {
        if (at + 2 > body.size() || at + 2 + body[at + 1] > body.size()) return malformed("SDES item runs past");
        if (body[at] == kSdesCname) {
          sdes.cname.assign(reinterpret_cast<const char*>(body.data() + at + 2), body[at + 1]);
        }
        at += 2 + body[at + 1];
      }
      return sdes;
    }
    case kBye: {
      if (body.size() < 4u * count) return malformed("BYE lists more SSRCs than it holds");
      Goodbye bye;
      for (std::size_t i = 0; i < count; ++i) bye.ssrcs.push_back(read32(body.data() + 4 * i));
      return bye;
    }
    default:
      return OtherRtcp{type};
  }
}

// Writes the common header: V=2, P=0, count, type, length in 32-bit words minus one.
void write_header(std::uint8_t* p, std::uint8_t count, std::uint8_t type, std::size_t size) {
  p[0] = static_cast<std::uint8_t>(0x80 | count);
  p[1] = type;
  write16(p + 2, static_cast<std::uint16_t>(size / 4 - 1));
}

struct Writer {
  std::span<std::uint8_t> out;

  core::Result<std::size_t> operator()(const SenderReport& sr) const {
    const std::size_t size = 8 + kSenderInfoSize + kBlockSize * sr.blocks.size();
    if (sr.blocks.size() > 31) return malformed("more than 31 report blocks");
    if (out.size() < size) return malformed("output buffer too small");
    write_header(out.data(), static_cast<std::uint8_t>(sr.blocks.size()), kSr, size);
    write32(out.data() + 4, sr.ssrc);
    write32(out.data() + 8, static_cast<std::uint32_t>(sr.ntp_timestamp >> 32));
    write32(out.data() + 12, static_cast<std::uint32_t>(sr.ntp_timestamp));
    write32(out.data() + 16, sr.rtp_timestamp);
    write32(out.data() + 20, sr.packet_count);
    write32(out.data() + 24, sr.octet_count);
    for (std::size_t i = 0; i < sr.blocks.size(); ++i) write_block(out.data() + 28 + i * kBlockSize, sr.blocks[i]);
    return size;
  }
  core::Result<std::size_t> operator()(const ReceiverReport& rr) const {
    const std::size_t size = 8 + kBlockSize * rr.blocks.size();
    if (rr.blocks.size() > 31) return malformed("more than 31 report blocks");
    if (out.size() < size) return malformed("output buffer too small");
    write_header(out.data(), static_cast<std::uint8_t>(rr.blocks.size()), kRr, size);
    write32(out.data() + 4, rr.ssrc);
    for (std::size_t i = 0; i < rr.blocks.size(); ++i) write_block(out.data() + 8 + i * kBlockSize, rr.blocks[i]);
    return size;
  }
  core::Result<std::size_t> operator()(const SourceDescription& sdes) const {
    if (sdes.cname.size() > 255) return malformed("CNAME longer than 255 octets");
    // header + SSRC + CNAME item + null terminator, padded to 32 bits (RFC 3550 s6.5).
    const std::size_t size = (8 + 2 + sdes.cname.size() + 1 + 3) / 4 * 4;
    if (out.size() < size) return malformed("output buffer too small");
    std::fill_n(out.data(), size, std::uint8_t{0});
    write_header(out.data(), 1, kSdes, size);
    write32(out.data() + 4, sdes.ssrc);
    out[8] = kSdesCname;
    out[9] = static_cast<std::uint8_t>(sdes.cname.size());
    std::ranges::copy(sdes.cname, out.data() + 10);
    return size;
  }
  core::Result<std::size_t> operator()(const Goodbye& bye) const {
    const std::size_t size = 4 + 4 * bye.ssrcs.size();
    if (bye.ssrcs.size() > 31) return malformed("more than 31 SSRCs in BYE");
    if (out.size() < size) return malformed("output buffer too small");
    write_header(out.data(), static_cast<std::uint8_t>(bye.ssrcs.size()), kBye, size);
    for (std::size_t i = 0; i < bye.ssrcs.size(); ++i) write32(out.data() + 4 + 4 * i, bye.ssrcs[i]);
    return size;
  }
  core::Result<std::size_t> operator()(const OtherRtcp&) const {
    return core::fail(core::Errc::unsupported, "RTCP: cannot build an unknown packet type", "rtcp");
  }
};

}  // namespace

core::Result<std::vector<RtcpPacket>> parse_rtcp_compound(std::span<const std::uint8_t> data) {
  std::vector<RtcpPacket> packets;
  std::size_t offset = 0;
  while (offset < data.size()) {
    if (data.size() - offset < 4) return malformed("truncated header");
    const std::uint8_t* p = data.data() + offset;
    if ((p[0] >> 6) != 2) return malformed("version is not 2");
    const std::size_t size = 4u * (read16(p + 2) + 1u);
    if (size > data.size() - offset) return malformed("length runs past the datagram");
    const bool padding = (p[0] & 0x20) != 0;
    const bool last = offset + size == data.size();
    if (padding && !last) return malformed("padding before the last packet");
    if (packets.empty() && p[1] != kSr && p[1] != kRr) return malformed("compound must start with SR or RR");
    std::size_t body_size = size - 4;
    if (padding) {
      const std::uint8_t pad = p[size - 1];
      if (pad == 0 || pad > body_size) return malformed("bad padding count");
      body_size -= pad;
    }
    auto packet = parse_one(p[1], p[0] & 0x1F, data.subspan(offset + 4, body_size));
    if (!packet) return std::unexpected(packet.error());
    packets.push_back(std::move(*packet));
    offset += size;
  }
  if (packets.empty()) return malformed("empty datagram");
  return packets;
}

core::Result<std::size_t> build_rtcp_compound(std::span<const RtcpPacket> packets, std::span<std::uint8_t> out) {
  std::size_t offset = 0;
  for (const auto& packet : packets) {
    auto written = std::visit(Writer{out.subspan(offset)}, packet);
    if (!written) return written;
    offset += *written;
  }
  return offset;
}

}  // namespace parley::media::rtp

#include "media/rtp/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "media/rtp/rtp_sender.hpp"

namespace parley::media::rtp {
namespace {

TEST(RtpPacket, ParsesAHandWrittenPacketWithCsrcExtensionAndPadding) {
  const std::vector<std::uint8_t> bytes{
      0xB2, 0x80 | 96, 0x12, 0x34,  // V=2 P=1 X=1 CC=2 | M=1 PT=96 | seq 0x1234
      0xDE, 0xAD, 0xBE, 0xEF,       // timestamp
      0x01, 0x02, 0x03, 0x04,       // SSRC
      0x00, 0x00, 0x00, 0x0A,       // CSRC 1
      0x00, 0x00, 0x00, 0x0B,       // CSRC 2
      0xBE, 0xDE, 0x00, 0x01,       // extension profile, 1 word
      0x10, 0xAA, 0x00, 0x00,       // extension data
      0x55, 0x66, 0x77,             // payload
      0x00, 0x00, 0x03,             // 3 octets of padding
  };
  auto packet = parse_rtp(bytes);
  ASSERT_TRUE(packet) << to_string(packet.error());
  const auto& h = packet->header;
  EXPECT_TRUE(h.marker);
  EXPECT_EQ(h.payload_type, 96);
  EXPECT_EQ(h.sequence, 0x1234);
  EXPECT_EQ(h.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(h.ssrc, 0x01020304u);
  ASSERT_EQ(h.csrc_count, 2);
  EXPECT_EQ(h.csrcs[1], 0x0Bu);
  ASSERT_TRUE(h.extension);
  EXPECT_EQ(h.extension->profile, 0xBEDE);
  EXPECT_EQ(h.extension->data.size(), 4u);
  EXPECT_EQ(packet->padding, 3);
  EXPECT_EQ(std::vector<std::uint8_t>(packet->payload.begin(), packet->payload.end()),
            (std::vector<std::uint8_t>{0x55, 0x66, 0x77}));
}

TEST(RtpPacket, BuildThenParseRoundTrips) {
  RtpHeader h;
  h.marker = true;
  h.payload_type = 8;
  h.sequence = 65535;
  h.timestamp = 123456;
  h.ssrc = 0xCAFEBABE;
  h.csrc_count = 1;
  h.csrcs[0] = 77;
  const std::vector<std::uint8_t> ext{1, 2, 3, 4, 5, 6, 7, 8};
  h.extension = RtpExtension{0x1000, ext};
  const std::vector<std::uint8_t> payload(160, 0xD5);
  std::vector<std::uint8_t> out(300);
  auto size = build_rtp(h, payload, out);
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 12u + 4 + 12 + 160);
  auto parsed = parse_rtp(std::span(out).first(*size));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->header.sequence, 65535);
  EXPECT_EQ(parsed->header.csrcs[0], 77u);
  EXPECT_TRUE(std::ranges::equal(parsed->header.extension->data, ext));
  EXPECT_TRUE(std::ranges::equal(parsed->payload, payload));
  EXPECT_EQ(build_rtp(h, payload, std::span(out).first(50)).error(), RtpError::buffer_too_small);
  h.payload_type = 200;
  EXPECT_EQ(build_rtp(h, payload, out).error(), RtpError::bad_payload_type);
}

struct Bad {
  std::vector<std::uint8_t> bytes;
  RtpError error;
};

class RtpPacketRejects : public ::testing::TestWithParam<Bad> {};

TEST_P(RtpPacketRejects, Precisely) {
  auto packet = parse_rtp(GetParam().bytes);
  ASSERT_FALSE(packet);
  EXPECT_EQ(packet.error(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RtpPacketRejects,
    ::testing::Values(Bad{{0x80, 0, 0, 1}, RtpError::too_short},
                      Bad{{0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, RtpError::bad_version},
                      Bad{{0x83, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, RtpError::truncated_csrc},
                      Bad{{0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE}, RtpError::truncated_extension},
                      Bad{{0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 2, 0, 0, 0, 0},
                          RtpError::truncated_extension},
                      Bad{{0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, RtpError::bad_padding},
                      Bad{{0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9}, RtpError::bad_padding}));

TEST(RtpPacket, RtcpDemultiplexing) {
  const std::vector<std::uint8_t> rr{0x80, 201, 0, 1, 0, 0, 0, 1};
  const std::vector<std::uint8_t> pcmu{0x80, 0, 0, 1};
  const std::vector<std::uint8_t> marker_pt_72{0x80, 0x80 | 72, 0, 1};  // RTP PT 72 with M=1 looks like 200
  EXPECT_TRUE(is_rtcp(rr));
  EXPECT_FALSE(is_rtcp(pcmu));
  EXPECT_TRUE(is_rtcp(marker_pt_72));  // RFC 5761 s4: why PTs 64-95 must not be used with mux
}

TEST(RtpSender, MarksTalkSpurtsAndWrapsCounters) {
  RtpSender sender(0x11223344, 0, 160, 65534, 0xFFFFFF00);
  const std::vector<std::uint8_t> payload(160, 0xFF);
  std::vector<std::uint8_t> out(200);
  std::vector<RtpHeader> sent;
  auto send = [&] {
    auto size = sender.build_audio(payload, out);
    ASSERT_TRUE(size);
    sent.push_back(parse_rtp(std::span(out).first(*size))->header);
  };
  send();
  send();
  sender.skip_frame();  // silence
  send();
  auto event = sender.build(101, sender.timestamp(), true, std::vector<std::uint8_t>{1, 0x0A, 0, 160}, out);
  ASSERT_TRUE(event);
  EXPECT_EQ(sent[0].sequence, 65534);
  EXPECT_EQ(sent[1].sequence, 65535);
  EXPECT_EQ(sent[2].sequence, 0);
  EXPECT_TRUE(sent[0].marker);
  EXPECT_FALSE(sent[1].marker);
  EXPECT_TRUE(sent[2].marker);
  EXPECT_EQ(sent[1].timestamp, 0xFFFFFFA0u);
  EXPECT_EQ(sent[2].timestamp, 0xFFFFFF00u + 3 * 160);  // wrapped past 2^32, one frame skipped
  EXPECT_EQ(parse_rtp(std::span(out).first(*event))->header.sequence, 1);
  EXPECT_EQ(sender.packet_count(), 4u);
  EXPECT_EQ(sender.octet_count(), 3u * 160 + 4);
}

}  // namespace
}  // namespace parley::media::rtp

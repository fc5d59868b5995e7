#include "media/rtp/rtcp.hpp"

#include <gtest/gtest.h>

#include "media/rtp/mos.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/receive_statistics.hpp"

namespace parley::media::rtp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Rtcp, CompoundSrSdesByeRoundTrip) {
  SenderReport sr{0x1111, 0xE1234567'89ABCDEFULL, 160000, 1000, 160000,
                  {ReportBlock{0x2222, 25, -3, 70000, 42, 0x45678901, 65536}}};
  SourceDescription sdes{0x1111, "parley@192.0.2.10"};
  Goodbye bye{{0x1111}};
  const std::vector<RtcpPacket> packets{sr, sdes, bye};
  std::vector<std::uint8_t> out(512);
  auto size = build_rtcp_compound(packets, out);
  ASSERT_TRUE(size) << size.error().message;
  EXPECT_EQ(*size % 4, 0u);
  auto parsed = parse_rtcp_compound(std::span(out).first(*size));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ(std::get<SenderReport>((*parsed)[0]), sr);
  EXPECT_EQ(std::get<SourceDescription>((*parsed)[1]), sdes);
  EXPECT_EQ(std::get<Goodbye>((*parsed)[2]), bye);
}

TEST(Rtcp, ReceiverReportAndUnknownTypes) {
  ReceiverReport rr{0x3333, {ReportBlock{1, 0, 0x7FFFFF, 5, 6, 7, 8}, ReportBlock{2, 255, -0x800000, 9, 10, 11, 12}}};
  std::vector<std::uint8_t> out(256);
  auto size = build_rtcp_compound(std::vector<RtcpPacket>{rr}, out);
  ASSERT_TRUE(size);
  // Append an APP packet (type 204, one word of body) by hand.
  const std::vector<std::uint8_t> app{0x80, 204, 0, 1, 0, 0, 0, 9};
  std::copy(app.begin(), app.end(), out.begin() + static_cast<std::ptrdiff_t>(*size));
  auto parsed = parse_rtcp_compound(std::span(out).first(*size + app.size()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<ReceiverReport>((*parsed)[0]), rr);
  EXPECT_EQ(std::get<OtherRtcp>((*parsed)[1]).packet_type, 204);
}

struct BadRtcp {
  std::vector<std::uint8_t> bytes;
  const char* message;
};

class RtcpRejects : public ::testing::TestWithParam<BadRtcp> {};

TEST_P(RtcpRejects, WithAReason) {
  auto parsed = parse_rtcp_compound(GetParam().bytes);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find(GetParam().message), std::string::npos) << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RtcpRejects,
    ::testing::Values(BadRtcp{{}, "empty datagram"}, BadRtcp{{0x80, 201}, "truncated header"},
                      BadRtcp{{0x40, 201, 0, 1, 0, 0, 0, 1}, "version is not 2"},
                      BadRtcp{{0x80, 202, 0, 1, 0, 0, 0, 1}, "must start with SR or RR"},
                      BadRtcp{{0x80, 201, 0, 5, 0, 0, 0, 1}, "length runs past"},
                      BadRtcp{{0x81, 201, 0, 1, 0, 0, 0, 1}, "report blocks run past"},
                      BadRtcp{{0xA0, 201, 0, 1, 0, 0, 0, 1, 0x80, 203, 0, 0}, "padding before the last"},
                      BadRtcp{{0x80, 200, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0}, "SR too short"}));

TEST(ReceiveStatistics, CountsLossAndFractionPerInterval) {
  ReceiveStatistics stats(8000);
  std::uint16_t seq = 65500;  // wraps during the test
  std::uint32_t ts = 0;
  auto arrival = microseconds(0);
  int sent = 0;
  for (int i = 0; i < 100; ++i, ++seq, ts += 160, arrival += milliseconds(20)) {
    ++sent;
    if (i % 10 == 5) continue;  // lose 10 %
    stats.on_packet(seq, ts, arrival);
  }
  EXPECT_EQ(stats.cumulative_lost(), 10);
  auto block = stats.make_report_block(0xABCD, 0, 0);
  EXPECT_EQ(block.cumulative_lost, 10);
  EXPECT_EQ(block.fraction_lost, 10 * 256 / 99);  // 99 expected after the first packet's probation
  EXPECT_EQ(block.extended_highest_sequence, 65536u + static_cast<std::uint16_t>(seq - 1));
  EXPECT_EQ(block.jitter, 0u);  // perfectly paced
  // Next interval without loss: fraction 0, cumulative unchanged.
  for (int i = 0; i < 50; ++i, ++seq, ts += 160, arrival += milliseconds(20)) stats.on_packet(seq, ts, arrival);
  block = stats.make_report_block(0xABCD, 0, 0);
  EXPECT_EQ(block.fraction_lost, 0);
  EXPECT_EQ(block.cumulative_lost, 10);
}

TEST(ReceiveStatistics, JitterConvergesToTheArrivalDeviation) {
  // Arrivals alternate 10 ms early/late around a 20 ms pace: |D| = 20 ms = 160 units each packet,
  // so the A.8 estimate converges to 160.
  ReceiveStatistics stats(8000);
  std::uint32_t ts = 1000;
  for (int i = 0; i < 400; ++i, ts += 160) {
    const auto offset = milliseconds(i % 2 == 0 ? 10 : -10);
    stats.on_packet(static_cast<std::uint16_t>(i), ts, milliseconds(20 * i + 100) + offset);
  }
  EXPECT_NEAR(stats.jitter(), 160.0, 2.0);
  EXPECT_NEAR(stats.jitter_ms(), 20.0, 0.3);
}

TEST(SequenceTracker, ProbationAndRestartAfterAJump) {
  SequenceTracker tracker;
  EXPECT_FALSE(tracker.update(100));  // first packet: probation
  EXPECT_TRUE(tracker.update(101));
  EXPECT_TRUE(tracker.update(103));
  EXPECT_TRUE(tracker.update(102));  // reordered: counted, max unchanged
  EXPECT_EQ(tracker.extended_max(), 103u);
  EXPECT_FALSE(tracker.update(40000));  // wild jump
  EXPECT_TRUE(tracker.update(40001));   // ...confirmed: source restarted
  EXPECT_EQ(tracker.base(), 40001u);
  EXPECT_EQ(tracker.received(), 1u);
}

TEST(Ntp, RoundTripFromLsrAndDlsr) {
  const auto sent = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  const std::uint64_t sr_ntp = to_ntp(sent);
  EXPECT_EQ(sr_ntp >> 32, 1'700'000'000ULL + 2'208'988'800ULL);
  // The peer held our SR for 250 ms; the report arrives 330 ms after we sent the SR: RTT 80 ms.
  const ReportBlock block{1, 0, 0, 0, 0, ntp_middle32(sr_ntp), 65536 / 4};
  auto rtt = round_trip_time(block, to_ntp(sent + milliseconds(330)));
  ASSERT_TRUE(rtt);
  EXPECT_NEAR(static_cast<double>(rtt->count()), 80'000.0, 50.0);
  EXPECT_FALSE(round_trip_time(ReportBlock{}, sr_ntp));
  EXPECT_FALSE(round_trip_time(block, to_ntp(sent + milliseconds(100))));  // negative
}

TEST(Mos, FollowsTheDocumentedEModel) {
  // Clean: d = 20 ms -> Id = 0.48, R = 92.72 -> MOS = 1 + 3.2452 + 7e-6*92.72*32.72*7.28 = 4.4007.
  EXPECT_NEAR(r_factor({}), 92.72, 1e-9);
  EXPECT_NEAR(estimate_mos({}), 4.4007, 1e-3);
  // 5 % loss on G.711: Ie_eff = 95 * 5 / 30.1 = 15.781.
  EXPECT_NEAR(r_factor({.loss_fraction = 0.05}), 92.72 - 15.781, 1e-3);
  // Long delay adds the 0.11 term: rtt 400 -> d = 220 -> Id = 5.28 + 4.697.
  EXPECT_NEAR(r_factor({.rtt_ms = 400}), 93.2 - 5.28 - 0.11 * (220 - 177.3), 1e-9);
  EXPECT_GT(estimate_mos({.loss_fraction = 0.01}), estimate_mos({.loss_fraction = 0.05}));
  EXPECT_GT(estimate_mos({.jitter_ms = 5}), estimate_mos({.jitter_ms = 60}));
  EXPECT_LT(estimate_mos({.loss_fraction = 0.02, .codec = kG729Impairment}), estimate_mos({.loss_fraction = 0.02}));
  EXPECT_EQ(mos_from_r(-5), 1.0);
  EXPECT_EQ(mos_from_r(120), 4.5);
}

}  // namespace
}  // namespace parley::media::rtp

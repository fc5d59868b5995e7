// The media session's pure parts: the absolute-time frame clock, RTP latching, the outgoing queue,
// config parsing and the RTCP schedule/RTT.
#include <gtest/gtest.h>

#include <random>

#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp.hpp"
#include "media/session/detail/audio_queue.hpp"
#include "media/session/detail/frame_clock.hpp"
#include "media/session/detail/rtcp_reporter.hpp"
#include "media/session/detail/source_latch.hpp"
#include "media/session/session_config.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using detail::FrameClock;

TEST(FrameClock, AnHourOfLateWakeUpsDoesNotDrift) {
  // A fake clock: every wake-up comes 0-15 ms after the deadline it asked for (a busy I/O thread).
  const FrameClock::Clock::time_point start{};
  FrameClock clock(start, 20ms);
  std::mt19937 random(7);
  std::uniform_int_distribution<int> late_us(0, 15000);
  std::uint64_t produced = 0, skipped = 0, expected_next = 0;
  constexpr std::uint64_t kHour = 3600 * 50;
  while (clock.next_frame() < kHour) {
    const auto wake = clock.next_deadline() + std::chrono::microseconds(late_us(random));
    const auto due = clock.advance(wake);
    ASSERT_EQ(due.first, expected_next);
    expected_next = due.first + due.count;
    produced += due.count;
    skipped += due.skipped;
  }
  EXPECT_EQ(produced, kHour);  // one frame per 20 ms of the hour, none lost to lateness under 20 ms
  EXPECT_EQ(skipped, 0u);
  EXPECT_EQ(clock.next_deadline() - start, 3600s);  // the schedule is still exactly on the hour
}

TEST(FrameClock, EarlyWakeUpProducesNothingAndLongStallsSkip) {
  const FrameClock::Clock::time_point start{};
  FrameClock clock(start, 20ms, 5);
  EXPECT_EQ(clock.advance(start).count, 1u);  // frame 0 is due at the start
  EXPECT_EQ(clock.advance(start + 19ms).count, 0u);
  const auto burst = clock.advance(start + 60ms);  // frames 1, 2, 3
  EXPECT_EQ(burst.first, 1u);
  EXPECT_EQ(burst.count, 3u);
  const auto stall = clock.advance(start + 1000ms);  // frames 4..50: only the last five are made
  EXPECT_EQ(stall.skipped, 42u);
  EXPECT_EQ(stall.first, 46u);
  EXPECT_EQ(stall.count, 5u);
  EXPECT_EQ(clock.next_deadline(), start + 1020ms);
}

TEST(SourceLatch, LatchesSignalledOrExpectedSourceThenDropsOthers) {
  using Endpoint = detail::SourceLatch::Endpoint;
  const Endpoint signalled(boost::asio::ip::make_address("192.0.2.1"), 4000);
  const Endpoint nat(boost::asio::ip::make_address("198.51.100.7"), 31000);
  const Endpoint other(boost::asio::ip::make_address("203.0.113.9"), 5000);
  detail::SourceLatch latch;
  latch.reset(signalled, 0, 101);
  EXPECT_EQ(latch.destination(), signalled);
  EXPECT_EQ(latch.check(other, 13), detail::SourceLatch::Verdict::drop);   // unexpected payload type
  EXPECT_EQ(latch.check(signalled, 13), detail::SourceLatch::Verdict::latch);
  EXPECT_EQ(latch.check(nat, 0), detail::SourceLatch::Verdict::latch);     // NAT: expected payload type
  latch.latch(nat);
  EXPECT_EQ(latch.check(nat, 0), detail::SourceLatch::Verdict::accept);
  EXPECT_EQ(latch.check(signalled, 0), detail::SourceLatch::Verdict::drop);
  EXPECT_EQ(latch.check(other, 101), detail::SourceLatch::Verdict::drop);
  EXPECT_EQ(latch.destination(), nat);  // symmetric RTP: answer where the media comes from
  latch.reset(other, 8, std::nullopt);
  EXPECT_FALSE(latch.latched());
  EXPECT_EQ(latch.check(nat, 0), detail::SourceLatch::Verdict::drop);
}

TEST(AudioQueue, GrowsToTheCapPadsTheTailAndClears) {
  detail::AudioQueue queue(1000, 100);
  std::vector<std::int16_t> ramp(700);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<std::int16_t>(i);
  EXPECT_EQ(queue.push(ramp), 700u);
  EXPECT_EQ(queue.push(ramp), 300u);  // capped
  std::vector<std::int16_t> out(320);
  EXPECT_EQ(queue.pop(out), 320u);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[319], 319);
  EXPECT_EQ(queue.pop(out), 320u);
  EXPECT_EQ(queue.pop(out), 320u);
  EXPECT_EQ(out[0], 640);
  EXPECT_EQ(out[60], 0);  // the second push starts here
  EXPECT_EQ(queue.pop(out), 40u);
  EXPECT_EQ(out[39], 299);
  EXPECT_EQ(out[40], 0);  // padded
  queue.push(ramp);
  queue.clear();
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.pop(out), 0u);
}

TEST(SessionConfig, ParsesModes) {
  EXPECT_EQ(parse_test_mode("echo")->kind, TestModeKind::echo);
  EXPECT_EQ(parse_test_mode("none")->kind, TestModeKind::none);
  const auto play = parse_test_mode("play:/tmp/a b.wav");
  ASSERT_TRUE(play);
  EXPECT_EQ(play->kind, TestModeKind::play);
  EXPECT_EQ(play->play_file, "/tmp/a b.wav");
  EXPECT_FALSE(parse_test_mode("play:"));
  EXPECT_FALSE(parse_test_mode("loop"));
  EXPECT_EQ(*parse_dtmf_mode("inband"), DtmfMode::inband);
  EXPECT_EQ(*parse_dtmf_mode("rfc2833"), DtmfMode::rfc2833);
  EXPECT_FALSE(parse_dtmf_mode("tones"));
}

TEST(RtcpReporter, IntervalIsRandomizedAroundFiveSecondsAndRttComesFromTheBlock) {
  using Clock = detail::RtcpReporter::Clock;
  const Clock::time_point t0{};
  detail::RtcpReporter reporter(0x11223344, "parley-test", t0);
  // RFC 3550 s6.2/s6.3.1: first report within [0.5, 1.5] x 2.5 s / (e - 1.5).
  EXPECT_FALSE(reporter.due(t0 + 1020ms));
  EXPECT_TRUE(reporter.due(t0 + 3080ms));
  std::array<std::uint8_t, 512> out{};
  Clock::time_point now = t0 + 3080ms;
  double total_s = 0;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(reporter.build(now, 0, {1000, 10, 1600}, std::nullopt, false, out));
    Clock::time_point next = now;
    while (!reporter.due(next)) next += 10ms;
    const double gap = std::chrono::duration<double>(next - now).count();
    EXPECT_GE(gap, 2.0);  // 5 x 0.5 / 1.218
    EXPECT_LE(gap, 6.2);  // 5 x 1.5 / 1.218
    total_s += gap;
    now = next;
  }
  EXPECT_NEAR(total_s / 50, 5.0 / 1.21828, 0.5);

  // The peer reflects our SR: LSR = the SR's middle bits, DLSR = 100 ms; it arrives 250 ms after the SR.
  const std::uint64_t sr_ntp = std::uint64_t{3'900'000'000} << 32;
  rtp::ReportBlock block;
  block.ssrc = 0x11223344;
  block.lsr = rtp::ntp_middle32(sr_ntp);
  block.dlsr = 65536 / 10;
  const std::array<rtp::RtcpPacket, 1> rr{rtp::ReceiverReport{0x55667788, {block}}};
  const auto size = rtp::build_rtcp_compound(rr, out);
  ASSERT_TRUE(size);
  const std::uint64_t arrival = sr_ntp + (std::uint64_t{1} << 32) / 4;
  ASSERT_TRUE(reporter.on_packet(std::span(out).first(*size), now, arrival));
  ASSERT_TRUE(reporter.rtt_ms());
  EXPECT_NEAR(*reporter.rtt_ms(), 150.0, 0.1);
  EXPECT_FALSE(reporter.on_packet(std::array<std::uint8_t, 3>{1, 2, 3}, now, arrival));
}

}  // namespace
}  // namespace parley::media::session

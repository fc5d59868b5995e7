// The 20 ms clock on a real timer, barge-in flushing, and RTCP round-trip time.
#include <gtest/gtest.h>

#include "audio_test_util.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp.hpp"
#include "session_peer_test_util.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using test::RtpPeer;
using test::SessionHarness;
using Clock = std::chrono::steady_clock;

TEST(SessionPacing, FramesFollowTheWallClock) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open({});
  peer.set_target(session.local_rtp_port());
  std::vector<std::uint64_t> numbers;
  numbers.reserve(400);
  session.set_audio_sink([&](std::span<const std::int16_t> frame, std::uint64_t frame_no) {
    EXPECT_EQ(frame.size(), kFrameSamples);
    numbers.push_back(frame_no);
  });
  const auto started = Clock::now();
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  h.run_for(4000ms);
  const auto elapsed = Clock::now() - started;
  session.stop();
  // Frame n is due at start + n x 20 ms: after 4 s, 200 frames (+1 for frame 0), give or take one tick.
  const auto expected = static_cast<double>(elapsed / 1ms) / kFrameMs + 1.0;
  EXPECT_NEAR(static_cast<double>(session.frames_played()), expected, 2.0);
  const auto late = session.quality().frames_late;
  EXPECT_EQ(numbers.size() + late, session.frames_played());
  for (std::size_t i = 1; i < numbers.size(); ++i) ASSERT_GT(numbers[i], numbers[i - 1]);
  // Every frame became one packet, with RTP timestamps 160 apart (8 kHz clock).
  ASSERT_GE(peer.packets.size(), numbers.size() - 2);
  for (std::size_t i = 1; i < peer.packets.size(); ++i) {
    ASSERT_EQ(peer.packets[i].header.timestamp - peer.packets[i - 1].header.timestamp,
              160u * (peer.packets[i].header.sequence - peer.packets[i - 1].header.sequence));
  }
}

TEST(SessionPacing, ClearOutgoingSilencesTheNextFrame) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open({});
  peer.set_target(session.local_rtp_port());
  constexpr std::uint64_t kBargeIn = 25;
  int queued_at_barge_in = -1;
  session.set_audio_sink([&](std::span<const std::int16_t>, std::uint64_t frame_no) {
    if (frame_no == kBargeIn) {
      queued_at_barge_in = session.outgoing_ms();
      session.clear_outgoing();
      EXPECT_EQ(session.outgoing_ms(), 0);
    }
  });
  EXPECT_EQ(session.enqueue_audio(test::tone(500.0, kSampleRate, kSampleRate * 5, 8000.0)), kSampleRate * 5u);
  EXPECT_EQ(session.outgoing_ms(), 5000);
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  h.run_for(1000ms);
  session.stop();
  EXPECT_EQ(queued_at_barge_in, 5000 - static_cast<int>(kBargeIn) * kFrameMs);
  ASSERT_GE(peer.audio.size(), 45 * kFrameSamples);
  // G.711 sends a packet per frame, so packet k carries frame k. The frame cleared in is silent but for
  // the few milliseconds the two 8 <-> 16 kHz resampling filters (ours and the peer's) still ring.
  for (std::size_t k = 0; k + 1 < 45; ++k) {
    const auto frame = std::span(peer.audio).subspan(k * kFrameSamples, kFrameSamples);
    if (k < kBargeIn) {
      ASSERT_GT(test::rms(frame), 4000.0) << "frame " << k;
    } else if (k == kBargeIn) {
      ASSERT_LT(test::rms(frame.subspan(kFrameSamples / 2)), 50.0) << "frame " << k;
    } else {
      ASSERT_LT(test::rms(frame), 50.0) << "frame " << k;
    }
  }
}

TEST(SessionRtcp, ReportsAndMeasuresRoundTripTime) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open({});
  peer.set_target(session.local_rtp_port());
  std::size_t sender_reports = 0;
  // The peer answers every SR with a report block that reflects it at once (DLSR 0).
  peer.on_rtcp = [&](std::span<const std::uint8_t> data) {
    const auto packets = rtp::parse_rtcp_compound(data);
    ASSERT_TRUE(packets);
    for (const auto& packet : *packets) {
      const auto* sr = std::get_if<rtp::SenderReport>(&packet);
      if (!sr) continue;
      ++sender_reports;
      rtp::ReportBlock block;
      block.ssrc = sr->ssrc;
      block.lsr = rtp::ntp_middle32(sr->ntp_timestamp);
      const std::array<rtp::RtcpPacket, 1> rr{rtp::ReceiverReport{0x5eed0001, {block}}};
      std::array<std::uint8_t, 256> out{};
      peer.send_raw(std::span(out).first(*rtp::build_rtcp_compound(rr, out)));
    }
  };
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  peer.stream(test::speech_like(kSampleRate, kSampleRate * 4));
  ASSERT_TRUE(h.run_until([&] { return session.quality().rtt_ms.has_value(); }, 4500ms));
  EXPECT_GE(sender_reports, 1u);
  EXPECT_GE(*session.quality().rtt_ms, 0.0);
  EXPECT_LT(*session.quality().rtt_ms, 50.0);  // loopback
}

}  // namespace
}  // namespace parley::media::session

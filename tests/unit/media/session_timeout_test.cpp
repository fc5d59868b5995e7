// Media timeout and hold: no RTP ends the call once; RTP keeps it alive; hold neither times out nor sends.
#include <gtest/gtest.h>

#include "audio_test_util.hpp"
#include "session_peer_test_util.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using test::RtpPeer;
using test::SessionHarness;
using Clock = std::chrono::steady_clock;

MediaSessionConfig one_second_timeout() {
  MediaSessionConfig config;
  config.media_timeout_s = 1;
  return config;
}

TEST(SessionTimeout, FiresOnceWithoutRtp) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open(one_second_timeout());
  std::vector<std::string> reasons;
  Clock::time_point fired;
  session.set_end_handler([&](std::string_view reason) {
    reasons.emplace_back(reason);
    fired = Clock::now();
  });
  const auto started = Clock::now();
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  ASSERT_TRUE(h.run_until([&] { return !reasons.empty(); }, 3000ms));
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(fired - started).count();
  EXPECT_GE(after, 1000);
  EXPECT_LE(after, 1500);
  h.run_for(1200ms);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], "media_timeout");
}

TEST(SessionTimeout, RtpKeepsTheCallAlive) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open(one_second_timeout());
  bool fired = false;
  session.set_end_handler([&](std::string_view) { fired = true; });
  peer.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  peer.stream(test::speech_like(kSampleRate, kSampleRate * 3));
  h.run_for(2500ms);
  EXPECT_FALSE(fired);
  EXPECT_GT(session.quality().packets_received, 100u);
}

TEST(SessionTimeout, HoldStopsTheTimeoutAndTheSending) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open(one_second_timeout());
  int fired = 0;
  session.set_end_handler([&](std::string_view) { ++fired; });
  peer.set_target(session.local_rtp_port());
  auto media = SessionHarness::media_for(peer);
  ASSERT_TRUE(session.start(media));
  peer.stream(test::speech_like(kSampleRate, kSampleRate / 2));
  h.run_for(500ms);
  ASSERT_GT(peer.packets.size(), 20u);

  // re-INVITE with a=sendonly from the peer: we answer recvonly and stop sending (RFC 3264 s8.4).
  auto held = media;
  held.direction = sdp::Direction::recvonly;
  held.remote_hold = true;
  ASSERT_TRUE(session.update(held));
  h.run_for(20ms);  // a packet already in flight
  const auto sent_before_hold = peer.packets.size();
  h.run_for(2000ms);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(peer.packets.size(), sent_before_hold);

  // Resume: sending restarts at once; with no RTP the timeout counts again from the resume.
  const auto resumed_at = Clock::now();
  ASSERT_TRUE(session.update(media));
  Clock::time_point fired_at;
  session.set_end_handler([&](std::string_view) {
    ++fired;
    fired_at = Clock::now();
  });
  ASSERT_TRUE(h.run_until([&] { return fired > 0; }, 3000ms));
  EXPECT_GE(fired_at - resumed_at, 1000ms);
  EXPECT_GT(peer.packets.size(), sent_before_hold + 40);
  EXPECT_TRUE(peer.packets[sent_before_hold].header.marker);  // RFC 3551 s4.1: a talk spurt starts after the gap
}

}  // namespace
}  // namespace parley::media::session

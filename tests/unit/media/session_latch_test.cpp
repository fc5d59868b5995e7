// Symmetric RTP latching on real sockets: a second source is ignored; behind NAT the first source
// with the negotiated payload type is taken and answered.
#include <gtest/gtest.h>

#include "audio_test_util.hpp"
#include "session_peer_test_util.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using test::RtpPeer;
using test::SessionHarness;

TEST(SessionLatch, IgnoresASecondSource) {
  SessionHarness h;
  RtpPeer caller(h.io, "PCMU");
  RtpPeer intruder(h.io, "PCMU", 0xbadbad);
  MediaSessionConfig config;
  config.test_mode.kind = TestModeKind::echo;
  auto session = h.open(config);
  caller.set_target(session.local_rtp_port());
  intruder.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(caller)));
  const auto speech = test::speech_like(kSampleRate, kSampleRate * 2);
  caller.stream(speech);
  h.run_for(300ms);
  intruder.stream(test::tone(1000.0, kSampleRate, kSampleRate * 3 / 2, 12000.0));  // RTP bleed from another call
  h.run_for(1900ms);
  session.stop();

  const auto quality = session.quality();
  EXPECT_GE(quality.packets_foreign, intruder.frames_sent - 2);
  EXPECT_GE(intruder.frames_sent, 60u);
  EXPECT_LE(quality.packets_received, caller.frames_sent);
  EXPECT_GE(quality.packets_received, caller.frames_sent - 2);
  EXPECT_TRUE(intruder.packets.empty());  // nothing is ever sent to the intruder
  // What comes back is the caller's speech, not the intruder's tone.
  const auto ref = std::span(speech).subspan(kSampleRate / 2, kSampleRate);
  EXPECT_GE(test::max_normalized_xcorr(ref, std::span(caller.audio).subspan(kSampleRate / 2), kSampleRate / 4), 0.95);
}

TEST(SessionLatch, BehindNatAnswersWhereTheMediaComesFrom) {
  SessionHarness h;
  RtpPeer signalled(h.io, "PCMU");  // what SDP says; nothing will be sent from here
  RtpPeer natted(h.io, "PCMU", 0x7a7);
  MediaSessionConfig config;
  config.test_mode.kind = TestModeKind::echo;
  auto session = h.open(config);
  natted.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(signalled)));
  h.run_for(200ms);
  const auto before_latch = signalled.packets.size();
  EXPECT_GT(before_latch, 5u);  // until a packet arrives, RTP goes to the signalled address
  natted.stream(test::speech_like(kSampleRate, kSampleRate));
  h.run_for(1200ms);
  session.stop();
  EXPECT_LE(signalled.packets.size(), before_latch + 1);
  EXPECT_GE(natted.packets.size(), 45u);
  EXPECT_EQ(session.quality().packets_foreign, 0u);
}

}  // namespace
}  // namespace parley::media::session

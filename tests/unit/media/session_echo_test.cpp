// Echo test mode over real UDP sockets: what a peer sends comes back, per codec, with SRTP, and
// across a codec change by re-INVITE.
#include <gtest/gtest.h>

#include "audio_test_util.hpp"
#include "session_peer_test_util.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using test::RtpPeer;
using test::SessionHarness;

// The bound is the normalized cross-correlation of sent vs returned audio after two encode/decode
// passes (peer -> session -> peer). Waveform codecs keep it near 1 (measured here: PCMU/PCMA 1.00,
// G722 0.98). Opus is perceptual: two passes of the codec alone, without any network, give 0.56 on this
// signal (one pass 0.85), and the session measured 0.59, so its bound only proves the audio came back.
struct EchoCase {
  const char* codec;
  double min_correlation;
};

class SessionEcho : public ::testing::TestWithParam<EchoCase> {};

// 2.5 s of speech-like audio goes out; 1 s from its middle must come back, delayed by the jitter buffer.
TEST_P(SessionEcho, ReturnsTheCallersAudio) {
  SessionHarness h;
  RtpPeer peer(h.io, GetParam().codec);
  MediaSessionConfig config;
  config.test_mode.kind = TestModeKind::echo;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  const auto speech = test::speech_like(kSampleRate, kSampleRate * 5 / 2);
  peer.stream(speech);
  h.run_for(2800ms);
  session.stop();

  ASSERT_GT(peer.audio.size(), speech.size() / 2);
  const auto ref = std::span(speech).subspan(kSampleRate / 2, kSampleRate);
  std::size_t lag = 0;
  const double r = test::max_normalized_xcorr(ref, std::span(peer.audio).subspan(kSampleRate / 2), kSampleRate / 4, &lag);
  EXPECT_GE(r, GetParam().min_correlation) << "lag " << lag * 1000 / kSampleRate << " ms";
  EXPECT_LE(lag * 1000 / kSampleRate, 200u);  // jitter buffer (40-60 ms) plus codec delay
  const auto quality = session.quality();
  EXPECT_GE(quality.packets_received, peer.frames_sent - 2);
  EXPECT_EQ(quality.packets_lost, 0u);
  EXPECT_EQ(quality.packets_foreign, 0u);
  EXPECT_GT(quality.mos_estimate, 4.0);
  EXPECT_LT(quality.jitter_buffer_delay_ms, 80.0);
}

INSTANTIATE_TEST_SUITE_P(Codecs, SessionEcho,
                         ::testing::Values(EchoCase{"PCMU", 0.95}, EchoCase{"PCMA", 0.95}, EchoCase{"G722", 0.9},
                                           EchoCase{"opus", 0.45}),
                         [](const auto& info) { return std::string(info.param.codec); });

TEST(SessionEchoSrtp, ProtectsBothWays) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.test_mode.kind = TestModeKind::echo;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());
  auto media = SessionHarness::media_for(peer);
  media.srtp = sdp::SrtpKeys{srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, 1, std::string(30, 'L'), std::string(30, 'R')};
  // The peer's outbound key is the session's remote key and the other way round.
  peer.set_srtp(*srtp::make_srtp_streams({srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, 1, std::string(30, 'R'),
                                          std::string(30, 'L')}));
  ASSERT_TRUE(session.start(media));
  const auto speech = test::speech_like(kSampleRate, kSampleRate * 2);
  peer.stream(speech);
  h.run_for(2300ms);
  session.stop();
  ASSERT_GT(peer.audio.size(), speech.size() / 2);
  const auto ref = std::span(speech).subspan(kSampleRate / 2, kSampleRate);
  EXPECT_GE(test::max_normalized_xcorr(ref, std::span(peer.audio).subspan(kSampleRate / 2), kSampleRate / 4), 0.95);
  EXPECT_EQ(session.quality().packets_invalid, 0u);
}

TEST(SessionEchoSrtp, WrongKeyIsDroppedAndNotLatched) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.test_mode.kind = TestModeKind::echo;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());
  auto media = SessionHarness::media_for(peer);
  media.srtp = sdp::SrtpKeys{srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, 1, std::string(30, 'L'), std::string(30, 'R')};
  peer.set_srtp(*srtp::make_srtp_streams({srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, 1, std::string(30, 'X'),
                                          std::string(30, 'L')}));
  ASSERT_TRUE(session.start(media));
  peer.stream(test::speech_like(kSampleRate, kSampleRate / 2));
  h.run_for(700ms);
  const auto quality = session.quality();
  EXPECT_EQ(quality.packets_received, 0u);
  EXPECT_GE(quality.packets_invalid, 20u);
}

TEST(SessionUpdate, CodecChangeByReinviteKeepsTheEcho) {
  SessionHarness h;
  RtpPeer narrow(h.io, "PCMU");
  MediaSessionConfig config;
  config.test_mode.kind = TestModeKind::echo;
  auto session = h.open(config);
  narrow.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(narrow)));
  narrow.stream(test::speech_like(kSampleRate, kSampleRate));
  h.run_for(1100ms);
  ASSERT_GT(narrow.audio.size(), kSampleRate / 2u);

  // re-INVITE: the peer moves to another port and G.722.
  RtpPeer wide(h.io, "G722", 0x5eed0002);
  wide.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.update(SessionHarness::media_for(wide)));
  const auto speech = test::speech_like(kSampleRate, kSampleRate * 2);
  wide.stream(speech);
  h.run_for(2200ms);
  session.stop();
  ASSERT_FALSE(wide.packets.empty());
  for (const auto& packet : wide.packets) ASSERT_EQ(packet.header.payload_type, 9);
  EXPECT_EQ(wide.packets.front().header.ssrc, narrow.packets.front().header.ssrc);  // same stream, RFC 3550 s5.1
  EXPECT_EQ(static_cast<std::uint16_t>(narrow.packets.back().header.sequence + 1), wide.packets.front().header.sequence);
  const auto ref = std::span(speech).subspan(kSampleRate / 2, kSampleRate);
  EXPECT_GE(test::max_normalized_xcorr(ref, std::span(wide.audio).subspan(kSampleRate / 4), kSampleRate / 2), 0.9);
}

}  // namespace
}  // namespace parley::media::session

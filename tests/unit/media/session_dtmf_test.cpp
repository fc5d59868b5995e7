// DTMF through a live session: RFC 4733 events in and out, inband tones in and out, SIP INFO refused.
#include <gtest/gtest.h>

#include "audio_test_util.hpp"
#include "media/dsp/resampler.hpp"
#include "media/dtmf/inband_detector.hpp"
#include "media/dtmf/inband_generator.hpp"
#include "media/dtmf/telephone_event_receiver.hpp"
#include "media/dtmf/telephone_event_sender.hpp"
#include "session_peer_test_util.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using test::RtpPeer;
using test::SessionHarness;

std::vector<std::int16_t> resample(std::span<const std::int16_t> in, int from, int to) {
  auto resampler = dsp::Resampler::create(from, to);
  std::vector<std::int16_t> out(in.size() * static_cast<std::size_t>(to) / static_cast<std::size_t>(from) + 64);
  out.resize(resampler->process(in, out));
  return out;
}

void send_digit(RtpPeer& peer, char digit, std::uint32_t timestamp) {
  const auto packets = dtmf::telephone_event_packets(digit, 100);
  for (const auto& packet : *packets) {
    std::array<std::uint8_t, dtmf::kTelephoneEventSize> payload{};
    dtmf::write_telephone_event(packet.event, payload);
    std::array<std::uint8_t, 64> out{};
    const auto size = *peer.sender().build(101, timestamp, packet.marker, payload, out);
    peer.send_raw(std::span(out).first(size));
  }
}

TEST(SessionDtmf, Rfc4733DigitsArriveOnce) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open({});
  peer.set_target(session.local_rtp_port());
  std::vector<dtmf::Dtmf> digits;
  session.set_dtmf_sink([&](const dtmf::Dtmf& digit) { digits.push_back(digit); });
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  send_digit(peer, '1', 16000);
  send_digit(peer, '1', 16000);  // a retransmitted event is the same digit
  h.run_for(100ms);
  send_digit(peer, '#', 17600);
  send_digit(peer, '1', 19200);  // the same key pressed again is a new digit (new timestamp)
  h.run_for(1500ms);              // longer than the quiet time after which an open event is flushed
  session.stop();
  ASSERT_EQ(digits.size(), 3u);
  EXPECT_EQ(digits[0], (dtmf::Dtmf{'1', 100}));
  EXPECT_EQ(digits[1], (dtmf::Dtmf{'#', 100}));
  EXPECT_EQ(digits[2], (dtmf::Dtmf{'1', 100}));
}

TEST(SessionDtmf, SendsRfc4733Events) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  auto session = h.open({});
  peer.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  h.run_for(100ms);
  ASSERT_TRUE(session.send_dtmf('5', 120));
  ASSERT_TRUE(session.send_dtmf('9', 60));
  h.run_for(600ms);
  session.stop();
  dtmf::TelephoneEventReceiver receiver;
  std::vector<dtmf::Dtmf> digits;
  std::optional<std::uint16_t> last_sequence;
  std::size_t events = 0;
  for (const auto& packet : peer.packets) {
    if (last_sequence) {
      EXPECT_EQ(packet.header.sequence, static_cast<std::uint16_t>(*last_sequence + 1));
    }
    last_sequence = packet.header.sequence;
    if (packet.header.payload_type != 101) continue;
    ++events;
    const auto done = receiver.on_packet(packet.header.timestamp, packet.payload);
    for (const auto& digit : done.view()) digits.push_back(digit);
  }
  ASSERT_EQ(digits.size(), 2u);
  EXPECT_EQ(digits[0], (dtmf::Dtmf{'5', 120}));
  EXPECT_EQ(digits[1], (dtmf::Dtmf{'9', 60}));
  EXPECT_EQ(events, 8u + 5u);  // updates every 20 ms, then the end packet three times (RFC 4733 s2.5.1.4)
}

TEST(SessionDtmf, InbandTonesAreDetected) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.dtmf_mode = DtmfMode::inband;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());
  std::string digits;
  session.set_dtmf_sink([&](const dtmf::Dtmf& digit) { digits += digit.digit; });
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  auto tones = *dtmf::generate_dtmf("42*", 100, 100);
  tones.resize(tones.size() + 1600);  // trailing silence ends the last tone
  peer.stream(resample(tones, 8000, kSampleRate));
  ASSERT_TRUE(h.run_until([&] { return digits.size() >= 3; }, 2000ms));
  h.run_for(200ms);
  EXPECT_EQ(digits, "42*");
}

TEST(SessionDtmf, SendsInbandTones) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.dtmf_mode = DtmfMode::inband;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  ASSERT_TRUE(session.send_dtmf('7', 120));
  h.run_for(500ms);
  session.stop();
  for (const auto& packet : peer.packets) EXPECT_EQ(packet.header.payload_type, 0);
  auto detector = dtmf::InbandDtmfDetector::create();
  detector->process(resample(peer.audio, kSampleRate, 8000));
  const auto digit = detector->next_digit();
  ASSERT_TRUE(digit);
  EXPECT_EQ(digit->digit, '7');
  EXPECT_FALSE(detector->next_digit());
}

TEST(SessionDtmf, SipInfoModeLeavesDtmfToTheDialog) {
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.dtmf_mode = DtmfMode::sip_info;
  auto session = h.open(config);
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  const auto sent = session.send_dtmf('1', 100);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, core::Errc::unsupported);
}

}  // namespace
}  // namespace parley::media::session

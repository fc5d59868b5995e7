#include "media/srtp/srtp_session.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "media/rtp/rtcp.hpp"
#include "media/rtp/rtp_packet.hpp"

namespace parley::media::srtp {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// libsrtp2's own known-answer packet (test/srtp_driver.c, srtp_validate): AES_CM_128_HMAC_SHA1_80,
// SSRC 0xcafebabe, seq 0x1234, 16 octets of 0xab.
const std::string kKey = bytes({0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41,
                                0x39, 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6});
const std::vector<std::uint8_t> kPlain{0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab,
                                       0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab};
const std::vector<std::uint8_t> kCipher{0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0x4e,
                                        0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15, 0x94, 0x9d,
                                        0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb};

TEST(SrtpSession, MatchesLibsrtpKnownAnswerPacket) {
  auto sender = SrtpSession::create(SrtpSuite::aes_cm_128_hmac_sha1_80, kKey, SrtpDirection::outbound);
  ASSERT_TRUE(sender) << sender.error().message;
  std::vector<std::uint8_t> buffer = kPlain;
  buffer.resize(kPlain.size() + sender->rtp_overhead());
  auto length = sender->protect_rtp(buffer, kPlain.size());
  ASSERT_TRUE(length);
  EXPECT_EQ(*length, kCipher.size());
  EXPECT_EQ(buffer, kCipher);

  auto receiver = SrtpSession::create(SrtpSuite::aes_cm_128_hmac_sha1_80, kKey, SrtpDirection::inbound);
  ASSERT_TRUE(receiver);
  std::vector<std::uint8_t> packet = kCipher;
  auto plain = receiver->unprotect_rtp(packet);
  ASSERT_TRUE(plain);
  packet.resize(*plain);
  EXPECT_EQ(packet, kPlain);
}

class SrtpSuites : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(SrtpSuites, RoundTripTamperAndReplay) {
  const std::string key(30, '\x42');
  auto tx = SrtpSession::create(GetParam(), key, SrtpDirection::outbound);
  auto rx = SrtpSession::create(GetParam(), key, SrtpDirection::inbound);
  ASSERT_TRUE(tx && rx);
  const std::size_t tag = GetParam() == SrtpSuite::aes_cm_128_hmac_sha1_80 ? 10 : 4;
  EXPECT_EQ(tx->rtp_overhead(), tag);

  std::vector<std::vector<std::uint8_t>> wire;
  for (std::uint16_t seq = 0; seq < 5; ++seq) {
    rtp::RtpHeader header;
    header.sequence = seq;
    header.timestamp = seq * 160u;
    header.ssrc = 0x12345678;
    const std::vector<std::uint8_t> payload(160, static_cast<std::uint8_t>(seq));
    std::vector<std::uint8_t> buffer(200);
    const auto plain = *rtp::build_rtp(header, payload, buffer);
    auto protected_length = tx->protect_rtp(buffer, plain);
    ASSERT_TRUE(protected_length);
    EXPECT_EQ(*protected_length, plain + tag);
    EXPECT_NE(std::vector<std::uint8_t>(buffer.begin() + 12, buffer.begin() + 172), payload);  // encrypted
    buffer.resize(*protected_length);
    wire.push_back(buffer);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    auto packet = wire[i];
    auto plain = rx->unprotect_rtp(packet);
    ASSERT_TRUE(plain) << to_string(plain.error());
    EXPECT_EQ(*plain, 172u);
    EXPECT_EQ(packet[12], i);
  }
  auto replayed = wire[2];
  EXPECT_EQ(rx->unprotect_rtp(replayed).error(), SrtpError::replay);
  auto tampered = wire[4];
  tampered[20] ^= 0x01;
  EXPECT_EQ(rx->unprotect_rtp(tampered).error(), SrtpError::auth_failed);
  auto genuine = wire[4];
  EXPECT_TRUE(rx->unprotect_rtp(genuine));  // the failed attempt did not poison the stream

  std::vector<std::uint8_t> small(20);
  EXPECT_EQ(tx->protect_rtp(small, 18).error(), SrtpError::buffer_too_small);
}

INSTANTIATE_TEST_SUITE_P(Suites, SrtpSuites,
                         ::testing::Values(SrtpSuite::aes_cm_128_hmac_sha1_80, SrtpSuite::aes_cm_128_hmac_sha1_32));

TEST(SrtpSession, RtcpRoundTripAndTamper) {
  sdp::SrtpKeys keys{SrtpSuite::aes_cm_128_hmac_sha1_32, 1, std::string(30, 'a'), std::string(30, 'b')};
  auto ours = make_srtp_streams(keys);
  auto theirs = make_srtp_streams({keys.suite, 1, keys.remote_key, keys.local_key});
  ASSERT_TRUE(ours && theirs);
  const rtp::RtcpPacket rr = rtp::ReceiverReport{0x1111, {rtp::ReportBlock{0x2222, 3, 4, 5, 6, 7, 8}}};
  std::vector<std::uint8_t> buffer(128);
  const auto plain = *rtp::build_rtcp_compound(std::span(&rr, 1), buffer);
  auto length = ours->outbound.protect_rtcp(buffer, plain);
  ASSERT_TRUE(length);
  EXPECT_EQ(*length, plain + 14);  // E+index and an 80-bit tag
  buffer.resize(*length);
  auto tampered = buffer;
  tampered[10] ^= 0x80;
  EXPECT_EQ(theirs->inbound.unprotect_rtcp(tampered).error(), SrtpError::auth_failed);
  auto unprotected = theirs->inbound.unprotect_rtcp(buffer);
  ASSERT_TRUE(unprotected);
  auto parsed = rtp::parse_rtcp_compound(std::span(buffer).first(*unprotected));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<rtp::ReceiverReport>((*parsed)[0]).blocks[0].ssrc, 0x2222u);
}

TEST(SrtpSession, RejectsWrongKeyLength) {
  auto session = SrtpSession::create(SrtpSuite::aes_cm_128_hmac_sha1_80, "short", SrtpDirection::outbound);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, core::Errc::invalid_argument);
}

}  // namespace
}  // namespace parley::media::srtp

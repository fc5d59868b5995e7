#include "media/sdp/offer_answer.hpp"

#include <gtest/gtest.h>

#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"

namespace parley::media::sdp {
namespace {

const LocalEndpoint kLocal{AddressType::ip4, "192.0.2.10", 20000, "42", "1", "parley"};

SessionDescription offer_with(std::string_view media_lines, std::string_view session_c = "c=IN IP4 198.51.100.7\r\n") {
  std::string text = "v=0\r\no=- 7 7 IN IP4 198.51.100.7\r\ns=-\r\n";
  text += session_c;
  text += "t=0 0\r\n";
  text += media_lines;
  auto sdp = parse_sdp(text);
  EXPECT_TRUE(sdp) << (sdp ? "" : sdp.error().message);
  return sdp ? *sdp : SessionDescription{};
}

TEST(OfferAnswer, AnswersCarrierOfferWithPcmuAndMirroredTelephoneEvent) {
  const auto offer = offer_with(
      "m=audio 16218 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer) << answer.error().message;
  const auto& media = answer->media;
  EXPECT_EQ(media.remote_address, "198.51.100.7");
  EXPECT_EQ(media.remote_rtp_port, 16218);
  EXPECT_EQ(media.remote_rtcp_port, 16219);
  EXPECT_FALSE(media.rtcp_mux);
  EXPECT_EQ(media.codec.name, "PCMU");
  EXPECT_EQ(media.codec.payload_type, 0);
  EXPECT_EQ(media.telephone_event_pt, 101);
  EXPECT_EQ(media.ptime_ms, 20);
  EXPECT_EQ(media.direction, Direction::sendrecv);
  EXPECT_FALSE(media.remote_hold);
  EXPECT_FALSE(media.srtp);

  const auto& m = answer->sdp.media.at(0);
  EXPECT_EQ(m.port, 20000);
  EXPECT_EQ(m.formats, (std::vector<std::string>{"0", "101"}));
  ASSERT_NE(m.fmtp(101), nullptr);
  EXPECT_EQ(*m.fmtp(101), "0-16");
  EXPECT_EQ(m.direction, Direction::sendrecv);
  EXPECT_EQ(answer->sdp.connection->address, "192.0.2.10");
  // The answer is valid SDP.
  auto reparsed = parse_sdp(write_sdp(answer->sdp));
  ASSERT_TRUE(reparsed) << reparsed.error().message;
  EXPECT_EQ(*reparsed, answer->sdp);
}

TEST(OfferAnswer, PrefersWidebandWhenOfferedUnlessConfiguredOff) {
  const auto offer = offer_with("m=audio 4000 RTP/AVP 0 9\r\n");
  auto wide = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->media.codec.name, "G722");
  EXPECT_EQ(wide->media.codec.clock_rate, 8000);

  OfferAnswerConfig narrow;
  narrow.prefer_wideband = false;
  auto first = answer_offer(offer, kLocal, narrow);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->media.codec.name, "PCMU");
}

TEST(OfferAnswer, OpusGetsTheTelephoneEventOfItsClockRate) {
  const auto offer = offer_with(
      "m=audio 4000 RTP/AVP 111 101 102\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1;usedtx=1\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=rtpmap:102 telephone-event/48000\r\na=ptime:40\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->media.codec.name, "opus");
  EXPECT_EQ(answer->media.codec.payload_type, 111);
  EXPECT_EQ(answer->media.codec.channels, 2);
  EXPECT_EQ(answer->media.codec.fmtp, "useinbandfec=1;usedtx=1");
  EXPECT_EQ(answer->media.telephone_event_pt, 102);
  EXPECT_EQ(answer->media.ptime_ms, 40);
  EXPECT_EQ(answer->sdp.media[0].ptime, 20);
}

struct DirectionCase {
  const char* offered;
  Direction answered;
  bool hold;
};

class OfferAnswerDirection : public ::testing::TestWithParam<DirectionCase> {};

TEST_P(OfferAnswerDirection, FollowsRfc3264Section6_1) {
  const auto offer = offer_with(std::string("m=audio 4000 RTP/AVP 0\r\na=") + GetParam().offered + "\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->sdp.media[0].direction, GetParam().answered);
  EXPECT_EQ(answer->media.direction, GetParam().answered);
  EXPECT_EQ(answer->media.remote_hold, GetParam().hold);
}

INSTANTIATE_TEST_SUITE_P(Cases, OfferAnswerDirection,
                         ::testing::Values(DirectionCase{"sendrecv", Direction::sendrecv, false},
                                           DirectionCase{"sendonly", Direction::recvonly, true},
                                           DirectionCase{"recvonly", Direction::sendonly, false},
                                           DirectionCase{"inactive", Direction::inactive, true}));

TEST(OfferAnswer, ZeroConnectionAddressIsHoldAndStopsSending) {
  const auto offer = offer_with("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 0.0.0.0\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->media.remote_hold);
  EXPECT_FALSE(sends(answer->media.direction));
  EXPECT_TRUE(receives(answer->media.direction));
}

TEST(OfferAnswer, NoCommonCodecMeans488) {
  const auto offer = offer_with("m=audio 4000 RTP/AVP 3 97\r\na=rtpmap:97 iLBC/8000\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_FALSE(answer);
  EXPECT_TRUE(is_not_acceptable_here(answer.error()));
  EXPECT_NE(answer.error().message.find("no common codec"), std::string::npos);
}

TEST(OfferAnswer, RejectsOtherStreamsWithPortZeroAndKeepsLineCount) {
  const auto offer = offer_with(
      "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\nm=audio 4000 RTP/AVP 8\r\nm=audio 4002 RTP/AVP 0\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->sdp.media.size(), 3u);
  EXPECT_EQ(answer->sdp.media[0].port, 0);
  EXPECT_EQ(answer->sdp.media[0].media, "video");
  EXPECT_EQ(answer->sdp.media[0].formats, (std::vector<std::string>{"96"}));
  EXPECT_EQ(answer->sdp.media[1].port, 20000);
  EXPECT_EQ(answer->sdp.media[2].port, 0);
  EXPECT_EQ(answer->media.codec.name, "PCMA");
  EXPECT_EQ(answer->media.remote_rtp_port, 4000);
  EXPECT_TRUE(parse_sdp(write_sdp(answer->sdp)));
}

TEST(OfferAnswer, RtcpMuxAndExplicitRtcpPort) {
  auto muxed = answer_offer(offer_with("m=audio 4000 RTP/AVP 0\r\na=rtcp-mux\r\n"), kLocal, {});
  ASSERT_TRUE(muxed);
  EXPECT_TRUE(muxed->media.rtcp_mux);
  EXPECT_EQ(muxed->media.remote_rtcp_port, 4000);
  EXPECT_TRUE(muxed->sdp.media[0].rtcp_mux);

  auto explicit_port = answer_offer(offer_with("m=audio 4000 RTP/AVP 0\r\na=rtcp:4555\r\n"), kLocal, {});
  ASSERT_TRUE(explicit_port);
  EXPECT_FALSE(explicit_port->media.rtcp_mux);
  EXPECT_EQ(explicit_port->media.remote_rtcp_port, 4555);
}

TEST(OfferAnswer, SdesOfferGetsOneCryptoLineWithAFreshKey) {
  const auto offer = offer_with(
      "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_256_CM_HMAC_SHA1_80 "
      "inline:8AbZePWwsKhLGX3GlXA+yHYPQ3cgraer/9DkFJYCOPZZy3o9wC0NIbIFYZfyHw==\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:VAzLKvoE3jG9cdH/AZsl/ZqWNXrUzyM4Gw6chrFr\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_TRUE(answer->media.srtp);
  EXPECT_EQ(answer->media.srtp->suite, srtp::SrtpSuite::aes_cm_128_hmac_sha1_32);
  EXPECT_EQ(answer->media.srtp->tag, 2u);
  EXPECT_EQ(answer->media.srtp->remote_key, *inline_key(offer.media[0].crypto[1]));
  EXPECT_EQ(answer->media.srtp->local_key.size(), 30u);
  const auto& m = answer->sdp.media[0];
  EXPECT_EQ(m.protocol, "RTP/SAVP");
  ASSERT_EQ(m.crypto.size(), 1u);
  EXPECT_EQ(m.crypto[0].tag, 2u);
  EXPECT_EQ(*inline_key(m.crypto[0]), answer->media.srtp->local_key);
  EXPECT_NE(answer->media.srtp->local_key, answer->media.srtp->remote_key);
}

TEST(OfferAnswer, SdesSkipsCryptoWithMkiOrSessionParameters) {
  const auto offer = offer_with(
      "m=audio 4000 RTP/SAVP 0\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:cJOJ7kxQjhFBp2fP6AYjs3vKw7CeBdWZCj0isbJv|2^20|1:4\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:cJOJ7kxQjhFBp2fP6AYjs3vKw7CeBdWZCj0isbJv UNENCRYPTED_SRTP\r\n"
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:VAzLKvoE3jG9cdH/AZsl/ZqWNXrUzyM4Gw6chrFr|2^31\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->media.srtp->tag, 3u);  // a lifetime alone is fine
}

TEST(OfferAnswer, SavpWithoutUsableCryptoMeans488) {
  const auto offer = offer_with("m=audio 4000 RTP/SAVP 0\r\na=crypto:1 F8_128_HMAC_SHA1_80 inline:QUJD\r\n");
  auto answer = answer_offer(offer, kLocal, {});
  ASSERT_FALSE(answer);
  EXPECT_TRUE(is_not_acceptable_here(answer.error()));
}

TEST(OfferAnswer, PlainRtpOfferIs488WhenTheTrunkRequiresSrtp) {
  const auto offer = offer_with("m=audio 4000 RTP/AVP 0\r\n");
  OfferAnswerConfig config;
  config.srtp_required = true;
  auto answer = answer_offer(offer, kLocal, config);
  ASSERT_FALSE(answer);
  EXPECT_TRUE(is_not_acceptable_here(answer.error()));
  config.srtp_required = false;
  EXPECT_TRUE(answer_offer(offer, kLocal, config));
}

TEST(OfferAnswer, OutboundOfferAnswerRoundTrip) {
  const auto offer = build_offer(kLocal, {}, true);
  auto offer_text = write_sdp(offer);
  auto parsed_offer = parse_sdp(offer_text);
  ASSERT_TRUE(parsed_offer) << parsed_offer.error().message;
  const auto& om = parsed_offer->media[0];
  EXPECT_EQ(om.protocol, "RTP/SAVP");
  EXPECT_EQ(om.payload_types(), (std::vector<int>{0, 8, 9, 96, 18, 97}));
  EXPECT_EQ(om.resolve(96)->encoding, "opus");
  EXPECT_EQ(om.crypto.size(), 2u);

  // The peer answers with its own endpoint and opus.
  OfferAnswerConfig peer;
  peer.codecs = {{"opus", 48000, 2, "useinbandfec=1"}, {"telephone-event", 8000, 1, "0-16"}};
  const LocalEndpoint remote{AddressType::ip4, "203.0.113.5", 30000, "9", "1", "peer"};
  auto answer = answer_offer(*parsed_offer, remote, peer);
  ASSERT_TRUE(answer) << answer.error().message;
  auto parsed_answer = parse_sdp(write_sdp(answer->sdp));
  ASSERT_TRUE(parsed_answer);

  auto media = process_answer(*parsed_offer, *parsed_answer);
  ASSERT_TRUE(media) << media.error().message;
  EXPECT_EQ(media->remote_address, "203.0.113.5");
  EXPECT_EQ(media->remote_rtp_port, 30000);
  EXPECT_TRUE(media->rtcp_mux);
  EXPECT_EQ(media->codec.name, "opus");
  EXPECT_EQ(media->codec.payload_type, 96);
  EXPECT_EQ(media->telephone_event_pt, 97);
  EXPECT_EQ(media->direction, Direction::sendrecv);
  ASSERT_TRUE(media->srtp);
  // Each side's local key is the other's remote key.
  EXPECT_EQ(media->srtp->local_key, answer->media.srtp->remote_key);
  EXPECT_EQ(media->srtp->remote_key, answer->media.srtp->local_key);
}

TEST(OfferAnswer, ProcessAnswerSeesRejectionAndOneWayStreams) {
  const auto offer = build_offer(kLocal, {}, false);
  auto rejected = parse_sdp("v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
                            "m=audio 0 RTP/AVP 0\r\n");
  ASSERT_TRUE(rejected);
  auto none = process_answer(offer, *rejected);
  ASSERT_FALSE(none);
  EXPECT_TRUE(is_not_acceptable_here(none.error()));

  auto recvonly = parse_sdp("v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
                            "m=audio 30000 RTP/AVP 8\r\na=recvonly\r\n");
  ASSERT_TRUE(recvonly);
  auto media = process_answer(offer, *recvonly);
  ASSERT_TRUE(media) << media.error().message;
  EXPECT_EQ(media->codec.name, "PCMA");
  EXPECT_EQ(media->direction, Direction::sendonly);
  EXPECT_FALSE(media->telephone_event_pt);
  EXPECT_EQ(media->remote_rtcp_port, 30001);
}

}  // namespace
}  // namespace parley::media::sdp

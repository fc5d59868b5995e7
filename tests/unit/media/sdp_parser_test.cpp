#include "media/sdp/sdp_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "media/sdp/sdp_writer.hpp"

namespace parley::media::sdp {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(PARLEY_TEST_DATA_DIR) + "/media/sdp/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(SdpParser, ParsesCarrierOfferAndWritesItBackByteForByte) {
  const auto text = golden("carrier_offer.sdp");
  ASSERT_FALSE(text.empty());
  auto sdp = parse_sdp(text);
  ASSERT_TRUE(sdp) << sdp.error().message;
  EXPECT_EQ(sdp->origin.username, "root");
  EXPECT_EQ(sdp->origin.session_id, "1830393823");
  EXPECT_EQ(sdp->session_name, "Twilio Media Gateway");
  ASSERT_TRUE(sdp->connection);
  EXPECT_EQ(sdp->connection->address, "54.172.60.1");
  ASSERT_EQ(sdp->media.size(), 1u);
  const auto& m = sdp->media[0];
  EXPECT_EQ(m.port, 16218);
  EXPECT_EQ(m.payload_types(), (std::vector<int>{0, 8, 101}));
  EXPECT_EQ(m.ptime, 20);
  EXPECT_EQ(m.maxptime, 150);
  EXPECT_EQ(m.direction, Direction::sendrecv);
  ASSERT_NE(m.fmtp(101), nullptr);
  EXPECT_EQ(*m.fmtp(101), "0-16");
  EXPECT_EQ(write_sdp(*sdp), text);
}

TEST(SdpParser, ParsesIpv6MediaConnectionRtcpMuxAndCrypto) {
  auto sdp = parse_sdp(golden("webrtc_like_offer.sdp"));
  ASSERT_TRUE(sdp) << sdp.error().message;
  EXPECT_EQ(sdp->origin.address_type, AddressType::ip6);
  EXPECT_EQ(sdp->direction, Direction::sendrecv);
  ASSERT_EQ(sdp->media.size(), 2u);
  const auto& audio = sdp->media[0];
  EXPECT_EQ(audio.protocol, "RTP/SAVP");
  EXPECT_EQ(sdp->effective_connection(audio)->address, "2001:db8::20");  // media c= wins
  EXPECT_EQ(sdp->effective_connection(sdp->media[1])->address, "2001:db8::10");
  ASSERT_TRUE(audio.rtcp);
  EXPECT_EQ(audio.rtcp->port, 40001);
  ASSERT_TRUE(audio.rtcp->connection);
  EXPECT_EQ(audio.rtcp->connection->address_type, AddressType::ip6);
  EXPECT_TRUE(audio.rtcp_mux);
  ASSERT_EQ(audio.crypto.size(), 2u);
  EXPECT_EQ(audio.crypto[0].tag, 1u);
  EXPECT_EQ(audio.crypto[0].suite, "AES_CM_128_HMAC_SHA1_80");
  auto key = inline_key(audio.crypto[0]);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 30u);
  EXPECT_EQ(audio.resolve(111)->channels, 2);
  EXPECT_EQ(audio.resolve(9)->encoding, "G722");  // static, no rtpmap
  ASSERT_EQ(audio.attributes.size(), 1u);
  EXPECT_EQ(audio.attributes[0].name, "ssrc");
  EXPECT_EQ(sdp->media[1].port, 0);
  // Writing and parsing again yields the same description.
  auto again = parse_sdp(write_sdp(*sdp));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *sdp);
}

TEST(SdpParser, StaticPayloadTypesResolveWithoutRtpmap) {
  auto sdp = parse_sdp("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 5004 RTP/AVP 0 8 9 18\n");
  ASSERT_TRUE(sdp) << sdp.error().message;
  const auto& m = sdp->media[0];
  EXPECT_EQ(m.resolve(0)->encoding, "PCMU");
  EXPECT_EQ(m.resolve(8)->encoding, "PCMA");
  EXPECT_EQ(m.resolve(9)->encoding, "G722");
  EXPECT_EQ(m.resolve(9)->clock_rate, 8000);
  EXPECT_EQ(m.resolve(18)->encoding, "G729");
  EXPECT_FALSE(m.resolve(96));
}

TEST(SdpParser, SessionDirectionAppliesUnlessMediaOverrides) {
  auto sdp = parse_sdp(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\na=sendonly\r\n"
      "m=audio 5004 RTP/AVP 0\r\nm=audio 5006 RTP/AVP 0\r\na=inactive\r\n");
  ASSERT_TRUE(sdp);
  EXPECT_EQ(sdp->effective_direction(sdp->media[0]), Direction::sendonly);
  EXPECT_EQ(sdp->effective_direction(sdp->media[1]), Direction::inactive);
}

struct Malformed {
  const char* sdp;
  const char* message;
};

class SdpParserRejects : public ::testing::TestWithParam<Malformed> {};

TEST_P(SdpParserRejects, WithAPreciseError) {
  auto sdp = parse_sdp(GetParam().sdp);
  ASSERT_FALSE(sdp);
  EXPECT_EQ(sdp.error().code, core::Errc::invalid_argument);
  EXPECT_NE(sdp.error().message.find(GetParam().message), std::string::npos) << sdp.error().message;
}

#define HEAD "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
INSTANTIATE_TEST_SUITE_P(
    Cases, SdpParserRejects,
    ::testing::Values(Malformed{"", "empty SDP"}, Malformed{"o=- 1 1 IN IP4 1.2.3.4\n", "line 1: SDP must start with v="},
                      Malformed{"v=1\n", "line 1: unsupported SDP version"},
                      Malformed{"v=0\ns=-\nt=0 0\n", "missing o= line"},
                      Malformed{"v=0\no=- 1 IN IP4 1.2.3.4\n", "line 2: malformed o= line"},
                      Malformed{"v=0\nhello\n", "line 2: expected '<type>=<value>'"},
                      Malformed{HEAD "c=IN IP4 300.1.1.1\n", "line 6: c= address is invalid"},
                      Malformed{HEAD "c=IN IP6 not-an-ip\n", "line 6: c= address is invalid"},
                      Malformed{HEAD "c=IN IPX 1.2.3.4\n", "unknown address type"},
                      Malformed{HEAD "m=audio 70000 RTP/AVP 0\n", "line 6: m= port is not a number"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP\n", "at least one format"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 0 200\n", "RTP format '200'"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 96\na=rtpmap:96 opus\n", "line 7: malformed a=rtpmap"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 96\na=rtpmap:96 opus/x\n", "malformed a=rtpmap"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 0\na=ptime:abc\n", "malformed a=ptime"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 0\na=rtcp:99999\n", "malformed a=rtcp"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80\n",
                                "line 7: a=crypto needs"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 0\nx=1\n", "unknown line type 'x'"},
                      Malformed{HEAD "m=audio 5004 RTP/AVP 0\n\na=sendrecv\n", "line 7: empty line"},
                      Malformed{"v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nt=0 0\nm=audio 5004 RTP/AVP 0\n",
                                "m-line 1 has no c= line"},
                      Malformed{"v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 1.2.3.4\n", "missing t= line"}));
#undef HEAD

TEST(SdpParser, RejectsOversizedInput) {
  auto sdp = parse_sdp(std::string(70000, 'a'));
  ASSERT_FALSE(sdp);
  EXPECT_EQ(sdp.error().code, core::Errc::too_large);
}

}  // namespace
}  // namespace parley::media::sdp

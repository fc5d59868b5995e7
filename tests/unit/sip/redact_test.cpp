// Credentials never reach a stored SIP trace: digest responses, URI passwords and SDES keys.
#include <gtest/gtest.h>

#include "sip/message/redact.hpp"

namespace parley::sip {
namespace {

TEST(Redact, DigestCredentialsKeepWhatDebuggingNeeds) {
  const std::string in =
      "REGISTER sip:example.test SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx\r\n"
      "Authorization: Digest username=\"alice\", realm=\"example.test\", nonce=\"abc\", uri=\"sip:example.test\",\r\n"
      " response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, cnonce=\"c1\", qop=auth, nc=00000001\r\n"
      "proxy-authorization:Digest username=\"bob\",response=\"ffff\"\r\n"
      "Content-Length: 0\r\n\r\n";
  const std::string out = redact_credentials(in);
  EXPECT_EQ(out.find("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(out.find("ffff"), std::string::npos);
  EXPECT_EQ(out.find("cnonce"), std::string::npos);
  EXPECT_EQ(out.find("nonce=\"abc\""), std::string::npos);
  EXPECT_NE(out.find("Authorization: Digest username=\"alice\", realm=\"example.test\", uri=\"sip:example.test\", "
                     "algorithm=MD5, qop=auth, response=\"[redacted]\"\r\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("proxy-authorization: Digest username=\"bob\", response=\"[redacted]\"\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.starts_with("REGISTER sip:example.test SIP/2.0\r\nVia:"));
  EXPECT_TRUE(out.ends_with("Content-Length: 0\r\n\r\n"));
}

TEST(Redact, OtherSchemesAndGarbageKeepNothing) {
  EXPECT_EQ(redact_credentials("Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n"), "Authorization: Basic [redacted]\r\n\r\n");
  EXPECT_EQ(redact_credentials("Authorization: ===\r\n\r\n"), "Authorization: [redacted]\r\n\r\n");
}

TEST(Redact, UriPasswordsAreMaskedButPortsAreNot) {
  const std::string out = redact_credentials(
      "INVITE sip:bob:hunter2@example.test SIP/2.0\r\nTo: <sips:bob:pw@example.test;transport=tls>\r\n"
      "Contact: <sip:10.0.0.1:5060>\r\nRoute: <sip:proxy.test:5070;lr>\r\n\r\n");
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  EXPECT_EQ(out.find(":pw@"), std::string::npos);
  EXPECT_NE(out.find("sip:bob:[redacted]@example.test SIP/2.0"), std::string::npos) << out;
  EXPECT_NE(out.find("<sips:bob:[redacted]@example.test;transport=tls>"), std::string::npos) << out;
  EXPECT_NE(out.find("<sip:10.0.0.1:5060>"), std::string::npos);
  EXPECT_NE(out.find("<sip:proxy.test:5070;lr>"), std::string::npos);
}

TEST(Redact, SdesKeysInTheBody) {
  const std::string out = redact_credentials(
      "INVITE sip:x@y SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n"
      "v=0\r\nm=audio 4000 RTP/SAVP 0\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4 KDR=1\r\n"
      "a=key-mgmt:mikey AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAJAAAAAA\r\na=rtpmap:0 PCMU/8000\r\n");
  EXPECT_EQ(out.find("WVNfX19zZW1jdGwg"), std::string::npos);
  EXPECT_EQ(out.find("AQAFgM0X"), std::string::npos);
  EXPECT_NE(out.find("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[redacted]|2^20|1:4 KDR=1\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("a=key-mgmt:[redacted]\r\na=rtpmap:0 PCMU/8000\r\n"), std::string::npos) << out;
}

TEST(Redact, LeavesEverythingElseByteForByte) {
  const std::string in =
      "SIP/2.0 401 Unauthorized\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\n"
      "Content-Length: 4\n\nabcd";
  EXPECT_EQ(redact_credentials(in), in);
}

}  // namespace
}  // namespace parley::sip

#include <gtest/gtest.h>

#include <vector>

#include "core/crypto.hpp"

using namespace parley::core;

TEST(Crypto, Sha256KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha1MatchesTwilioOracleVector) {
  // Vector produced by the official twilio npm library (shared/notes §9).
  std::string data = "https://example.invalid/voice?x=1CallSidCA123From+15551234567";
  EXPECT_EQ(base64_encode(hmac_sha1("12345", data)), "BSKhamlhiCbj8LnPcJRRz1F92ns=");
}

TEST(Crypto, Md5ForDigest) { EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e"); }

TEST(Crypto, Base64RoundTripAndRejectsGarbage) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto enc = base64_encode(s);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, s);
  }
  EXPECT_FALSE(base64_decode("abc").has_value());
  EXPECT_FALSE(base64_decode("a*b=").has_value());
}

TEST(Crypto, SecretBoxSealsAndDetectsTampering) {
  SecretBox box(std::string(32, 'k'));
  auto sealed = box.seal("auth-token-123");
  EXPECT_EQ(sealed.find("auth-token-123"), std::string::npos);
  EXPECT_NE(box.seal("auth-token-123"), sealed) << "nonce must be random";
  auto opened = box.open(sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "auth-token-123");

  auto raw = base64_decode(sealed.substr(3)).value();
  raw[raw.size() / 2] ^= 1;
  EXPECT_FALSE(box.open("v1:" + base64_encode(raw)).has_value());
  EXPECT_FALSE(SecretBox(std::string(32, 'x')).open(sealed).has_value());
  EXPECT_FALSE(box.open("garbage").has_value());
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

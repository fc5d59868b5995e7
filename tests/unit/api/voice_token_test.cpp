// Browser voice session tokens: bound to one session, signed with the daemon's key, expiring.
#include <gtest/gtest.h>

#include "api/voice_token.hpp"

using namespace parley::api;

TEST(VoiceToken, AcceptsItsOwnTokenUntilItExpires) {
  const std::string key(32, 'k');
  auto token = issue_voice_token(key, "session_abc", 1000);
  EXPECT_EQ(check_voice_token(key, token, "session_abc", 999), VoiceTokenCheck::ok);
  EXPECT_EQ(check_voice_token(key, token, "session_abc", 1000), VoiceTokenCheck::ok);
  EXPECT_EQ(check_voice_token(key, token, "session_abc", 1001), VoiceTokenCheck::expired);
}

TEST(VoiceToken, RefusesOtherSessionsKeysAndTampering) {
  const std::string key(32, 'k');
  auto token = issue_voice_token(key, "session_abc", 1000);
  EXPECT_EQ(check_voice_token(key, token, "session_abd", 0), VoiceTokenCheck::forged);
  EXPECT_EQ(check_voice_token(std::string(32, 'x'), token, "session_abc", 0), VoiceTokenCheck::forged);
  auto later = "2000" + token.substr(token.find('.'));  // a longer life under the same signature
  EXPECT_EQ(check_voice_token(key, later, "session_abc", 0), VoiceTokenCheck::forged);
  auto flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(check_voice_token(key, flipped, "session_abc", 0), VoiceTokenCheck::forged);
  // An expired token that is also forged says forged: expiry is only news for a genuine token.
  EXPECT_EQ(check_voice_token(key, flipped, "session_abc", 5000), VoiceTokenCheck::forged);
}

TEST(VoiceToken, MalformedTokens) {
  const std::string key(32, 'k');
  auto sig = issue_voice_token(key, "s", 1000).substr(5);
  for (std::string bad : {std::string(), std::string("1000"), std::string("1000."), "." + sig, "x1000." + sig,
                          "-5." + sig, "0." + sig, "1000." + sig + "0", "1000." + sig.substr(1),
                          std::string(25, '9') + "." + sig}) {
    EXPECT_EQ(check_voice_token(key, bad, "s", 0), VoiceTokenCheck::malformed) << bad;
  }
}

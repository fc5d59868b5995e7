#include <gtest/gtest.h>

#include "call/e164.hpp"

using namespace parley::call;

TEST(E164, AcceptsSeedExamples) {
  for (const char* n : {"+14155551234", "+18005551234", "+442071838750", "+61212345678", "+919876543210"}) {
    auto r = parse_e164(n);
    ASSERT_TRUE(r.has_value()) << n << ": " << r.error().message;
    EXPECT_EQ(r->e164, n);
  }
  EXPECT_EQ(parse_e164("+442071838750")->region, "GB");
  EXPECT_EQ(parse_e164("+18005551234")->type, NumberType::toll_free);
}

TEST(E164, ClassifiesPremiumRate) {
  auto r = parse_e164("+19005551234");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->type, NumberType::premium_rate);
}

TEST(E164, RejectsNonE164) {
  for (const char* n : {"", "14155551234", "+1 415 555 1234", "+1-415-555-1234", "+1415555123x", "+0123456789",
                        "+1234", "+1234567890123456", "+1415", "+999999999999", "++14155551234"}) {
    EXPECT_FALSE(parse_e164(n).has_value()) << n;
  }
}

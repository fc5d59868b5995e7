#include <gtest/gtest.h>

#include "call/dial_policy.hpp"

using namespace parley;

TEST(DialPolicy, BlocksPremiumAndSharedCostByDefault) {
  core::OutboundPolicy policy;
  auto premium = call::parse_e164("+19005551234").value();
  auto err = call::check_destination(premium, policy);
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().field, "to_number");
  EXPECT_NE(err.error().message.find("premium_rate"), std::string::npos);
  EXPECT_TRUE(call::check_destination(call::parse_e164("+14155551234").value(), policy).has_value());
  policy.block_premium = false;
  EXPECT_TRUE(call::check_destination(premium, policy).has_value());
}

TEST(DialPolicy, CountryAllowlist) {
  core::OutboundPolicy policy;
  policy.allowed_countries = {"US", "IN"};
  EXPECT_TRUE(call::check_destination(call::parse_e164("+919876543210").value(), policy).has_value());
  auto uk = call::check_destination(call::parse_e164("+442071838750").value(), policy);
  ASSERT_FALSE(uk.has_value());
  EXPECT_NE(uk.error().message.find("GB"), std::string::npos);
}

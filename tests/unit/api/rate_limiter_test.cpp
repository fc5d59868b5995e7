#include <gtest/gtest.h>

#include "api/rate_limiter.hpp"

using namespace parley::api;
using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenRefill) {
  RateLimiter rl;
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 60; ++i) {
    auto d = rl.take("k", "status", 60, t0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 59 - i);
  }
  auto refused = rl.take("k", "status", 60, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1);
  EXPECT_EQ(refused.reset_s, 60);
  EXPECT_TRUE(rl.take("k", "status", 60, t0 + 1s).allowed) << "one token per second at 60/min";
  EXPECT_FALSE(rl.take("k", "status", 60, t0 + 1s).allowed);
}

TEST(RateLimiter, BucketsArePerKeyAndClass) {
  RateLimiter rl;
  auto t0 = RateLimiter::Clock::now();
  EXPECT_TRUE(rl.take("a", "dial", 1, t0).allowed);
  EXPECT_FALSE(rl.take("a", "dial", 1, t0).allowed);
  EXPECT_TRUE(rl.take("b", "dial", 1, t0).allowed);
  EXPECT_TRUE(rl.take("a", "status", 1, t0).allowed);
  auto later = rl.take("a", "dial", 1, t0 + 30s);
  EXPECT_FALSE(later.allowed);
  EXPECT_EQ(later.retry_after_s, 30);
}

#include <gtest/gtest.h>

#include "net/cidr.hpp"

using parley::net::CidrList;

TEST(Cidr, MatchesV4AndV6Blocks) {
  auto l = CidrList::parse({"54.172.60.0/30", "127.0.0.1", "2001:db8::/32", "198.51.100.0/24"});
  ASSERT_TRUE(l.has_value()) << l.error().message;
  EXPECT_TRUE(l->contains("54.172.60.3"));
  EXPECT_FALSE(l->contains("54.172.60.4"));
  EXPECT_TRUE(l->contains("127.0.0.1"));
  EXPECT_FALSE(l->contains("127.0.0.2"));
  EXPECT_TRUE(l->contains("2001:db8:1::5"));
  EXPECT_TRUE(l->contains("[2001:db8::1]"));
  EXPECT_FALSE(l->contains("2001:db9::1"));
  EXPECT_FALSE(l->contains("not-an-ip"));
  EXPECT_FALSE(l->contains(""));
}

TEST(Cidr, RejectsBadEntries) {
  for (const char* bad : {"1.2.3.4/33", "1.2.3/24", "::1/129", "host.example", "1.2.3.4/", "1.2.3.4/x"}) {
    EXPECT_FALSE(CidrList::parse({bad}).has_value()) << bad;
  }
  auto all = CidrList::parse({"0.0.0.0/0"});
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->contains("8.8.8.8"));
}

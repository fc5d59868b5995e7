#include <gtest/gtest.h>

#include <set>

#include "core/ids.hpp"

using namespace parley::core;

TEST(Ids, PrefixedAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = new_id("agent");
    EXPECT_TRUE(is_id_of(id, "agent")) << id;
    EXPECT_EQ(id.size(), 26u);
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(Ids, RejectsForeignShapes) {
  EXPECT_FALSE(is_id_of("agent_", "agent"));
  EXPECT_FALSE(is_id_of("agentx_abc", "agent"));
  EXPECT_FALSE(is_id_of("call_abc", "agent"));
  EXPECT_FALSE(is_id_of("agent_ab-c", "agent"));
  EXPECT_FALSE(is_id_of("agent_' OR 1=1", "agent"));
  EXPECT_TRUE(is_id_of("agent_xyz", "agent"));
}

TEST(Ids, TokenAlphabet) {
  auto t = random_token(64);
  EXPECT_EQ(t.size(), 64u);
  for (char c : t) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
}

#include "call/dial_outcome.hpp"

#include <gtest/gtest.h>

namespace parley::call {
namespace {

struct Case {
  int status;
  const char* end_reason;
  const char* outcome;
  bool next_trunk;
};

class FinalResponse : public ::testing::TestWithParam<Case> {};

TEST_P(FinalResponse, MapsToEndReasonOutcomeAndFailover) {
  const auto& c = GetParam();
  auto o = classify_final_response(c.status);
  EXPECT_EQ(o.end_reason, c.end_reason) << c.status;
  EXPECT_EQ(o.outcome, c.outcome) << c.status;
  EXPECT_EQ(o.try_next_trunk, c.next_trunk) << c.status;
}

// The issue's table: callee answers are final, trunk failures move on to the next trunk.
INSTANTIATE_TEST_SUITE_P(Issue6, FinalResponse,
                         ::testing::Values(Case{486, "busy", "busy", false}, Case{600, "busy", "busy", false},
                                           Case{603, "declined", "rejected", false},
                                           Case{404, "not_found", "invalid_number", false},
                                           Case{484, "not_found", "invalid_number", false},
                                           Case{480, "unavailable", "no_answer", false},
                                           Case{503, "unavailable", "carrier_capacity", true},
                                           Case{500, "trunk_error", "trunk_error", true},
                                           Case{502, "trunk_error", "trunk_error", true},
                                           Case{408, "trunk_error", "trunk_error", true},
                                           Case{0, "trunk_error", "trunk_error", true},
                                           Case{403, "trunk_error", "trunk_error", true},
                                           Case{407, "trunk_error", "trunk_error", true},
                                           Case{488, "media_not_acceptable", "failed", false},
                                           Case{699, "declined", "rejected", false}));

TEST(DialOutcome, RingTimeoutIsNoAnswer) {
  auto o = ring_timeout_outcome();
  EXPECT_EQ(o.status, "no_answer");
  EXPECT_EQ(o.outcome, "no_answer");
  EXPECT_FALSE(o.try_next_trunk);
  EXPECT_EQ(classify_final_response(486).status, "failed");
}

}  // namespace
}  // namespace parley::call

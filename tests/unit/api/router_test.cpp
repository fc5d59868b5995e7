#include <gtest/gtest.h>

#include "api/router.hpp"

using namespace parley::api;

namespace {
RouteHandler ok() {
  return [](RequestContext&) -> parley::core::Result<parley::net::HttpResponse> { return parley::net::HttpResponse{}; };
}
}  // namespace

TEST(Router, MatchesPatternsAndReportsAllowedMethods) {
  Router r;
  r.add({"GET", "/voice/agents", RateClass::standard, ok()});
  r.add({"POST", "/voice/agents", RateClass::standard, ok()});
  r.add({"GET", "/voice/agents/{id}", RateClass::standard, ok()});
  r.add({"GET", "/voice/recording/{id}/audio", RateClass::standard, ok()});

  auto m = r.match("GET", "/voice/agents/agent_1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/voice/agents/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], "agent_1");

  auto audio = r.match("GET", "/voice/recording/rec_1/audio");
  ASSERT_NE(audio.route, nullptr);
  EXPECT_EQ(audio.params[0], "rec_1");

  auto put = r.match("PUT", "/voice/agents");
  EXPECT_EQ(put.route, nullptr);
  EXPECT_EQ(put.allow, "GET, POST");

  EXPECT_EQ(r.match("GET", "/voice/agents/a/b").route, nullptr);
  EXPECT_EQ(r.match("GET", "/voice/agents/").route, nullptr);
  EXPECT_TRUE(r.match("GET", "/nothing").allow.empty());
}

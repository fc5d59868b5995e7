#include <gtest/gtest.h>

#include "net/http_message.hpp"

using namespace parley::net;

TEST(HttpMessage, QueryParsingDecodes) {
  auto q = parse_query("limit=20&status=in_progress&name=Jane+Doe&x=%2Fa%20b&flag&=v");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 6u);
  EXPECT_EQ((*q)[2].second, "Jane Doe");
  EXPECT_EQ((*q)[3].second, "/a b");
  EXPECT_EQ((*q)[4].first, "flag");
  EXPECT_FALSE(parse_query("a=%zz").has_value());
  EXPECT_FALSE(parse_query("a=%2").has_value());
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

TEST(HttpMessage, HeaderLookupIsCaseInsensitive) {
  HttpRequest r;
  r.headers = {{"content-type", "application/json"}};
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_FALSE(r.header("Accept").has_value());
  HttpResponse res;
  res.set_header("X-A", "1");
  res.set_header("x-a", "2");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].second, "2");
}

TEST(HttpMessage, JsonErrorBodyEscapes) {
  EXPECT_EQ(json_error_body("c", "say \"hi\"\n", "f"), R"({"error":{"code":"c","message":"say \"hi\"\n","field":"f"}})");
  EXPECT_EQ(json_error_body("c", "m"), R"({"error":{"code":"c","message":"m","field":null}})");
}

#include <gtest/gtest.h>

#include "api/json_io.hpp"

using namespace parley;
using namespace parley::api;

TEST(JsonIo, ParsesObjectsAndRejectsOthers) {
  net::HttpRequest req;
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  req.body = R"({"a":1})";
  EXPECT_TRUE(parse_object_body(req).has_value());
  req.body = "[1]";
  EXPECT_EQ(parse_object_body(req).error().code, core::Errc::invalid_argument);
  req.body = "{";
  EXPECT_EQ(parse_object_body(req).error().code, core::Errc::invalid_argument);
  req.headers = {{"Content-Type", "text/plain"}};
  req.body = "{}";
  EXPECT_EQ(parse_object_body(req).error().code, core::Errc::unsupported);
  req.body.clear();
  EXPECT_TRUE(parse_object_body(req, true).has_value());
}

TEST(JsonIo, FieldsNameTheirPath) {
  auto obj = json::parse(R"({"n":"x","i":5,"b":true,"o":{},"s":"yes"})").as_object();
  Fields f(obj, "voice");
  EXPECT_EQ(f.string("n", 10)->value(), "x");
  EXPECT_EQ(f.integer("i", 6, 9).error().field, "voice.i");
  EXPECT_EQ(f.boolean("s").error().code, core::Errc::validation);
  EXPECT_FALSE(f.string("missing", 10)->has_value());
  EXPECT_EQ(f.string("missing", 10, true).error().message, "voice.missing is required");
  auto bad = f.one_of("n", {"a", "b"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("a, b"), std::string::npos);
  auto unknown = f.only({"n", "i"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().field.substr(0, 6), "voice.");
}

TEST(JsonIo, MergePatchFollowsRfc7396) {
  auto target = json::parse(R"({"a":"b","c":{"d":"e","f":"g"}})").as_object();
  merge_patch(target, json::parse(R"({"a":"z","c":{"f":null}})").as_object());
  EXPECT_EQ(json::serialize(target), R"({"a":"z","c":{"d":"e"}})");
}

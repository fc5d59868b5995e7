#include <gtest/gtest.h>

#include "voice/text/sentence_splitter.hpp"
#include "voice/text/template.hpp"
#include "voice/text/words.hpp"

using namespace parley::voice::text;

TEST(Words, NormalizesCaseDigitsPunctuationAndPlaceholders) {
  EXPECT_EQ(join(words("Press 1, or say \"I'm done!\"")), "press one or say i'm done");
  EXPECT_EQ(join(words("my order is {Order_Number}.")), "my order is {order_number}");
  EXPECT_EQ(*placeholder("{x}"), "x");
  EXPECT_FALSE(placeholder("x").has_value());
  EXPECT_EQ(*digits_of({"four", "oh", "two"}), "402");
  EXPECT_FALSE(digits_of({"four", "apples"}).has_value());
}

TEST(Words, ReadsCardinalNumbers) {
  EXPECT_EQ(number_of({"twenty", "three"}), 23);
  EXPECT_EQ(number_of({"two", "hundred", "and", "five"}), 205);
  EXPECT_EQ(number_of({"one", "thousand", "two", "hundred"}), 1200);
  EXPECT_EQ(number_of({"nineteen"}), 19);
  EXPECT_FALSE(number_of({"five", "five"}).has_value());
  EXPECT_FALSE(number_of({"twenty", "thirty"}).has_value());
  EXPECT_FALSE(number_of({"and"}).has_value());
  EXPECT_FALSE(number_of({}).has_value());
}

TEST(Words, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance({}, {}), 0U);
  EXPECT_EQ(edit_distance({"a", "b"}, {}), 2U);
  EXPECT_EQ(edit_distance({}, {"a"}), 1U);
  EXPECT_EQ(edit_distance({"what", "is", "my", "balance"}, {"what", "is", "my", "balance"}), 0U);
  EXPECT_EQ(edit_distance({"what", "is", "my", "balance"}, {"what", "is", "the", "balance", "now"}), 2U);
  EXPECT_EQ(edit_distance({"K", "AE", "T"}, {"K", "AA", "T", "S"}), 2U);
}

TEST(Template, SlotsThenContextWithDottedPathsAndTidyGaps) {
  TemplateVars v(R"({"customer_name": "Jane Doe", "vip": true, "n": 3, "customer": {"first": "Jane"}, "o": {}})");
  v.set_slot("order_number", "1234");
  EXPECT_EQ(render("Hi {{customer_name}}, order {{ order_number }}.", v), "Hi Jane Doe, order 1234.");
  EXPECT_EQ(render("{{customer.first}} {{vip}} {{n}}", v), "Jane true 3");
  EXPECT_EQ(render("Hi {{missing}}, welcome.", v), "Hi, welcome.");
  EXPECT_EQ(render("Hello {{o}} there", v), "Hello there");
  EXPECT_EQ(render("unclosed {{name", v), "unclosed {{name");
  TemplateVars none("not json");
  EXPECT_EQ(render("Hi {{customer_name}}!", none), "Hi!");
  EXPECT_EQ(none.context_json(), "{}");
}

TEST(SentenceSplitter, CutsStreamedTextIntoSentences) {
  SentenceSplitter s;
  EXPECT_TRUE(s.push("Hello the").empty());
  auto first = s.push("re. How");
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0], "Hello there.");
  auto rest = s.push(" are you? Dr. Smith says 3.5 is fine! And");
  ASSERT_EQ(rest.size(), 2U);
  EXPECT_EQ(rest[0], "How are you?");
  EXPECT_EQ(rest[1], "Dr. Smith says 3.5 is fine!");
  auto end = s.finish();
  ASSERT_EQ(end.size(), 1U);
  EXPECT_EQ(end[0], "And");
  EXPECT_TRUE(s.finish().empty());
}

TEST(SentenceSplitter, CutsOverlongSentencesAtACommaOrSpace) {
  SentenceSplitter s(40);
  auto out = s.push("This sentence goes on, and on and on without any full stop at all ");
  ASSERT_FALSE(out.empty());
  for (const auto& piece : out) EXPECT_LE(piece.size(), 40U);
  EXPECT_EQ(out[0], "This sentence goes on,");
}

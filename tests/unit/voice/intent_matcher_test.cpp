#include "voice/agent/rules/intent_matcher.hpp"

#include <gtest/gtest.h>

#include "voice_test_util.hpp"

using namespace parley::voice;

namespace {

AgentInput said(std::string text) { return AgentInput{1, AgentInput::Source::speech, std::move(text)}; }
AgentInput pressed(std::string digits) { return AgentInput{1, AgentInput::Source::dtmf, std::move(digits)}; }

std::string intent_of(const RulesSpec& rules, const AgentInput& in) {
  auto m = match_intent(rules, in);
  return m ? m->intent->name : "-";
}

}  // namespace

TEST(IntentMatcher, FullPhrasesKeywordsDtmfAndSpokenDigits) {
  auto rules = test::support_agent().rules;
  EXPECT_EQ(intent_of(rules, said("i need help with my order")), "order_status");
  EXPECT_EQ(intent_of(rules, said("um where is my order please")), "order_status");
  EXPECT_EQ(intent_of(rules, said("can you track my package")), "order_status");
  EXPECT_EQ(intent_of(rules, said("I have a billing question")), "billing");
  EXPECT_EQ(intent_of(rules, said("Could I speak to an agent?")), "agent");
  EXPECT_EQ(intent_of(rules, said("human transfer")), "agent");  // every content word present
  EXPECT_EQ(intent_of(rules, pressed("2")), "billing");
  EXPECT_EQ(intent_of(rules, pressed("0#")), "agent");
  EXPECT_EQ(intent_of(rules, said("press one")), "order_status");
  EXPECT_EQ(intent_of(rules, said("two")), "billing");
  EXPECT_EQ(intent_of(rules, said("uh two thank you")), "billing");
  EXPECT_EQ(intent_of(rules, said("one two")), "-");  // no intent has dtmf 12
  EXPECT_EQ(intent_of(rules, pressed("9")), "-");
  EXPECT_EQ(intent_of(rules, said("what is the weather like")), "-");
  EXPECT_EQ(intent_of(rules, said("")), "-");
}

TEST(IntentMatcher, TheLongestFullMatchWins) {
  RulesSpec rules;
  rules.intents.push_back(IntentSpec{"short", {"order"}, "", {}, "", {}});
  rules.intents.push_back(IntentSpec{"long", {"cancel my order"}, "", {}, "", {}});
  EXPECT_EQ(intent_of(rules, said("i want to cancel my order")), "long");
  EXPECT_EQ(intent_of(rules, said("my order")), "short");
}

TEST(IntentMatcher, CapturesSlots) {
  auto rules = test::support_agent().rules;
  auto m = match_intent(rules, said("my order number is four two oh seven"));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->intent->name, "order_number");
  EXPECT_EQ(m->slots.at("order_number"), "4207");

  RulesSpec r2;
  IntentSpec pizza{"pizza", {"i want a {size} pizza"}, "", {}, "", {}};
  pizza.slots.push_back(SlotSpec{"size", SlotSpec::Kind::choice, {"small", "extra large"}, {}});
  pizza.slots.push_back(SlotSpec{"count", SlotSpec::Kind::number, {}, {}});
  pizza.slots.push_back(SlotSpec{"code", SlotSpec::Kind::pattern, {}, "code ([a-z]+)"});
  r2.intents.push_back(pizza);
  auto p = match_intent(r2, said("i want a extra large pizza twenty five of them code bravo"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->slots.at("size"), "extra large");
  EXPECT_EQ(p->slots.at("count"), "25");
  EXPECT_EQ(p->slots.at("code"), "bravo");
}

TEST(IntentMatcher, ABadUserPatternCapturesNothingInsteadOfThrowing) {
  RulesSpec r;
  IntentSpec in{"x", {"hello"}, "", {}, "", {}};
  in.slots.push_back(SlotSpec{"bad", SlotSpec::Kind::pattern, {}, "(unclosed"});
  r.intents.push_back(in);
  auto m = match_intent(r, said("hello there"));
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->slots.contains("bad"));
}

TEST(IntentMatcher, CompletesIntentForTheEarlyEndpoint) {
  auto rules = test::support_agent().rules;
  EXPECT_TRUE(completes_intent(rules, "where is my order"));
  EXPECT_TRUE(completes_intent(rules, "press two"));
  EXPECT_FALSE(completes_intent(rules, "where is my"));
  EXPECT_FALSE(completes_intent(rules, "my order number is four"));  // a trailing slot may go on
  EXPECT_FALSE(completes_intent(rules, ""));
}

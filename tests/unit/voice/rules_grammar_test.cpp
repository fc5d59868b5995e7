#include "voice/stt/rules_grammar.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "voice/stt/sphinx_recognizer.hpp"
#include "voice_test_util.hpp"

using namespace parley::voice;

TEST(RulesGrammar, GeneratedFromIntentsSlotsAndDigits) {
  auto g = build_rules_grammar(test::support_agent().rules, &SphinxRecognizer::pronounce, GrammarOptions{true, true, 0.1});
  EXPECT_NE(g.jsgf.find("#JSGF V1.0;"), std::string::npos);
  EXPECT_NE(g.jsgf.find("( where is my order )"), std::string::npos) << g.jsgf;
  EXPECT_NE(g.jsgf.find("( my order number is <digits> )"), std::string::npos) << g.jsgf;
  EXPECT_NE(g.jsgf.find("[press | option | number] one"), std::string::npos) << g.jsgf;  // dtmf 1 said aloud
  // Repetition is spelled out, never a Kleene plus (rules_grammar.cpp one_to).
  EXPECT_NE(g.jsgf.find("<garbage> = <gw> [<gw> [<gw>"), std::string::npos) << g.jsgf;
  EXPECT_NE(g.jsgf.find("<digits> = <digit> [<digit> [<digit>"), std::string::npos) << g.jsgf;
  EXPECT_EQ(g.jsgf.find('+'), std::string::npos) << g.jsgf;
  EXPECT_NE(g.jsgf.find("/0.1/ <garbage>"), std::string::npos);
  EXPECT_TRUE(g.skipped.empty());
  EXPECT_NE(std::find(g.keyphrases.begin(), g.keyphrases.end(), "track my package"), g.keyphrases.end());
  // The garbage words never overlap what the intents can say.
  for (const auto& w : g.garbage_words) {
    EXPECT_EQ(std::find(g.vocabulary.begin(), g.vocabulary.end(), w), g.vocabulary.end()) << w;
  }
  EXPECT_GT(g.garbage_words.size(), 50U);
  for (const auto& w : g.garbage_words) EXPECT_GE(SphinxRecognizer::pronounce(w).size(), 5U) << w;  // none can spell "bye"
}

TEST(RulesGrammar, PhrasesWithUnknownWordsAreSkippedAndOptionsApply) {
  RulesSpec rules;
  rules.intents.push_back(IntentSpec{"a", {"hello there", "zxqvbnm frobble"}, "", {}, "", {}});
  auto g = build_rules_grammar(rules, &SphinxRecognizer::pronounce, GrammarOptions{false, false, 0.1, 5});
  ASSERT_EQ(g.skipped.size(), 1U);
  EXPECT_EQ(g.skipped[0], "zxqvbnm frobble");
  EXPECT_EQ(g.jsgf.find("<garbage>"), std::string::npos);
  EXPECT_EQ(g.jsgf.find("<lead>"), std::string::npos);
  EXPECT_TRUE(build_rules_grammar(RulesSpec{}, &SphinxRecognizer::pronounce).empty());
  EXPECT_NE(build_rules_grammar(test::support_agent().rules, &SphinxRecognizer::pronounce).jsgf.find("<garbage>"),
            std::string::npos);  // on by default
}

TEST(RulesGrammar, StripGarbage) {
  EXPECT_EQ(strip_garbage("the hello of there", {"the", "of"}), "hello there");
  EXPECT_EQ(strip_garbage("the of", {"the", "of"}), "");
}

#include "voice/stt/sphinx_recognizer.hpp"

#include <algorithm>

#include "voice/text/words.hpp"
#include "voice_test_util.hpp"

using namespace parley::voice;

namespace {

SphinxHypothesis decode(const SphinxConfig& cfg, const std::vector<std::int16_t>& pcm) {
  auto rec = SphinxRecognizer::create(cfg);
  EXPECT_TRUE(rec.has_value()) << (rec ? "" : rec.error().message);
  if (!rec) return {"<error>"};
  EXPECT_TRUE(rec->start().has_value());
  for (std::size_t off = 0; off < pcm.size(); off += 320) {
    EXPECT_TRUE(rec->process(std::span(pcm).subspan(off, std::min<std::size_t>(320, pcm.size() - off))).has_value());
  }
  auto h = rec->finish();
  EXPECT_TRUE(h.has_value());
  return h ? *h : SphinxHypothesis{"<error>"};
}

std::string recognize(const SphinxConfig& cfg, const std::vector<std::int16_t>& pcm) { return decode(cfg, pcm).text; }

SphinxConfig grammar_config(const AgentSpec& agent, NarrowbandMode nb = NarrowbandMode::none) {
  auto g = SphinxRecognizer::rules_grammar(agent.rules);
  SphinxConfig cfg;
  cfg.search = SphinxSearch::grammar;
  cfg.jsgf = g->jsgf;
  cfg.garbage_words = g->garbage_words;
  cfg.verify = true;
  cfg.narrowband = nb;
  return cfg;
}

std::vector<std::int16_t> padded(std::vector<std::int16_t> pcm) {
  auto out = test::silence_ms(300);
  out.insert(out.end(), pcm.begin(), pcm.end());
  auto tail = test::silence_ms(300);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

}  // namespace

TEST(SphinxRecognizer, GrammarOfARulesAgentRecognizesItsPhrasesSpokenByAnotherVoice) {
  auto agent = test::support_agent();
  auto cfg = grammar_config(agent);
  EXPECT_EQ(recognize(cfg, padded(test::speech("I need help with my order"))), "i need help with my order");
  EXPECT_EQ(recognize(cfg, padded(test::speech("Transfer me to a human"))), "transfer me to a human");
  EXPECT_EQ(recognize(cfg, padded(test::speech("My order number is 4 2 7"))), "my order number is four two seven");
}

TEST(SphinxRecognizer, OutOfGrammarSpeechIsRejectedByThePhoneLoop) {
  auto agent = test::support_agent();
  auto cfg = grammar_config(agent);
  for (const char* oog : {"What will the weather be like tomorrow in the city", "cancel my subscription",
                          "I would like to order a pizza"}) {
    EXPECT_EQ(recognize(cfg, padded(test::speech(oog))), "") << oog;
  }
  // Short in-grammar phrases pass the same check.
  EXPECT_EQ(recognize(cfg, padded(test::speech("goodbye"))), "goodbye");
  EXPECT_EQ(recognize(cfg, padded(test::speech("press two"))), "press two");
}

TEST(SphinxRecognizer, GarbageAlternativeAbsorbsOtherSpeech) {
  auto agent = test::support_agent();
  auto g = SphinxRecognizer::rules_grammar(agent.rules);
  SphinxConfig cfg;
  cfg.search = SphinxSearch::grammar;
  cfg.jsgf = g->jsgf;
  cfg.garbage_words = g->garbage_words;
  cfg.verify = false;  // the garbage words alone
  auto text = recognize(cfg, padded(test::speech("What will the weather be like tomorrow in the city")));
  for (const char* phrase : {"where is my order", "billing question", "goodbye", "speak to an agent"}) {
    EXPECT_EQ(text.find(phrase), std::string::npos) << text;
  }
}

TEST(SphinxRecognizer, GarbageWordsNeverRunIntoAPhrase) {
  // Three of the grammar's own garbage words, then one of its phrases: the grammar allows either
  // garbage or a phrase, so the result is one of them, never a mix of both.
  auto agent = test::support_agent();
  auto g = SphinxRecognizer::rules_grammar(agent.rules);
  ASSERT_GE(g->garbage_words.size(), 3U);
  SphinxConfig cfg = grammar_config(agent);
  cfg.verify = false;
  cfg.garbage_words.clear();  // keep them in the result
  std::string said = g->garbage_words[0] + " " + g->garbage_words[1] + " " + g->garbage_words[2] + " where is my order";
  auto heard = parley::voice::text::words(recognize(cfg, padded(test::speech(said))));
  ASSERT_FALSE(heard.empty()) << said;
  auto garbage = [&](const std::string& w) {
    return std::find(g->garbage_words.begin(), g->garbage_words.end(), w) != g->garbage_words.end();
  };
  bool all_garbage = std::all_of(heard.begin(), heard.end(), garbage);
  bool no_garbage = std::none_of(heard.begin(), heard.end(), garbage);
  EXPECT_TRUE(all_garbage || no_garbage) << said << " -> " << parley::voice::text::join(heard);
}

TEST(SphinxRecognizer, SilenceRemovalCanBeTurnedOff) {
  // A phrase between 1.5 s stretches of digital silence: the front end's voice detector drops
  // most of the silence; without it every frame reaches the search. Either way the phrase is heard.
  auto agent = test::support_agent();
  auto pcm = test::silence_ms(1500);
  auto phrase = test::speech("Where is my order");
  pcm.insert(pcm.end(), phrase.begin(), phrase.end());
  auto tail = test::silence_ms(1500);
  pcm.insert(pcm.end(), tail.begin(), tail.end());
  const int audio_frames = static_cast<int>(pcm.size() / 160);
  SphinxConfig cfg = grammar_config(agent);
  auto on = decode(cfg, pcm);
  cfg.remove_silence = false;
  auto off = decode(cfg, pcm);
  EXPECT_EQ(on.text, "where is my order");
  EXPECT_EQ(off.text, "where is my order");
  EXPECT_LT(on.decoded_frames, audio_frames - 200) << on.decoded_frames << " of " << audio_frames;
  EXPECT_GE(off.decoded_frames, audio_frames - 5) << off.decoded_frames << " of " << audio_frames;
}

TEST(SphinxRecognizer, LanguageModelTranscribesOpenSpeech) {
  SphinxConfig cfg;  // lm
  auto text = recognize(cfg, padded(test::speech("thank you for calling", "slt")));
  EXPECT_NE(text.find("thank you"), std::string::npos) << text;
}

TEST(SphinxRecognizer, DictationCrossCheckRejectsForeignSpeechBuiltLikeAPhrase) {
  // Sentences that begin like a phrase of the agent: the grammar forces them onto that phrase and
  // the phone loop lets it pass; the dictation hears what was said, and its text replaces the
  // grammar's. (A one-word change in a long phrase, "where is my horoscope", still passes: the
  // phone distance is over the whole result; docs/benchmarks.md.)
  auto agent = test::support_agent();
  auto cfg = grammar_config(agent);
  cfg.dictation_check = true;
  for (const char* foreign : {"transfer some money to my savings", "where is the post office",
                              "i need help with the washing machine"}) {
    auto h = decode(cfg, padded(test::speech(foreign)));
    EXPECT_FALSE(h.grammar_text.empty()) << foreign;
    double threshold = cfg.verify_threshold - cfg.verify_length_allowance / std::max(1, h.speech_frames);
    EXPECT_GE(h.verify_score, threshold) << foreign << ": the phone loop alone would have rejected it";
    EXPECT_GT(h.phone_distance, cfg.dictation_max_phone_distance) << foreign << ": " << h.grammar_text << " / " << h.dictation;
    EXPECT_EQ(h.text, h.dictation) << foreign;
    for (const char* phrase : {"where is my order", "transfer me to a human", "i need help with my order"}) {
      EXPECT_EQ(h.text.find(phrase), std::string::npos) << foreign << " -> " << h.text;
    }
  }
  // Covered phrases, long and short, pass with their grammar text.
  for (const char* covered : {"i need help with my order", "where is my order", "goodbye", "press two", "that is all"}) {
    auto h = decode(cfg, padded(test::speech(covered)));
    EXPECT_EQ(h.text, covered) << "dictation: " << h.dictation << ", distance " << h.phone_distance;
  }
}

TEST(SphinxRecognizer, DictationCrossCheckGivesRejectedSpeechItsTranscript) {
  auto agent = test::support_agent();
  auto cfg = grammar_config(agent);
  cfg.dictation_check = true;
  auto h = decode(cfg, padded(test::speech("What will the weather be like tomorrow in the city")));
  EXPECT_EQ(h.text, h.dictation);
  EXPECT_NE(h.text.find("weather"), std::string::npos) << h.text;
  EXPECT_LT(h.confidence, 0.5F);
}

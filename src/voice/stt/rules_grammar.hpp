#pragma once
// What a rules agent can understand, as a recognition grammar (JSGF) or a keyphrase list, generated
// from its intents (phrases, slots, DTMF digits said aloud) so a constrained recognizer hears only
// those (docs/voice-pipeline.md "Grammar").
//
//   public <utt> = <intent> [| <garbage>];
//   <intent> = [<lead>] ( phrase | phrase <slot> ... | [press|option|number] <digit> ) [<tail>];
//   <garbage> = <gw> [<gw> [...]];   // optional: common words that are in no phrase (one_to)
// Out of grammar: a grammar alone forces every utterance onto its closest phrase. Two remedies,
// both on by default (docs/benchmarks.md has the measurements):
//   - the <garbage> alternative absorbs other speech (garbage words are removed from results). Its
//     words have at least `garbage_min_phones` phones, and none sounds like a word of the grammar
//     (phone edit distance of at most a third of its length): with short ones it also absorbed
//     short phrases ("goodbye" decoded as "good by", "one" as "on it"), with look-alikes it took
//     their place ("correct" decoded as "direct"), and pocketsphinx 5prealpha ignores JSGF
//     weights, so the choice of words is the only lever;
//   - verification against a phone loop (SphinxConfig::verify, sphinx_recognizer.hpp) rejects what
//     the grammar still forced onto a phrase.
// The rules agent then sees nothing it could match and answers with the fallback reply instead of
// a wrong intent.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "voice/config/agent_spec.hpp"

namespace parley::voice {

struct GrammarOptions {
  bool garbage = true;  // the <garbage> alternative
  bool fillers = true;  // optional "please", "um", "i want to" ... before and after a phrase
  double garbage_weight = 0.1;  // JSGF weight of <garbage> against 1 for <intent> (ignored by 5prealpha)
  int garbage_min_phones = 5;
};

struct RulesGrammar {
  std::string jsgf;
  std::vector<std::string> keyphrases;     // one phrase per line for a keyword-spotting search
  std::vector<std::string> vocabulary;     // every word the grammar can produce except garbage
  std::vector<std::string> garbage_words;  // the out-of-grammar words (strip them from results)
  std::vector<std::string> skipped;        // phrases left out: a word the dictionary lacks
  bool empty() const noexcept { return vocabulary.empty(); }
};

// `pronounce(word)`: the phones the recognizer's dictionary gives `word` (empty: not in it).
using Pronounce = std::function<std::vector<std::string>(std::string_view word)>;
RulesGrammar build_rules_grammar(const RulesSpec& rules, const Pronounce& pronounce, const GrammarOptions& options = {});

// Removes the grammar's garbage words from a hypothesis ("the hello of" -> "hello").
std::string strip_garbage(std::string_view hypothesis, const std::vector<std::string>& garbage_words);

}  // namespace parley::voice

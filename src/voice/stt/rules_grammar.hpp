#pragma once
// What a rules agent can understand, as a recognition grammar (JSGF) or a keyphrase list, generated
// from its intents (phrases, slots, DTMF digits said aloud) so a constrained recognizer hears only
// those (docs/voice-pipeline.md "Grammar").
//
//   public <utt> = <intent> [| <garbage>];
//   <intent> = [<lead>] ( phrase | phrase <slot> ... | [press|option|number] <digit> ) [<tail>];
//   <garbage> = <gw>+;   // optional: common words that are in no phrase
// Out of grammar: a grammar alone forces every utterance onto its closest phrase. Two remedies:
//   - the <garbage> alternative absorbs other speech (garbage words are removed from results), but
//     measured here it also absorbs short phrases ("goodbye" decodes as "good by", "one" as "on
//     it") and pocketsphinx 5prealpha ignores JSGF weights, so it is off by default;
//   - verification against a phone loop (SphinxConfig::verify), the default: see sphinx_recognizer.hpp.
// Either way the rules agent sees nothing it could match and answers with the fallback reply
// instead of a wrong intent.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "voice/config/agent_spec.hpp"

namespace parley::voice {

struct GrammarOptions {
  bool garbage = false;  // the <garbage> alternative
  bool fillers = true;  // optional "please", "um", "yes" ... before and after a phrase
  double garbage_weight = 0.1;  // JSGF weight of <garbage> against 1 for <intent>
};

struct RulesGrammar {
  std::string jsgf;
  std::vector<std::string> keyphrases;     // one phrase per line for a keyword-spotting search
  std::vector<std::string> vocabulary;     // every word the grammar can produce except garbage
  std::vector<std::string> garbage_words;  // the out-of-grammar words (strip them from results)
  std::vector<std::string> skipped;        // phrases left out: a word the dictionary lacks
  bool empty() const noexcept { return vocabulary.empty(); }
};

// `known(word)` says whether the recognizer's pronunciation dictionary has `word`.
RulesGrammar build_rules_grammar(const RulesSpec& rules, const std::function<bool(std::string_view)>& known,
                                 const GrammarOptions& options = {});

// Removes the grammar's garbage words from a hypothesis ("the hello of" -> "hello").
std::string strip_garbage(std::string_view hypothesis, const std::vector<std::string>& garbage_words);

}  // namespace parley::voice

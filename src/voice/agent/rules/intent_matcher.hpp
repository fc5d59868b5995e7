#pragma once
// Which intent of a rules agent the caller's words or keys select (docs/voice-pipeline.md "Rules").
//   1. DTMF input selects the intent whose dtmf equals the digits; spoken digits that equal an
//      intent's dtmf ("one", "press one", "option one") do the same ("say or press 1").
//   2. A phrase whose words appear in order and contiguously in the text (slot placeholders take
//      the slot's words) matches fully; the longest full match wins.
//   3. Otherwise a phrase matches partly when every one of its content words (not "is", "my", ...)
//      is in the text; the intent with the largest share of the phrase's words wins.
//   Ties go to the earlier intent. Slots a phrase does not name are searched anywhere in the text.
#include <map>
#include <optional>
#include <string>

#include "voice/agent/agent_engine.hpp"
#include "voice/config/agent_spec.hpp"

namespace parley::voice {

struct IntentMatch {
  const IntentSpec* intent = nullptr;
  std::map<std::string, std::string> slots;
  double score = 0;  // 1 + phrase length for a full match; below 1 for a partial one
};

std::optional<IntentMatch> match_intent(const RulesSpec& rules, const AgentInput& input);

// Whether `text` already holds a whole phrase of some intent (or its digit said aloud), other than
// one ending in a slot (more digits may follow): the turn detector may end the turn early. Cheap and free of user regular expressions (safe on io).
bool completes_intent(const RulesSpec& rules, std::string_view text);

}  // namespace parley::voice

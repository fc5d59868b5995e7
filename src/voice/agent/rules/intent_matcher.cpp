#include "voice/agent/rules/intent_matcher.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "voice/text/words.hpp"

namespace parley::voice {
namespace {

using Words = std::vector<std::string>;

const std::set<std::string, std::less<>>& stop_words() {
  static const std::set<std::string, std::less<>> kStop = {
      "a",  "an", "the", "is", "are", "am", "i",  "my", "me", "to", "of", "for", "with", "and", "or", "it",
      "in", "on", "at",  "be", "do", "can", "you", "your", "please", "would", "like", "want", "need", "some", "this", "that"};
  return kStop;
}

bool is_digit_word(const std::string& w) { return text::digit_of(w).has_value(); }
bool is_number_word(const std::string& w) {
  const auto& nw = text::number_words();
  return std::find(nw.begin(), nw.end(), w) != nw.end();
}

// Tries to read slot `slot` at words[pos...]; returns the words consumed (0: no match) and the value.
std::size_t read_slot(const SlotSpec& slot, const Words& ws, std::size_t pos, std::string& value) {
  switch (slot.kind) {
    case SlotSpec::Kind::digits: {
      std::size_t n = 0;
      while (pos + n < ws.size() && is_digit_word(ws[pos + n])) ++n;
      if (n == 0) return 0;
      value = *text::digits_of(Words(ws.begin() + pos, ws.begin() + pos + n));
      return n;
    }
    case SlotSpec::Kind::number: {
      std::size_t n = 0;
      while (pos + n < ws.size() && is_number_word(ws[pos + n])) ++n;
      while (n > 0) {  // the longest prefix that reads as a number
        Words part(ws.begin() + pos, ws.begin() + pos + n);
        if (auto v = text::number_of(part)) {
          value = std::to_string(*v);
          return n;
        }
        if (auto d = text::digits_of(part)) {
          value = *d;
          return n;
        }
        --n;
      }
      return 0;
    }
    case SlotSpec::Kind::choice: {
      std::size_t best = 0;
      for (const auto& c : slot.choices) {
        auto cw = text::words(c);
        if (cw.empty() || pos + cw.size() > ws.size() || cw.size() <= best) continue;
        if (std::equal(cw.begin(), cw.end(), ws.begin() + pos)) {
          best = cw.size();
          value = c;
        }
      }
      return best;
    }
    case SlotSpec::Kind::pattern: return 0;  // regular expressions run over the whole text
  }
  return 0;
}

// A slot anywhere in the text.
std::optional<std::string> find_slot(const SlotSpec& slot, const Words& ws) {
  if (slot.kind == SlotSpec::Kind::pattern) {
    try {
      std::regex re(slot.pattern, std::regex::ECMAScript | std::regex::icase);
      std::smatch m;
      std::string joined = text::join(ws);
      if (std::regex_search(joined, m, re)) return m.size() > 1 && m[1].matched ? m[1].str() : m[0].str();
    } catch (const std::regex_error&) {
      return std::nullopt;  // a bad pattern captures nothing
    }
    return std::nullopt;
  }
  for (std::size_t pos = 0; pos < ws.size(); ++pos) {
    std::string value;
    if (read_slot(slot, ws, pos, value) > 0) return value;
  }
  return std::nullopt;
}

const SlotSpec* slot_named(const IntentSpec& intent, std::string_view name) {
  for (const auto& s : intent.slots) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Phrase tokens matched contiguously at ws[start...]; fills slots.
bool match_at(const IntentSpec& intent, const Words& phrase, const Words& ws, std::size_t start,
              std::map<std::string, std::string>& slots) {
  std::size_t pos = start;
  for (const auto& tok : phrase) {
    if (auto name = text::placeholder(tok)) {
      const SlotSpec* s = slot_named(intent, *name);
      SlotSpec digits{std::string(*name), SlotSpec::Kind::digits, {}, {}};
      std::string value;
      std::size_t n = read_slot(s != nullptr ? *s : digits, ws, pos, value);
      if (n == 0) return false;
      slots[std::string(*name)] = value;
      pos += n;
    } else {
      if (pos >= ws.size() || ws[pos] != tok) return false;
      ++pos;
    }
  }
  return true;
}

std::optional<IntentMatch> score_intent(const IntentSpec& intent, const Words& ws) {
  std::optional<IntentMatch> best;
  for (const auto& phrase_text : intent.phrases) {
    Words phrase = text::words(phrase_text);
    if (phrase.empty()) continue;
    for (std::size_t start = 0; start + 1 <= ws.size(); ++start) {
      std::map<std::string, std::string> slots;
      if (match_at(intent, phrase, ws, start, slots)) {
        double score = 1.0 + static_cast<double>(phrase.size());
        if (!best || score > best->score) best = IntentMatch{&intent, std::move(slots), score};
        break;
      }
    }
    if (best && best->score >= 1.0) continue;
    // Partial: every content word present.
    std::size_t content = 0;
    bool all = true;
    for (const auto& w : phrase) {
      if (text::placeholder(w) || stop_words().contains(w)) continue;
      ++content;
      if (std::find(ws.begin(), ws.end(), w) == ws.end()) all = false;
    }
    if (content > 0 && all) {
      double share = static_cast<double>(content) / static_cast<double>(phrase.size());
      double score = 0.5 * share + 0.01 * static_cast<double>(content);
      if (!best || score > best->score) best = IntentMatch{&intent, {}, score};
    }
  }
  return best;
}

// Spoken digits, maybe with "press", "option", "number" or fillers around them: "press one",
// "uh two please", "three thank you" -> the digits.
std::optional<std::string> spoken_choice(Words ws) {
  static const std::set<std::string, std::less<>> kAround = {"press", "option", "number", "um",   "uh",    "please",
                                                             "so",    "well",   "okay",   "yeah", "hi",    "hello",
                                                             "sorry", "thanks", "thank",  "you",  "can",   "i"};
  while (!ws.empty() && kAround.contains(ws.front())) ws.erase(ws.begin());
  while (!ws.empty() && kAround.contains(ws.back())) ws.pop_back();
  return text::digits_of(ws);
}

}  // namespace

bool completes_intent(const RulesSpec& rules, std::string_view text_in) {
  Words ws = text::words(text_in);
  if (ws.empty()) return false;
  if (auto digits = spoken_choice(ws)) {
    for (const auto& intent : rules.intents) {
      if (!intent.dtmf.empty() && intent.dtmf == *digits) return true;
    }
  }
  for (const auto& intent : rules.intents) {
    for (const auto& phrase_text : intent.phrases) {
      Words phrase = text::words(phrase_text);
      // A phrase that ends in a slot is never complete: more digits may follow.
      if (phrase.empty() || text::placeholder(phrase.back())) continue;
      for (std::size_t start = 0; start < ws.size(); ++start) {
        std::map<std::string, std::string> slots;
        if (match_at(intent, phrase, ws, start, slots)) return true;
      }
    }
  }
  return false;
}

std::optional<IntentMatch> match_intent(const RulesSpec& rules, const AgentInput& input) {
  if (input.source == AgentInput::Source::dtmf) {
    std::string digits = input.text;
    if (digits.size() > 1 && digits.back() == '#') digits.pop_back();
    for (const auto& intent : rules.intents) {
      if (!intent.dtmf.empty() && intent.dtmf == digits) return IntentMatch{&intent, {}, 100.0};
    }
    return std::nullopt;
  }
  Words ws = text::words(input.text);
  if (ws.empty()) return std::nullopt;
  if (auto digits = spoken_choice(ws)) {
    for (const auto& intent : rules.intents) {
      if (!intent.dtmf.empty() && intent.dtmf == *digits) return IntentMatch{&intent, {}, 100.0};
    }
  }
  std::optional<IntentMatch> best;
  for (const auto& intent : rules.intents) {
    auto m = score_intent(intent, ws);
    if (m && (!best || m->score > best->score)) best = std::move(m);
  }
  if (!best) return std::nullopt;
  for (const auto& slot : best->intent->slots) {  // slots no matched phrase captured
    if (best->slots.contains(slot.name)) continue;
    if (auto v = find_slot(slot, ws)) best->slots[slot.name] = *v;
  }
  return best;
}

}  // namespace parley::voice

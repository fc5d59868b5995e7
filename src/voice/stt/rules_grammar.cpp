#include "voice/stt/rules_grammar.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "voice/text/words.hpp"

namespace parley::voice {
namespace {

// Frequent English words (the first of a list of the most frequent ones, in its order; nothing
// picked for a test set): the out-of-grammar alternative is built from those not in any phrase.
constexpr std::string_view kGarbagePool[] = {
    "the",   "of",    "to",     "and",   "a",      "in",    "is",    "it",    "you",    "that",  "he",    "was",
    "for",   "on",    "are",    "with",  "as",     "his",   "they",  "be",    "at",     "have",  "this",  "from",
    "or",    "had",   "by",     "hot",   "word",   "but",   "what",  "some",  "we",     "can",   "out",   "other",
    "were",  "all",   "there",  "when",  "up",     "use",   "your",  "how",   "said",   "an",    "each",  "she",
    "which", "do",    "their",  "time",  "if",     "will",  "way",   "about", "many",   "then",  "them",  "write",
    "would", "like",  "so",     "these", "her",    "long",  "make",  "thing", "see",    "him",   "has",   "look",
    "more",  "day",   "could",  "go",    "come",   "did",   "sound", "no",    "most",   "people", "over", "know",
    "water", "than",  "call",   "first", "who",    "may",   "down",  "side",  "been",   "now",   "find",  "any",
    "new",   "work",  "part",   "take",  "get",    "place", "made",  "live",  "where",  "after", "back",  "little",
    "only",  "round", "man",    "year",  "came",   "show",  "every", "good",  "me",     "give",  "our",   "under",
    "name",  "very",  "through", "just", "form",   "great", "think", "say",   "help",   "low",   "line",  "differ",
    "turn",  "cause", "much",   "mean",  "before", "move",  "right", "boy",   "old",    "too",   "same",  "tell",
    "does",  "set",   "three",  "want",  "air",    "well",  "also",  "play",  "small",  "end",   "put",   "home",
    "read",  "hand",  "port",   "large", "spell",  "add",   "even",  "land",  "here",   "must",  "big",   "high",
    "such",  "follow", "act",   "why",   "ask",    "men",   "change", "went", "light",  "kind",  "off",   "need",
    "house", "picture", "try",  "us",    "again",  "animal", "point", "mother", "world", "near", "build", "self",
    "earth", "father", "head",  "stand", "own",    "page",  "should", "country", "found", "answer", "school", "grow",
    "study", "still", "learn",  "plant", "cover",  "food",  "sun",   "four",  "between", "state", "keep",  "eye",
    "never", "last",  "let",    "thought", "city", "tree",  "cross", "farm",  "hard",   "start", "might", "story",
    "saw",   "far",   "sea",    "draw",  "left",   "late",  "run",   "while", "press",  "close", "night", "real",
    "life",  "few",   "north",  "open",  "seem",   "together", "next", "white", "children", "begin", "got", "walk",
    "example", "ease", "paper", "group", "always", "music", "those", "both", "mark",    "often", "letter", "until",
    "mile",  "river", "car",    "feet",  "care",   "second", "book", "carry", "took",   "science", "eat", "room",
    "friend", "began", "idea",  "fish",  "mountain", "stop", "once", "base",  "hear",   "horse", "cut",   "sure",
    "watch", "color", "face",   "wood",  "main",   "enough", "plain", "girl", "usual",  "young", "ready", "above",
    "ever",  "red",   "list",   "though", "feel",  "talk",  "bird",  "soon",  "body",   "dog",   "family", "direct",
    "pose",  "leave", "song",   "measure", "door", "product", "black", "short", "numeral", "class", "wind", "question",
    "happen", "complete", "ship", "area", "half",  "rock",  "order", "fire",  "south",  "problem", "piece", "told",
    "knew",  "pass",  "since",  "top",   "whole",  "king",  "space", "heard", "best",   "hour",  "better", "true",
    "during", "hundred", "five", "remember", "step", "early", "hold", "west", "ground", "interest", "reach", "fast",
    "verb",  "sing",  "listen", "six",   "table",  "travel", "less", "morning", "ten",  "simple", "several", "vowel",
    "toward", "war",  "lay",    "against", "pattern", "slow", "center", "love", "person", "money", "serve", "appear",
    "road",  "map",   "rain",   "rule",  "govern", "pull",  "cold",  "notice", "voice", "unit",  "power", "town",
    "fine",  "certain", "fly",  "fall",  "lead",   "cry",   "dark",  "machine", "note", "wait",  "plan",  "figure",
    "star",  "box",   "noun",   "field", "rest",   "correct", "able", "pound", "done",  "beauty", "drive", "stood",
    "contain", "front", "teach", "week", "final",  "gave",  "green", "oh",    "quick",  "develop", "ocean", "warm",
    "free",  "minute", "strong", "special", "mind", "behind", "clear", "tail", "produce", "fact", "street", "inch"};

// What callers say around a phrase: "um where is my order", "i want to cancel my account please".
constexpr std::string_view kLead[] = {"please", "um",     "uh",     "yes",       "yeah",      "okay",
                                      "so",     "well",   "hi",     "hello",     "sorry",     "thanks",
                                      "i want to", "i need to", "i would like to", "can you", "can i"};
constexpr std::string_view kTail[] = {"please", "thanks", "thank you"};

// "<x> [<x> [<x>]]": one to `max` of `rule`. Not "<x>+": sphinxbase compiles a rule that is only a
// Kleene plus into a loop back to the state the rule was entered from, and where that state also
// starts other alternatives the search leaves the rule for them ("<garbage> = <gw>+" decoded as
// "minute interest until bye", garbage words running into a phrase).
std::string one_to(std::string_view rule, int max) {
  std::string out(rule);
  for (int i = 1; i < max; ++i) out += " [" + std::string(rule);
  out.append(static_cast<std::size_t>(max - 1), ']');
  return out;
}

constexpr int kMaxGarbageWords = 12;  // more than an out-of-grammar sentence has long words
constexpr int kMaxDigits = 20;        // card numbers (16), E.164 numbers (15)

std::string rule_name(std::string_view slot) {
  std::string out = "slot_";
  for (char c : slot) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

class Builder {
 public:
  Builder(const Pronounce& pronounce, const GrammarOptions& opt)
      : pronounce_(pronounce), known_([this](std::string_view w) { return !pronounce_(w).empty(); }), opt_(opt) {}

  RulesGrammar build(const RulesSpec& rules) {
    std::vector<std::string> alternatives;
    for (const auto& intent : rules.intents) add_intent(intent, alternatives);
    if (alternatives.empty()) return std::move(out_);
    std::ostringstream g;
    g << "#JSGF V1.0;\ngrammar parley;\n";
    g << "public <utt> = ";
    bool garbage = opt_.garbage && !garbage_words().empty();
    if (garbage) g << "/1/ ";
    g << "<intent>";
    if (garbage) g << " | /" << opt_.garbage_weight << "/ <garbage>";
    g << ";\n<intent> = " << (opt_.fillers ? "[<lead>] " : "") << "( ";
    for (std::size_t i = 0; i < alternatives.size(); ++i) g << (i ? " | " : "") << alternatives[i];
    g << " )" << (opt_.fillers ? " [<tail>]" : "") << ";\n";
    if (opt_.fillers) {
      g << "<lead> = " << alternatives_of(kLead) << ";\n";
      g << "<tail> = " << alternatives_of(kTail) << ";\n";
    }
    for (const auto& r : rules_) g << r << "\n";
    if (garbage) {
      g << "<gw> = ";
      for (std::size_t i = 0; i < out_.garbage_words.size(); ++i) g << (i ? " | " : "") << out_.garbage_words[i];
      g << ";\n<garbage> = " << one_to("<gw>", kMaxGarbageWords) << ";\n";
    }
    out_.jsgf = g.str();
    out_.vocabulary.assign(vocab_.begin(), vocab_.end());
    return std::move(out_);
  }

 private:
  template <std::size_t N>
  std::string alternatives_of(const std::string_view (&list)[N]) {
    std::string s;
    for (auto w : list) {
      auto ws = text::words(w);
      if (!std::all_of(ws.begin(), ws.end(), [&](const std::string& x) { return known_(x); })) continue;
      for (const auto& x : ws) vocab_.insert(x);
      s += (s.empty() ? "" : " | ") + text::join(ws);
    }
    return s;
  }

  const std::vector<std::string>& garbage_words() {
    if (garbage_done_) return out_.garbage_words;
    garbage_done_ = true;
    std::set<std::string> exclude = vocab_;
    for (auto w : kLead) {
      for (const auto& x : text::words(w)) exclude.insert(x);
    }
    for (auto w : kTail) {
      for (const auto& x : text::words(w)) exclude.insert(x);
    }
    std::vector<std::vector<std::string>> vocabulary;
    for (const auto& v : vocab_) vocabulary.push_back(pronounce_(v));
    for (auto w : kGarbagePool) {
      std::string s(w);
      auto ph = pronounce_(s);
      if (exclude.contains(s) || ph.size() < static_cast<std::size_t>(opt_.garbage_min_phones)) continue;
      bool look_alike = std::any_of(vocabulary.begin(), vocabulary.end(), [&](const std::vector<std::string>& v) {
        return !v.empty() && text::edit_distance(ph, v) <= std::max<std::size_t>(1, ph.size() / 3);
      });
      if (!look_alike) out_.garbage_words.push_back(s);
    }
    return out_.garbage_words;
  }

  // The JSGF expansion of a slot, or "" when it cannot be one (a regular expression).
  std::string slot_rule(const SlotSpec& slot) {
    switch (slot.kind) {
      case SlotSpec::Kind::digits: return ensure_digits();
      case SlotSpec::Kind::number: return ensure_number();
      case SlotSpec::Kind::choice: {
        std::string name = rule_name(slot.name) + "_" + std::to_string(rules_.size());
        std::string alts;
        for (const auto& c : slot.choices) {
          auto ws = text::words(c);
          if (ws.empty() || !std::all_of(ws.begin(), ws.end(), [&](const std::string& x) { return known_(x); })) continue;
          for (const auto& x : ws) vocab_.insert(x);
          alts += (alts.empty() ? "" : " | ") + text::join(ws);
        }
        if (alts.empty()) return {};
        rules_.push_back("<" + name + "> = " + alts + ";");
        return "<" + name + ">";
      }
      case SlotSpec::Kind::pattern: return {};
    }
    return {};
  }

  std::string ensure_digits() {
    if (!digits_) {
      digits_ = true;
      std::string alts;
      for (const auto& w : text::digit_words()) alts += (alts.empty() ? "" : " | ") + w;
      if (known_("oh")) alts += " | oh";
      rules_.push_back("<digit> = " + alts + ";");
      rules_.push_back("<digits> = " + one_to("<digit>", kMaxDigits) + ";");
      for (const auto& w : text::digit_words()) vocab_.insert(w);
      vocab_.insert("oh");
    }
    return "<digits>";
  }

  std::string ensure_number() {
    if (!number_) {
      number_ = true;
      ensure_digits();
      rules_.push_back("<n_unit> = one | two | three | four | five | six | seven | eight | nine;");
      rules_.push_back(
          "<n_teen> = ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen | nineteen;");
      rules_.push_back("<n_tens> = twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety;");
      rules_.push_back("<n_99> = zero | <n_unit> | <n_teen> | <n_tens> [<n_unit>];");
      rules_.push_back("<n_999> = <n_99> | <n_unit> hundred [[and] <n_99>];");
      rules_.push_back("<number> = <n_999> [thousand [[and] <n_999>]];");
      for (const auto& w : text::number_words()) vocab_.insert(w);
    }
    return "<number>";
  }

  void add_intent(const IntentSpec& intent, std::vector<std::string>& alternatives) {
    // Slots no phrase names may follow any phrase of the intent.
    std::string trailing;
    for (const auto& slot : intent.slots) {
      bool named = std::any_of(intent.phrases.begin(), intent.phrases.end(), [&](const std::string& p) {
        return p.find("{" + slot.name + "}") != std::string::npos;
      });
      if (named) continue;
      if (auto r = slot_rule(slot); !r.empty()) trailing += " [" + r + "]";
    }
    for (const auto& phrase : intent.phrases) {
      auto ws = text::words(phrase);
      std::string expansion;
      std::vector<std::string> plain;
      bool ok = !ws.empty();
      bool has_slot = false;
      for (const auto& w : ws) {
        if (auto name = text::placeholder(w)) {
          auto it = std::find_if(intent.slots.begin(), intent.slots.end(), [&](const SlotSpec& s) { return s.name == *name; });
          std::string r = it == intent.slots.end() ? std::string() : slot_rule(*it);
          if (r.empty()) r = ensure_digits();  // an unknown or regex slot: digits are the common case
          expansion += (expansion.empty() ? "" : " ") + r;
          has_slot = true;
        } else if (known_(w)) {
          expansion += (expansion.empty() ? "" : " ") + w;
          plain.push_back(w);
        } else {
          ok = false;
          break;
        }
      }
      if (!ok) {
        out_.skipped.push_back(phrase);
        continue;
      }
      for (const auto& w : plain) vocab_.insert(w);
      if (!has_slot) out_.keyphrases.push_back(text::join(plain));
      alternatives.push_back("( " + expansion + trailing + " )");
    }
    if (!intent.dtmf.empty() && intent.dtmf.find_first_not_of("0123456789") == std::string::npos) {
      std::string spoken;
      for (char d : intent.dtmf) spoken += (spoken.empty() ? "" : " ") + text::digit_words()[d - '0'];
      ensure_digits();
      std::string lead;
      for (auto w : {"press", "option", "number"}) {
        if (known_(w)) {
          lead += (lead.empty() ? "" : " | ") + std::string(w);
          vocab_.insert(w);
        }
      }
      alternatives.push_back("( " + (lead.empty() ? "" : "[" + lead + "] ") + spoken + " )");
    }
  }

  const Pronounce& pronounce_;
  std::function<bool(std::string_view)> known_;
  const GrammarOptions& opt_;
  RulesGrammar out_;
  std::set<std::string> vocab_;
  std::vector<std::string> rules_;
  bool digits_ = false;
  bool number_ = false;
  bool garbage_done_ = false;
};

}  // namespace

RulesGrammar build_rules_grammar(const RulesSpec& rules, const Pronounce& pronounce, const GrammarOptions& options) {
  return Builder(pronounce, options).build(rules);
}

std::string strip_garbage(std::string_view hypothesis, const std::vector<std::string>& garbage_words) {
  std::vector<std::string> kept;
  for (auto& w : text::words(hypothesis)) {
    if (std::find(garbage_words.begin(), garbage_words.end(), w) == garbage_words.end()) kept.push_back(std::move(w));
  }
  return text::join(kept);
}

}  // namespace parley::voice

#pragma once
// Words as the recognizers and the rules agent compare them: lower case, punctuation dropped
// (apostrophes kept: "i'm"), digits spelled out ("press 1" -> "press one"), and slot placeholders
// ("{order_number}") kept as single tokens.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::voice::text {

std::vector<std::string> words(std::string_view text);
std::string join(const std::vector<std::string>& words, std::string_view sep = " ");

// Levenshtein distance between two token sequences (words, or phones): the fewest insertions,
// deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(const std::vector<std::string>& a, const std::vector<std::string>& b);

// "{name}" -> "name"; nullopt for an ordinary word.
std::optional<std::string_view> placeholder(std::string_view token);

// The spoken words for digits 0-9 ("zero" .. "nine"); "oh" is also read as zero.
const std::vector<std::string>& digit_words();
// '0'..'9' for a digit word ("oh" -> '0'), nullopt otherwise.
std::optional<char> digit_of(std::string_view word);
// Digits read out in order: {"one","two","oh"} -> "120"; nullopt if any word is not a digit.
std::optional<std::string> digits_of(const std::vector<std::string>& words);

// The words of cardinal numbers up to 999999 ("twenty", "hundred", "thousand", "and", ...).
const std::vector<std::string>& number_words();
// A cardinal number read out: {"two","hundred","and","five"} -> 205; nullopt if not one.
std::optional<long> number_of(const std::vector<std::string>& words);

}  // namespace parley::voice::text

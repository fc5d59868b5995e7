#include "voice/text/sentence_splitter.hpp"

#include <array>
#include <cctype>

namespace parley::voice::text {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// The word ending at `dot` is an abbreviation that does not end a sentence.
bool abbreviation(std::string_view text, std::size_t dot) {
  static constexpr std::array<std::string_view, 12> kAbbrev = {"mr", "mrs", "ms", "dr", "st", "vs",
                                                               "e.g", "i.e", "etc", "no", "jr", "sr"};
  std::size_t start = dot;
  while (start > 0 && !is_space(text[start - 1])) --start;
  std::string word;
  for (std::size_t i = start; i < dot; ++i) word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
  for (auto a : kAbbrev) {
    if (word == a) return true;
  }
  return word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]));  // initials: "J. Smith"
}

}  // namespace

std::vector<std::string> SentenceSplitter::push(std::string_view chunk) {
  pending_.append(chunk);
  return take(false);
}

std::vector<std::string> SentenceSplitter::finish() { return take(true); }

std::vector<std::string> SentenceSplitter::take(bool at_end) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    char c = pending_[i];
    bool end_mark = c == '.' || c == '!' || c == '?' || c == '\n';
    if (!end_mark) {
      if (i - begin + 1 >= max_chars_) {  // too long: cut at the last comma or space
        std::size_t cut = pending_.find_last_of(",;", i);
        if (cut == std::string::npos || cut < begin) cut = pending_.find_last_of(' ', i);
        if (cut == std::string::npos || cut <= begin) cut = i;
        if (auto s = trim(std::string_view(pending_).substr(begin, cut + 1 - begin)); !s.empty()) out.push_back(s);
        begin = cut + 1;
      }
      continue;
    }
    std::size_t j = i + 1;
    while (j < pending_.size() && (pending_[j] == '.' || pending_[j] == '!' || pending_[j] == '?' ||
                                   pending_[j] == '"' || pending_[j] == '\'' || pending_[j] == ')')) {
      ++j;
    }
    if (j == pending_.size() && !at_end) break;  // the next chunk may continue it ("3." + "5")
    if (j < pending_.size() && !is_space(pending_[j])) continue;
    if (c == '.' && abbreviation(pending_, i)) continue;
    if (auto s = trim(std::string_view(pending_).substr(begin, j - begin)); !s.empty()) out.push_back(s);
    begin = j;
    i = j - 1;
  }
  if (at_end) {
    if (auto s = trim(std::string_view(pending_).substr(begin)); !s.empty()) out.push_back(s);
    pending_.clear();
  } else {
    pending_.erase(0, begin);
  }
  return out;
}

}  // namespace parley::voice::text

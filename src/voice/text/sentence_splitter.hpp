#pragma once
// Cuts streamed reply text into sentences for TTS, so the first sentence is spoken while the rest is
// still being generated or synthesized. A sentence ends at . ! ? (or a newline) followed by a space
// or the end of the reply; "Dr." "e.g." and decimals ("3.5") do not end one. A sentence longer than
// `max_chars` is cut at the last comma or space before it, so no piece waits too long.
#include <string>
#include <string_view>
#include <vector>

namespace parley::voice::text {

class SentenceSplitter {
 public:
  explicit SentenceSplitter(std::size_t max_chars = 240) : max_chars_(max_chars) {}
  // Adds streamed text; returns the sentences it completed (trimmed, never empty).
  std::vector<std::string> push(std::string_view chunk);
  // The end of the reply: whatever is left, if anything.
  std::vector<std::string> finish();
  void reset() { pending_.clear(); }

 private:
  std::vector<std::string> take(bool at_end);
  std::size_t max_chars_;
  std::string pending_;
};

}  // namespace parley::voice::text

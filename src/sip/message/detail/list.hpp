#pragma once
// Splits a header value at top-level commas (not inside quoted strings or <...>), RFC 3261 s7.3.1.
#include <string_view>

#include "sip/message/detail/scan.hpp"

namespace parley::sip::detail {

// Takes the next element off `rest` into `out` (trimmed). Returns false when `rest` is
// exhausted; sets `bad` on an unbalanced quote/bracket or an empty element (",,").
inline bool next_element(std::string_view& rest, std::string_view& out, bool& bad) noexcept {
  if (trim(rest).empty()) return false;
  const std::size_t comma = find_top_level(rest, ',');
  if (comma == std::string_view::npos) {
    bad = true;
    return false;
  }
  out = trim(rest.substr(0, comma));
  rest = comma < rest.size() ? rest.substr(comma + 1) : std::string_view{};
  if (out.empty()) {
    bad = true;
    return false;
  }
  return true;
}

}  // namespace parley::sip::detail

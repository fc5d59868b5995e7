#pragma once
// Small text helpers shared by media's parsers (SDP attributes, fmtp parameters).
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/text.hpp"

namespace parley::media::detail {

// Parses the whole of `text` as an unsigned decimal; nothing else may follow.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

using core::iequals;
using core::trim;
// Splits on any run of the separator; empty pieces are dropped.
std::vector<std::string_view> split(std::string_view text, char separator);
// Splits at the first separator: {before, after}; after is empty when absent.
std::pair<std::string_view, std::string_view> split_once(std::string_view text, char separator);

}  // namespace parley::media::detail

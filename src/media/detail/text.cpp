#include "media/detail/text.hpp"

namespace parley::media::detail {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find(separator, start);
    const auto piece = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!piece.empty()) parts.push_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::pair<std::string_view, std::string_view> split_once(std::string_view text, char separator) {
  const auto pos = text.find(separator);
  if (pos == std::string_view::npos) return {text, {}};
  return {text.substr(0, pos), text.substr(pos + 1)};
}

}  // namespace parley::media::detail

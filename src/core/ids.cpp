#include "core/ids.hpp"

#include "core/crypto.hpp"

namespace parley::core {
namespace {
constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
}

std::string random_token(std::size_t length) {
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    auto bytes = random_bytes(length * 2);
    for (unsigned char b : bytes) {
      if (b >= 248) continue;  // 248 = 4 * 62: reject to keep the distribution uniform
      out.push_back(kBase62[b % 62]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string new_id(std::string_view prefix) {
  std::string id(prefix);
  id.push_back('_');
  id += random_token(20);
  return id;
}

bool is_id_of(std::string_view id, std::string_view prefix) noexcept {
  if (id.size() <= prefix.size() + 1 || id.size() > prefix.size() + 65) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (kBase62.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace parley::core

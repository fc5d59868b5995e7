#include "call/inbound_router.hpp"

#include "call/e164.hpp"

namespace parley::call {

bool is_contact_uri(std::string_view uri) {
  if (!uri.starts_with("sip:") && !uri.starts_with("sips:")) return false;
  for (unsigned char c : uri) {
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == ',') return false;
  }
  return true;
}

std::optional<std::string> normalize_did(std::string_view user) {
  auto semicolon = user.find(';');  // user parameters (RFC 3261 s19.1.1), e.g. ";npdi"
  user = user.substr(0, semicolon);
  if (user.empty()) return std::nullopt;
  std::string e164 = user.front() == '+' ? std::string(user) : "+" + std::string(user);
  auto info = parse_e164(e164);
  if (!info) return std::nullopt;
  return info->e164;
}

}  // namespace parley::call

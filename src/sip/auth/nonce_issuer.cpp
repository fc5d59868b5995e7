#include "sip/auth/nonce_issuer.hpp"

#include <cstdio>

#include "core/crypto.hpp"
#include "sip/message/detail/scan.hpp"

namespace parley::sip::auth {
namespace {

constexpr std::size_t kTimeHex = 16;
constexpr std::size_t kRandomHex = 16;
constexpr std::size_t kMacHex = 32;
constexpr std::chrono::seconds kClockSkew{5};

}  // namespace

NonceIssuer::NonceIssuer(std::string key, std::chrono::seconds lifetime) : key_(std::move(key)), lifetime_(lifetime) {}

std::string NonceIssuer::mac(std::string_view payload) const {
  return core::to_hex(core::hmac_sha256(key_, payload)).substr(0, kMacHex);
}

std::string NonceIssuer::issue(Clock::time_point now) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  char time_hex[kTimeHex + 1];
  std::snprintf(time_hex, sizeof time_hex, "%016llx", static_cast<unsigned long long>(seconds));
  std::string nonce = std::string(time_hex) + core::to_hex(core::random_bytes(kRandomHex / 2));
  nonce += mac(nonce);
  return nonce;
}

NonceState NonceIssuer::check(std::string_view nonce, Clock::time_point now) const {
  if (nonce.size() != kTimeHex + kRandomHex + kMacHex) return NonceState::invalid;
  for (char c : nonce) {
    if (!detail::is_hex(c)) return NonceState::invalid;
  }
  const std::string_view payload = nonce.substr(0, kTimeHex + kRandomHex);
  if (!core::constant_time_equal(mac(payload), nonce.substr(kTimeHex + kRandomHex))) return NonceState::invalid;
  unsigned long long issued = 0;
  for (char c : nonce.substr(0, kTimeHex)) {
    issued = issued * 16 + static_cast<unsigned long long>(detail::is_digit(c) ? c - '0' : detail::ascii_lower(c) - 'a' + 10);
  }
  const auto issued_at = Clock::time_point(std::chrono::seconds(issued));
  if (issued_at > now + kClockSkew) return NonceState::invalid;
  return now - issued_at > lifetime_ ? NonceState::expired : NonceState::valid;
}

}  // namespace parley::sip::auth

#pragma once
// Stateless digest nonces (RFC 2617 s3.2.1, RFC 7616 s5.4): hex(issue time) | hex(random) |
// HMAC-SHA256 over both, so a server verifies and expires them without storing anything.
#include <chrono>
#include <string>
#include <string_view>

namespace parley::sip::auth {

enum class NonceState { valid, expired, invalid };

class NonceIssuer {
 public:
  using Clock = std::chrono::system_clock;

  // `key`: secret HMAC key (at least 16 bytes, e.g. core::random_bytes(32)).
  NonceIssuer(std::string key, std::chrono::seconds lifetime);

  std::string issue(Clock::time_point now) const;
  // expired: authentic but older than the lifetime (answer with stale=true, RFC 2617 s3.2.1).
  NonceState check(std::string_view nonce, Clock::time_point now) const;

 private:
  std::string mac(std::string_view payload) const;

  std::string key_;
  std::chrono::seconds lifetime_;
};

}  // namespace parley::sip::auth

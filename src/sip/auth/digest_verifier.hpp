#pragma once
// Server side of SIP digest (RFC 3261 s22.4): issues challenges and verifies credentials
// against a password or a stored HA1, with stateless nonces and replay protection.
#include <string>
#include <string_view>

#include "sip/auth/digest.hpp"
#include "sip/auth/nonce_issuer.hpp"
#include "sip/auth/replay_guard.hpp"

namespace parley::sip::auth {

enum class VerifyResult {
  ok,
  stale,     // authentic but expired nonce: challenge again with stale=true
  rejected,  // wrong response, realm, nonce or algorithm: challenge again (401/407)
  replayed,  // (nonce, nc) already used
};

struct Secret {
  std::string_view password;  // either the password...
  std::string_view ha1;       // ...or H(username:realm:password) in the realm's algorithm
};

class DigestVerifier {
 public:
  DigestVerifier(std::string realm, const NonceIssuer& issuer, ReplayGuard& replay);

  // A WWW-Authenticate / Proxy-Authenticate value with qop="auth" and a fresh nonce.
  std::string challenge(NonceIssuer::Clock::time_point now, bool stale = false,
                        DigestAlgorithm algorithm = DigestAlgorithm::md5) const;

  VerifyResult verify(const DigestCredentials& credentials, std::string_view method, const Secret& secret,
                      NonceIssuer::Clock::time_point now, std::string_view body = {}) const;

 private:
  std::string realm_;
  const NonceIssuer& issuer_;
  ReplayGuard& replay_;
};

}  // namespace parley::sip::auth

#pragma once
// Digest authentication of inbound INVITEs from trunks that require it (RFC 3261 s22.4):
// verifies the Authorization header, or answers 401 offering SHA-256 and MD5 (RFC 8760 s2.4).
//
//   if (!auth.authorize(*call, [&](std::string_view user) { return password_for(user); })) return;  // 401 sent
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/auth/digest_verifier.hpp"
#include "sip/dialog/incoming_call.hpp"

namespace parley::sip {

class ServerAuth {
 public:
  using PasswordLookup = std::function<std::optional<std::string>(std::string_view username)>;

  // `offered`: the algorithms challenged with, preferred first (RFC 8760 s2.4).
  ServerAuth(std::string realm, std::string nonce_key,
             std::vector<auth::DigestAlgorithm> offered = {auth::DigestAlgorithm::sha256, auth::DigestAlgorithm::md5},
             std::chrono::seconds nonce_lifetime = std::chrono::seconds(300));

  // True when the INVITE carries valid credentials; otherwise the call was answered 401 (stale
  // when the nonce merely expired) and is over.
  bool authorize(IncomingCall& call, const PasswordLookup& password_of);

 private:
  std::vector<auth::DigestAlgorithm> offered_;
  auth::NonceIssuer issuer_;
  auth::ReplayGuard replay_;
  auth::DigestVerifier verifier_;
};

}  // namespace parley::sip

#pragma once
// Digest authentication of inbound INVITEs from trunks that require it (RFC 3261 s22.4):
// verifies the Authorization header, or answers 401 offering SHA-256 and MD5 (RFC 8760 s2.4).
//
//   if (!auth.authorize(*call, [&](std::string_view user) { return password_for(user); })) return;  // 401 sent
//   if (!auth.authorize(*call, {realm, algorithms}, lookup)) return;   // a trunk's own realm and challenges
//
// Stateful (the replay guard): use one instance from one thread.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sip/auth/digest_verifier.hpp"
#include "sip/dialog/incoming_call.hpp"

namespace parley::sip {

class ServerAuth {
 public:
  using PasswordLookup = std::function<std::optional<std::string>(std::string_view username)>;

  // The protection space of one check (RFC 2617 s1.2) and the challenges offered, preferred first.
  struct Space {
    std::string_view realm;
    std::span<const auth::DigestAlgorithm> offered;
  };

  // `realm` and `offered`: the defaults for authorize() without a Space. Nonces are keyed by
  // `nonce_key`, so every instance with the same key (after a restart, on another node) accepts them.
  ServerAuth(std::string realm, std::string nonce_key,
             std::vector<auth::DigestAlgorithm> offered = {auth::DigestAlgorithm::sha256, auth::DigestAlgorithm::md5},
             std::chrono::seconds nonce_lifetime = std::chrono::seconds(300));

  // True when the INVITE carries valid credentials in the offered algorithms; otherwise the call
  // was answered 401 (stale when the nonce merely expired) and is over.
  bool authorize(IncomingCall& call, const PasswordLookup& password_of);
  bool authorize(IncomingCall& call, const Space& space, const PasswordLookup& password_of);

 private:
  std::string realm_;
  std::vector<auth::DigestAlgorithm> offered_;
  auth::NonceIssuer issuer_;
  auth::ReplayGuard replay_;
};

}  // namespace parley::sip

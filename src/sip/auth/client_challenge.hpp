#pragma once
// The UAC side of digest (RFC 3261 s22.2): which challenge of a 401/407 to answer, and in which
// header. Shared by every request this node authenticates (INVITE, REGISTER).
//
//   if (auto c = auth::pick_challenge(response)) {
//     extra.emplace_back(c->header_name(), auth::build_authorization(c->digest, user, password, {"REGISTER", uri}));
//   }
#include <optional>
#include <string_view>

#include "sip/auth/digest.hpp"
#include "sip/message/message.hpp"

namespace parley::sip::auth {

struct Challenge {
  DigestChallenge digest;
  bool proxy = false;  // 407 Proxy-Authenticate: answered in Proxy-Authorization (s22.3)
  std::string_view header_name() const noexcept { return proxy ? "Proxy-Authorization" : "Authorization"; }
};

// The strongest Digest challenge a 401 or 407 offers (RFC 8760 s2.4: SHA-256 before MD5);
// nullopt for other statuses or when no challenge parses.
std::optional<Challenge> pick_challenge(const Message& response);

}  // namespace parley::sip::auth

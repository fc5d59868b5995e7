#include "sip/ua/server_auth.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::sip {

ServerAuth::ServerAuth(std::string realm, std::string nonce_key, std::vector<auth::DigestAlgorithm> offered,
                       std::chrono::seconds nonce_lifetime)
    : offered_(std::move(offered)),
      issuer_(std::move(nonce_key), nonce_lifetime), verifier_(std::move(realm), issuer_, replay_) {}

bool ServerAuth::authorize(IncomingCall& call, const PasswordLookup& password_of) {
  const Message& invite = call.invite();
  const auto now = auth::NonceIssuer::Clock::now();
  bool stale = false;
  for (const Header& h : invite.headers()) {
    if (h.id != HeaderId::authorization) continue;
    auto credentials = auth::parse_credentials(h.value);
    if (!credentials) continue;
    auto password = password_of(credentials->username);
    if (!password) break;
    auto result = verifier_.verify(*credentials, invite.method(), auth::Secret{*password}, now, invite.body());
    if (result == auth::VerifyResult::ok) {
      spdlog::info("event=sip.auth.ok call_id={} user={} algorithm={}", core::log_value(invite.call_id()),
                   core::log_value(credentials->username), auth::to_string(credentials->algorithm));
      return true;
    }
    stale = result == auth::VerifyResult::stale;
    spdlog::info("event=sip.auth.failed call_id={} user={} stale={}", core::log_value(invite.call_id()),
                 core::log_value(credentials->username), stale);
    break;
  }
  // RFC 8760 s2.4: one challenge per algorithm, the preferred one first.
  HeaderList challenges;
  for (auto algorithm : offered_) challenges.emplace_back("WWW-Authenticate", verifier_.challenge(now, stale, algorithm));
  call.reject(401, "Unauthorized", challenges);
  return false;
}

}  // namespace parley::sip

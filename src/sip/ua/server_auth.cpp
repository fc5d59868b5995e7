#include "sip/ua/server_auth.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::sip {

ServerAuth::ServerAuth(std::string realm, std::string nonce_key, std::chrono::seconds nonce_lifetime)
    : issuer_(std::move(nonce_key), nonce_lifetime), verifier_(std::move(realm), issuer_, replay_) {}

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
    if (result == auth::VerifyResult::ok) return true;
    stale = result == auth::VerifyResult::stale;
    spdlog::info("event=sip.auth.failed call_id={} user={} stale={}", core::log_value(invite.call_id()),
                 core::log_value(credentials->username), stale);
    break;
  }
  // RFC 8760 s2.4: one challenge per algorithm, the preferred one first.
  HeaderList challenges{{"WWW-Authenticate", verifier_.challenge(now, stale, auth::DigestAlgorithm::sha256)},
                        {"WWW-Authenticate", verifier_.challenge(now, stale, auth::DigestAlgorithm::md5)}};
  call.reject(401, "Unauthorized", challenges);
  return false;
}

}  // namespace parley::sip

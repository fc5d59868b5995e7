#include "sip/ua/server_auth.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log.hpp"

namespace parley::sip {
namespace {

// (nonce, nc) pairs remembered: one nonce per challenged call, so this covers a nonce lifetime
// (300 s) at about 200 authenticated calls/s; beyond that the oldest are forgotten first.
constexpr std::size_t kReplayCapacity = 65536;

}  // namespace

ServerAuth::ServerAuth(std::string realm, std::string nonce_key, std::vector<auth::DigestAlgorithm> offered,
                       std::chrono::seconds nonce_lifetime)
    : realm_(std::move(realm)),
      offered_(std::move(offered)),
      issuer_(std::move(nonce_key), nonce_lifetime),
      replay_(kReplayCapacity) {}

bool ServerAuth::authorize(IncomingCall& call, const PasswordLookup& password_of) {
  return authorize(call, Space{realm_, offered_}, password_of);
}

bool ServerAuth::authorize(IncomingCall& call, const Space& space, const PasswordLookup& password_of) {
  const Message& invite = call.invite();
  const auto now = auth::NonceIssuer::Clock::now();
  const auth::DigestVerifier verifier(std::string(space.realm), issuer_, replay_);
  bool stale = false;
  for (const Header& h : invite.headers()) {
    if (h.id != HeaderId::authorization) continue;
    auto credentials = auth::parse_credentials(h.value);
    if (!credentials) continue;
    // Only what was offered: a caller must not pick a weaker algorithm than the trunk allows.
    if (std::find(space.offered.begin(), space.offered.end(), credentials->algorithm) == space.offered.end()) {
      spdlog::info("event=sip.auth.failed call_id={} user={} reason=algorithm_not_offered algorithm={}",
                   core::log_value(invite.call_id()), core::log_value(credentials->username),
                   auth::to_string(credentials->algorithm));
      break;
    }
    auto password = password_of(credentials->username);
    if (!password) {
      spdlog::info("event=sip.auth.failed call_id={} user={} reason=unknown_user", core::log_value(invite.call_id()),
                   core::log_value(credentials->username));
      break;
    }
    auto result = verifier.verify(*credentials, invite.method(), auth::Secret{*password}, now, invite.body());
    if (result == auth::VerifyResult::ok) {
      spdlog::info("event=sip.auth.ok call_id={} user={} algorithm={}", core::log_value(invite.call_id()),
                   core::log_value(credentials->username), auth::to_string(credentials->algorithm));
      return true;
    }
    stale = result == auth::VerifyResult::stale;
    spdlog::info("event=sip.auth.failed call_id={} user={} reason={}", core::log_value(invite.call_id()),
                 core::log_value(credentials->username),
                 stale ? "stale" : result == auth::VerifyResult::replayed ? "replayed" : "rejected");
    break;
  }
  // RFC 8760 s2.4: one challenge per algorithm, the preferred one first.
  HeaderList challenges;
  for (auto algorithm : space.offered) challenges.emplace_back("WWW-Authenticate", verifier.challenge(now, stale, algorithm));
  call.reject(401, "Unauthorized", challenges);
  return false;
}

}  // namespace parley::sip

#include "sip/auth/digest_verifier.hpp"

#include "core/crypto.hpp"
#include "sip/message/detail/scan.hpp"

namespace parley::sip::auth {

DigestVerifier::DigestVerifier(std::string realm, const NonceIssuer& issuer, ReplayGuard& replay)
    : realm_(std::move(realm)), issuer_(issuer), replay_(replay) {}

std::string DigestVerifier::challenge(NonceIssuer::Clock::time_point now, bool stale,
                                      DigestAlgorithm algorithm) const {
  std::string out = "Digest realm=\"" + realm_ + "\", nonce=\"" + issuer_.issue(now) + "\", algorithm=";
  out.append(to_string(algorithm)).append(", qop=\"auth\"");
  if (stale) out.append(", stale=true");
  return out;
}

VerifyResult DigestVerifier::verify(const DigestCredentials& c, std::string_view method, const Secret& secret,
                                    NonceIssuer::Clock::time_point now, std::string_view body) const {
  if (c.realm != realm_) return VerifyResult::rejected;
  switch (issuer_.check(c.nonce, now)) {
    case NonceState::invalid: return VerifyResult::rejected;
    case NonceState::expired: return VerifyResult::stale;
    case NonceState::valid: break;
  }
  const std::string ha1 =
      secret.ha1.empty()
          ? compute_ha1(c.algorithm, c.username, c.realm, secret.password, c.nonce, c.cnonce)
          : (c.algorithm == DigestAlgorithm::md5_sess || c.algorithm == DigestAlgorithm::sha256_sess
                 ? session_ha1(c.algorithm, secret.ha1, c.nonce, c.cnonce)
                 : std::string(secret.ha1));
  const std::string expected = compute_response(c.algorithm, ha1, c.nonce, c.nc, c.cnonce, c.qop,
                                                DigestRequest{method, c.uri, body});
  if (!core::constant_time_equal(expected, c.response)) return VerifyResult::rejected;
  // RFC 2617 s3.2.2: nc is 8 hex digits; without qop the nonce itself is single-use (nc 0).
  std::uint32_t nc = 0;
  for (char ch : c.nc) {
    if (!detail::is_hex(ch)) return VerifyResult::rejected;
    nc = nc * 16 + static_cast<std::uint32_t>(detail::is_digit(ch) ? ch - '0' : detail::ascii_lower(ch) - 'a' + 10);
  }
  if (!c.qop.empty() && nc == 0) return VerifyResult::rejected;
  return replay_.accept(c.nonce, nc) ? VerifyResult::ok : VerifyResult::replayed;
}

}  // namespace parley::sip::auth

#pragma once
// HTTP Digest for SIP (RFC 3261 s22.4, RFC 2617, RFC 7616, RFC 8760): parsing challenges and
// credentials, computing responses (MD5, SHA-256 and their -sess forms; qop=auth, auth-int
// and the legacy no-qop form), and building a UAC's Authorization value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parley::sip::auth {

enum class DigestAlgorithm : std::uint8_t { md5, md5_sess, sha256, sha256_sess };

std::optional<DigestAlgorithm> parse_algorithm(std::string_view text) noexcept;  // case-insensitive
std::string_view to_string(DigestAlgorithm algorithm) noexcept;                   // "MD5", "SHA-256-sess"

// WWW-Authenticate / Proxy-Authenticate (RFC 2617 s3.2.1).
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string domain;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  bool qop_auth = false;
  bool qop_auth_int = false;
  bool stale = false;
};
core::Result<DigestChallenge> parse_challenge(std::string_view header_value);

// Authorization / Proxy-Authorization (RFC 2617 s3.2.2).
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string cnonce;
  std::string opaque;
  std::string qop;  // "", "auth" or "auth-int"
  std::string nc;   // 8 hex digits when qop is present
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
};
core::Result<DigestCredentials> parse_credentials(std::string_view header_value);

// H(username:realm:password), hex (RFC 2617 s3.2.2.2); the -sess forms add :nonce:cnonce.
std::string compute_ha1(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                        std::string_view password, std::string_view nonce = {}, std::string_view cnonce = {});
// For -sess algorithms when HA1 = H(user:realm:pass) is stored instead of the password.
std::string session_ha1(DigestAlgorithm algorithm, std::string_view ha1, std::string_view nonce,
                        std::string_view cnonce);

struct DigestRequest {
  std::string_view method;  // the SIP method
  std::string_view uri;     // digest-uri as sent
  std::string_view body;    // only for qop=auth-int
};
// request-digest (RFC 2617 s3.2.2.1, RFC 7616 s3.4.1); `qop` empty selects the RFC 2069 form.
std::string compute_response(DigestAlgorithm algorithm, std::string_view ha1, std::string_view nonce,
                             std::string_view nc, std::string_view cnonce, std::string_view qop,
                             const DigestRequest& request);

// The Authorization value a UAC sends for `challenge` (qop=auth when offered, else legacy).
// `cnonce` empty draws a random one; `nc` is the count of requests sent with this nonce.
std::string build_authorization(const DigestChallenge& challenge, std::string_view username,
                                std::string_view password, const DigestRequest& request,
                                std::uint32_t nc = 1, std::string_view cnonce = {});

}  // namespace parley::sip::auth

#include "sip/auth/digest.hpp"

#include <cstdio>

#include "core/crypto.hpp"
#include "sip/message/auth_header.hpp"
#include "sip/message/detail/scan.hpp"
#include "sip/message/name_addr.hpp"

namespace parley::sip::auth {
namespace {

bool is_sha256(DigestAlgorithm a) noexcept { return a == DigestAlgorithm::sha256 || a == DigestAlgorithm::sha256_sess; }
bool is_sess(DigestAlgorithm a) noexcept { return a == DigestAlgorithm::md5_sess || a == DigestAlgorithm::sha256_sess; }

std::string hash(DigestAlgorithm a, std::string_view data) {
  return is_sha256(a) ? core::sha256_hex(data) : core::md5_hex(data);
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back(':');
    first = false;
    out.append(p);
  }
  return out;
}

core::Result<AuthHeader> digest_header(std::string_view value) {
  auto h = parse_auth_header(value);
  if (!h) return core::fail(core::Errc::invalid_argument, "malformed auth header");
  if (!detail::iequals(h->scheme(), "Digest")) return core::fail(core::Errc::unsupported, "not a Digest scheme");
  return *h;
}

// Quoted values may carry quoted-pairs (RFC 2617 s1.2 via quoted-string).
std::string param(const AuthHeader& h, std::string_view name) {
  auto v = h.param(name);
  return v ? unquote(*v) : std::string{};
}

// quoted-string with '\' and '"' escaped (RFC 3261 s25.1).
void append_quoted(std::string& out, std::string_view name, std::string_view value) {
  if (out.back() != ' ') out.append(", ");
  out.append(name).append("=\"");
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::optional<DigestAlgorithm> parse_algorithm(std::string_view text) noexcept {
  if (detail::iequals(text, "MD5")) return DigestAlgorithm::md5;
  if (detail::iequals(text, "MD5-sess")) return DigestAlgorithm::md5_sess;
  if (detail::iequals(text, "SHA-256")) return DigestAlgorithm::sha256;
  if (detail::iequals(text, "SHA-256-sess")) return DigestAlgorithm::sha256_sess;
  return std::nullopt;
}

std::string_view to_string(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::md5: return "MD5";
    case DigestAlgorithm::md5_sess: return "MD5-sess";
    case DigestAlgorithm::sha256: return "SHA-256";
    case DigestAlgorithm::sha256_sess: return "SHA-256-sess";
  }
  return "MD5";
}

core::Result<DigestChallenge> parse_challenge(std::string_view header_value) {
  auto h = digest_header(header_value);
  if (!h) return std::unexpected(h.error());
  DigestChallenge c;
  c.realm = param(*h, "realm");
  c.nonce = param(*h, "nonce");
  c.opaque = param(*h, "opaque");
  c.domain = param(*h, "domain");
  if (c.nonce.empty()) return core::fail(core::Errc::invalid_argument, "challenge without nonce", "nonce");
  if (auto a = h->param("algorithm")) {
    auto alg = parse_algorithm(*a);
    if (!alg) return core::fail(core::Errc::unsupported, "unknown digest algorithm", "algorithm");
    c.algorithm = *alg;
  }
  if (auto s = h->param("stale")) c.stale = detail::iequals(*s, "true");
  // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT (RFC 2617 s3.2.1)
  std::string_view qops = h->param("qop").value_or("");
  while (!qops.empty()) {
    const auto comma = qops.find(',');
    const std::string_view q = detail::trim(qops.substr(0, comma));
    c.qop_auth = c.qop_auth || detail::iequals(q, "auth");
    c.qop_auth_int = c.qop_auth_int || detail::iequals(q, "auth-int");
    qops = comma == std::string_view::npos ? std::string_view{} : qops.substr(comma + 1);
  }
  return c;
}

core::Result<DigestCredentials> parse_credentials(std::string_view header_value) {
  auto h = digest_header(header_value);
  if (!h) return std::unexpected(h.error());
  DigestCredentials c;
  c.username = param(*h, "username");
  c.realm = param(*h, "realm");
  c.nonce = param(*h, "nonce");
  c.uri = param(*h, "uri");
  c.response = param(*h, "response");
  c.cnonce = param(*h, "cnonce");
  c.opaque = param(*h, "opaque");
  c.qop = param(*h, "qop");
  c.nc = param(*h, "nc");
  if (c.username.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty()) {
    return core::fail(core::Errc::invalid_argument, "credentials miss a required parameter");
  }
  if (auto a = h->param("algorithm")) {
    auto alg = parse_algorithm(*a);
    if (!alg) return core::fail(core::Errc::unsupported, "unknown digest algorithm", "algorithm");
    c.algorithm = *alg;
  }
  if (!c.qop.empty() && (c.nc.size() != 8 || c.cnonce.empty())) {
    return core::fail(core::Errc::invalid_argument, "qop without nc/cnonce", "nc");  // RFC 2617 s3.2.2
  }
  return c;
}

std::string compute_ha1(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                        std::string_view password, std::string_view nonce, std::string_view cnonce) {
  std::string ha1 = hash(algorithm, join({username, realm, password}));
  return is_sess(algorithm) ? session_ha1(algorithm, ha1, nonce, cnonce) : ha1;
}

std::string session_ha1(DigestAlgorithm algorithm, std::string_view ha1, std::string_view nonce,
                        std::string_view cnonce) {
  return hash(algorithm, join({ha1, nonce, cnonce}));  // RFC 2617 s3.2.2.2
}

std::string compute_response(DigestAlgorithm algorithm, std::string_view ha1, std::string_view nonce,
                             std::string_view nc, std::string_view cnonce, std::string_view qop,
                             const DigestRequest& request) {
  // A2 = Method ":" digest-uri [":" H(entity-body)] (RFC 2617 s3.2.2.3)
  const std::string ha2 = detail::iequals(qop, "auth-int")
                              ? hash(algorithm, join({request.method, request.uri, hash(algorithm, request.body)}))
                              : hash(algorithm, join({request.method, request.uri}));
  if (qop.empty()) return hash(algorithm, join({ha1, nonce, ha2}));  // RFC 2069 compatibility
  return hash(algorithm, join({ha1, nonce, nc, cnonce, qop, ha2}));
}

std::string build_authorization(const DigestChallenge& challenge, std::string_view username,
                                std::string_view password, const DigestRequest& request, std::uint32_t nc,
                                std::string_view cnonce) {
  const bool with_qop = challenge.qop_auth || challenge.qop_auth_int;
  const std::string qop = challenge.qop_auth ? "auth" : (challenge.qop_auth_int ? "auth-int" : "");
  const std::string own_cnonce = cnonce.empty() ? core::to_hex(core::random_bytes(12)) : std::string(cnonce);
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
  const std::string_view used_cnonce = with_qop || is_sess(challenge.algorithm) ? std::string_view(own_cnonce) : "";
  const std::string ha1 =
      compute_ha1(challenge.algorithm, username, challenge.realm, password, challenge.nonce, used_cnonce);
  const std::string response = compute_response(challenge.algorithm, ha1, challenge.nonce, with_qop ? nc_text : "",
                                                used_cnonce, qop, request);
  std::string out = "Digest ";
  append_quoted(out, "username", username);
  append_quoted(out, "realm", challenge.realm);
  append_quoted(out, "nonce", challenge.nonce);
  append_quoted(out, "uri", request.uri);
  append_quoted(out, "response", response);
  out.append(", algorithm=").append(to_string(challenge.algorithm));
  if (!used_cnonce.empty()) append_quoted(out, "cnonce", used_cnonce);
  if (!challenge.opaque.empty()) append_quoted(out, "opaque", challenge.opaque);
  if (with_qop) out.append(", qop=").append(qop).append(", nc=").append(nc_text);
  return out;
}

}  // namespace parley::sip::auth

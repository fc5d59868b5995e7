#include "carriers/twilio/signature.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "net/http_message.hpp"

namespace parley::carriers::twilio {
namespace {

struct UrlParts {
  std::string_view scheme_and_host;  // "https://user@host"
  std::string_view port;             // without ':'
  std::string_view rest;             // path, query, fragment
};

// Splits without normalising anything: the signed string must stay byte-for-byte what Twilio used.
bool split(std::string_view url, UrlParts& out) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  auto authority_start = scheme_end + 3;
  auto rest_start = url.find_first_of("/?#", authority_start);
  if (rest_start == std::string_view::npos) rest_start = url.size();
  auto authority = url.substr(authority_start, rest_start - authority_start);
  auto at = authority.rfind('@');
  auto host_start = at == std::string_view::npos ? 0 : at + 1;
  auto colon = authority.rfind(':');
  auto bracket = authority.rfind(']');
  if (colon != std::string_view::npos && colon >= host_start && (bracket == std::string_view::npos || colon > bracket)) {
    out.scheme_and_host = url.substr(0, authority_start + colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.scheme_and_host = url.substr(0, rest_start);
    out.port = {};
  }
  out.rest = url.substr(rest_start);
  return true;
}

bool is_https(std::string_view url) {
  return url.size() >= 8 && std::equal(url.begin(), url.begin() + 8, "https://", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

std::string with_default_port(std::string_view url) {
  UrlParts p;
  if (!split(url, p)) return std::string(url);
  if (!p.port.empty()) return std::string(url);
  return std::string(p.scheme_and_host) + (is_https(url) ? ":443" : ":80") + std::string(p.rest);
}

std::string without_port(std::string_view url) {
  UrlParts p;
  if (!split(url, p)) return std::string(url);
  return std::string(p.scheme_and_host) + std::string(p.rest);
}

std::string compute_signature(std::string_view auth_token, std::string_view url, const FormParams& params) {
  // Repeated names: each distinct value once, in sorted order (as Twilio's libraries do).
  FormParams sorted = params;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string data(url);
  for (const auto& [k, v] : sorted) {
    data += k;
    data += v;
  }
  return core::base64_encode(core::hmac_sha1(auth_token, data));
}

bool verify_signature(std::string_view auth_token, std::string_view signature, std::string_view url,
                      const FormParams& params) {
  if (auth_token.empty() || signature.empty()) return false;
  bool ok = false;
  // Every candidate is computed and compared, so timing does not tell which form matched.
  for (const auto& candidate : {without_port(url), with_default_port(url)}) {
    ok |= core::constant_time_equal(signature, compute_signature(auth_token, candidate, params));
  }
  return ok;
}

bool verify_body_signature(std::string_view auth_token, std::string_view signature, std::string_view url,
                           std::string_view body) {
  auto q = url.find('?');
  if (q == std::string_view::npos) return false;
  auto fragment = url.find('#', q);
  auto query = net::parse_query(url.substr(q + 1, fragment == std::string_view::npos ? std::string_view::npos
                                                                                     : fragment - q - 1));
  if (!query) return false;
  std::string expected_hash;
  for (const auto& [k, v] : *query) {
    if (k == "bodySHA256") expected_hash = v;
  }
  if (expected_hash.empty()) return false;
  bool signature_ok = verify_signature(auth_token, signature, url, {});
  bool body_ok = core::constant_time_equal(expected_hash, core::sha256_hex(body));
  return signature_ok && body_ok;
}

}  // namespace parley::carriers::twilio

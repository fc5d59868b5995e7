#include "carriers/plivo/signature.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "net/http_message.hpp"

namespace parley::carriers::plivo {

std::string signing_base(std::string_view method, std::string_view url, const FormParams& params) {
  if (method != "GET" && method != "POST") return {};
  auto fragment = url.find('#');
  if (fragment != std::string_view::npos) url = url.substr(0, fragment);
  auto q = url.find('?');
  std::string base(url.substr(0, q));
  FormParams query;
  if (q != std::string_view::npos) {
    auto parsed = net::parse_query(url.substr(q + 1));
    if (!parsed) return {};
    query = std::move(*parsed);
  }
  FormParams post;
  if (method == "GET") {
    query.insert(query.end(), params.begin(), params.end());
  } else {
    post = params;
  }
  std::sort(query.begin(), query.end());
  std::sort(post.begin(), post.end());
  std::string query_string;
  for (const auto& [k, v] : query) {
    if (!query_string.empty()) query_string += '&';
    query_string += k + "=" + v;
  }
  if (!query_string.empty() || !post.empty()) base += "?" + query_string;
  if (!query_string.empty() && !post.empty()) base += ".";
  for (const auto& [k, v] : post) base += k + v;
  return base;
}

std::string compute_signature_v3(std::string_view auth_token, std::string_view base, std::string_view nonce) {
  std::string data(base);
  data += '.';
  data += nonce;
  return core::base64_encode(core::hmac_sha256(auth_token, data));
}

bool verify_signature_v3(std::string_view method, std::string_view url, std::string_view nonce,
                         std::string_view auth_token, std::string_view signatures, const FormParams& params) {
  if (auth_token.empty() || nonce.empty() || signatures.empty()) return false;
  auto base = signing_base(method, url, params);
  if (base.empty()) return false;
  auto expected = compute_signature_v3(auth_token, base, nonce);
  bool ok = false;
  while (!signatures.empty()) {
    auto comma = signatures.find(',');
    auto one = signatures.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    ok |= core::constant_time_equal(one, expected);
    if (comma == std::string_view::npos) break;
    signatures.remove_prefix(comma + 1);
  }
  return ok;
}

}  // namespace parley::carriers::plivo

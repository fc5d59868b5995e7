#pragma once
// X-Plivo-Signature-V3 (Plivo "Validating requests"): base64(HMAC-SHA256(auth token,
// signing base + "." + X-Plivo-Signature-V3-Nonce)). The signing base follows Plivo's own
// libraries byte for byte: URL without query, then "?" and the query pairs sorted as "k=v" joined
// by "&" (decoded), then for a POST with parameters "." after a non-empty query (or "?" when there
// is none) and the sorted parameters as "keyvalue" with no separators.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::carriers::plivo {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Empty when `method` is neither GET nor POST or the URL's query is malformed.
std::string signing_base(std::string_view method, std::string_view url, const FormParams& params);
std::string compute_signature_v3(std::string_view auth_token, std::string_view base, std::string_view nonce);

// `signatures` is the header value: one or more comma-separated signatures, any one may match.
bool verify_signature_v3(std::string_view method, std::string_view url, std::string_view nonce,
                         std::string_view auth_token, std::string_view signatures, const FormParams& params);

}  // namespace parley::carriers::plivo

#pragma once
// X-Twilio-Signature (Twilio "Webhooks security"): base64(HMAC-SHA1(auth token, URL + the POST
// parameters sorted by name, each name followed by its value)). For JSON bodies Twilio adds a
// bodySHA256 query parameter (hex SHA-256 of the raw body) and signs the URL alone.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::carriers::twilio {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// The signature Twilio sends for `url` (exactly as Twilio requested it) and the decoded form params.
std::string compute_signature(std::string_view auth_token, std::string_view url, const FormParams& params);

// Constant-time check of the header against the URL as given and with its default port added or
// removed (Twilio signs whichever form it was configured with, as its own libraries accept).
bool verify_signature(std::string_view auth_token, std::string_view signature, std::string_view url,
                      const FormParams& params);

// The JSON-body variant: the signature covers the URL (with bodySHA256) and the hash must match the body.
bool verify_body_signature(std::string_view auth_token, std::string_view signature, std::string_view url,
                           std::string_view body);

// The URL with its port toggled: "https://h/x" <-> "https://h:443/x" (nullopt-like empty when not an URL).
std::string with_default_port(std::string_view url);
std::string without_port(std::string_view url);

}  // namespace parley::carriers::twilio

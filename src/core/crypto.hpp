#pragma once
// Hashes, MACs, encodings and authenticated encryption (OpenSSL 3) used across Parley.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::core {

std::string random_bytes(std::size_t n);  // CSPRNG; throws only if the OS RNG is broken

std::string sha256(std::string_view data);                          // raw 32 bytes
std::string sha256_hex(std::string_view data);                      // lowercase hex
std::string md5_hex(std::string_view data);                         // for SIP digest (RFC 2617)
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw
std::string hmac_sha1(std::string_view key, std::string_view data);    // raw

std::string to_hex(std::string_view raw);
std::string base64_encode(std::string_view raw);
Result<std::string> base64_decode(std::string_view text);

// Constant-time comparison; the lengths themselves are not secret.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// AES-256-GCM with a random 96-bit nonce. Sealed form: "v1:" + base64(nonce | ciphertext | tag).
// Used for provider credentials at rest.
class SecretBox {
 public:
  // `key` must be exactly 32 bytes.
  explicit SecretBox(std::string key);
  std::string seal(std::string_view plaintext) const;
  Result<std::string> open(std::string_view sealed) const;

 private:
  std::string key_;
};

}  // namespace parley::core

#pragma once
// The SDES a=crypto attribute (RFC 4568 s9.1): tag, suite, key parameters, session parameters.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::media::sdp {

struct CryptoAttribute {
  std::uint32_t tag = 1;
  std::string suite;                        // e.g. AES_CM_128_HMAC_SHA1_80
  std::string key_params;                   // e.g. inline:<base64>|2^20|1:4
  std::vector<std::string> session_params;  // e.g. UNENCRYPTED_SRTCP

  bool operator==(const CryptoAttribute&) const = default;
};

// Parses the value after "a=crypto:".
core::Result<CryptoAttribute> parse_crypto(std::string_view value);
std::string format_crypto(const CryptoAttribute& crypto);

// RFC 4568 s6.1: the raw master key||salt of the first "inline:" key parameter (base64 decoded).
core::Result<std::string> inline_key(const CryptoAttribute& crypto);
// True when the attribute holds exactly one inline key without an MKI and no session parameters:
// the only form Parley keys libsrtp2 with (RFC 4568 s6.1 MKI and s6.3 session parameters unsupported).
bool is_single_inline_key(const CryptoAttribute& crypto);
// An attribute carrying one inline key without lifetime or MKI.
CryptoAttribute make_inline_crypto(std::uint32_t tag, std::string_view suite, std::string_view raw_key);

}  // namespace parley::media::sdp

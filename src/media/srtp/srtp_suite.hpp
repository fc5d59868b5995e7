#pragma once
// SRTP crypto suites Parley negotiates with SDES (RFC 4568 s6.2).
#include <cstddef>
#include <optional>
#include <string_view>

namespace parley::media::srtp {

enum class SrtpSuite {
  aes_cm_128_hmac_sha1_80,  // RFC 4568 s6.2.1
  aes_cm_128_hmac_sha1_32,  // RFC 4568 s6.2.2
};

// Master key (16 bytes) + master salt (14 bytes) for both AES-CM-128 suites (RFC 4568 s6.2.1).
inline constexpr std::size_t kMasterKeySaltLength = 30;

std::string_view to_string(SrtpSuite suite) noexcept;
std::optional<SrtpSuite> parse_srtp_suite(std::string_view name) noexcept;

}  // namespace parley::media::srtp

#include "media/srtp/srtp_suite.hpp"

namespace parley::media::srtp {

std::string_view to_string(SrtpSuite suite) noexcept {
  switch (suite) {
    case SrtpSuite::aes_cm_128_hmac_sha1_80: return "AES_CM_128_HMAC_SHA1_80";
    case SrtpSuite::aes_cm_128_hmac_sha1_32: return "AES_CM_128_HMAC_SHA1_32";
  }
  return "";
}

std::optional<SrtpSuite> parse_srtp_suite(std::string_view name) noexcept {
  for (auto suite : {SrtpSuite::aes_cm_128_hmac_sha1_80, SrtpSuite::aes_cm_128_hmac_sha1_32}) {
    if (to_string(suite) == name) return suite;
  }
  return std::nullopt;
}

}  // namespace parley::media::srtp

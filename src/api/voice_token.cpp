#include "api/voice_token.hpp"

#include <charconv>

#include "core/crypto.hpp"

namespace parley::api {
namespace {

std::string signature(std::string_view key, std::string_view session_id, std::string_view expiry) {
  std::string data = "parley.web_voice.";
  data.append(session_id).append(".").append(expiry);
  return core::to_hex(core::hmac_sha256(key, data));
}

}  // namespace

std::string issue_voice_token(std::string_view key, std::string_view session_id, std::int64_t expires_unix_s) {
  auto expiry = std::to_string(expires_unix_s);
  return expiry + "." + signature(key, session_id, expiry);
}

std::string_view to_string(VoiceTokenCheck c) noexcept {
  switch (c) {
    case VoiceTokenCheck::ok: return "ok";
    case VoiceTokenCheck::malformed: return "malformed";
    case VoiceTokenCheck::forged: return "forged";
    case VoiceTokenCheck::expired: return "expired";
  }
  return "malformed";
}

VoiceTokenCheck check_voice_token(std::string_view key, std::string_view token, std::string_view session_id,
                                  std::int64_t now_unix_s) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 19 || token.size() - dot - 1 != 64) {
    return VoiceTokenCheck::malformed;
  }
  const auto expiry = token.substr(0, dot);
  std::int64_t expires = 0;
  auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), expires);
  if (ec != std::errc() || end != expiry.data() + expiry.size() || expires <= 0) return VoiceTokenCheck::malformed;
  if (!core::constant_time_equal(token.substr(dot + 1), signature(key, session_id, expiry))) {
    return VoiceTokenCheck::forged;
  }
  return now_unix_s > expires ? VoiceTokenCheck::expired : VoiceTokenCheck::ok;
}

}  // namespace parley::api

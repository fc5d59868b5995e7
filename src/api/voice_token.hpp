#pragma once
// Browser voice session tokens (POST /voice/start -> /voice/ws/{session_id}?token=...):
// "<expiry, Unix seconds>.<hex HMAC-SHA256(key, "parley.web_voice." session_id "." expiry)>".
// The key is derived from the daemon's secret key, never the sealing key itself. A token is bound
// to one session and expires after a short time; it is single use because the session is: the
// first connection moves it from initiating to in_progress and a second one finds it there.
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::api {

std::string issue_voice_token(std::string_view key, std::string_view session_id, std::int64_t expires_unix_s);

enum class VoiceTokenCheck { ok, malformed, forged, expired };
std::string_view to_string(VoiceTokenCheck c) noexcept;

// Constant-time on the signature; `expired` only for a genuine token past its expiry.
VoiceTokenCheck check_voice_token(std::string_view key, std::string_view token, std::string_view session_id,
                                  std::int64_t now_unix_s);

}  // namespace parley::api

#pragma once
// Webhook signing (README "Verifying webhooks"): X-Parley-Signature = "v1=" + hex(HMAC-SHA256(secret,
// timestamp + "." + body)), X-Parley-Timestamp = Unix seconds. A receiver recomputes it and rejects
// old timestamps to stop replays.
#include <string>
#include <string_view>

namespace parley::jobs {

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace parley::jobs

#pragma once
// RFC 4028 session timer negotiation: what the UAS answers (s9) and what the UAC learns from
// the 2xx (s7.2).
#include <cstdint>
#include <expected>
#include <optional>

#include "sip/message/message.hpp"

namespace parley::sip {

struct SessionTimerSettings {
  std::uint32_t session_expires = 1800;  // what we ask for / accept at most
  std::uint32_t min_se = 90;             // RFC 4028 s5: never below 90
};

struct SessionTimerPlan {
  std::uint32_t interval = 0;
  bool we_refresh = false;
  bool peer_supports = false;  // the peer listed "timer": answer with Require: timer
};

// s9: the plan for our 2xx, or unexpected(min_se) when the offer is too small (answer 422).
std::expected<SessionTimerPlan, std::uint32_t> uas_session_timer(const Message& invite, const SessionTimerSettings& settings);
// s7.2: nullopt when the 2xx carries no Session-Expires (no session timer).
std::optional<SessionTimerPlan> uac_session_timer(const Message& response);

bool lists_token(const Message& message, HeaderId id, std::string_view token);

}  // namespace parley::sip

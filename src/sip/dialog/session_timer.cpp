#include "sip/dialog/session_timer.hpp"

#include <algorithm>
#include <cctype>

namespace parley::sip {

bool lists_token(const Message& message, HeaderId id, std::string_view token) {
  auto tokens = message.tokens(id);
  if (!tokens) return false;
  return std::ranges::any_of(*tokens, [token](std::string_view t) {
    return t.size() == token.size() && std::ranges::equal(t, token, [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

std::expected<SessionTimerPlan, std::uint32_t> uas_session_timer(const Message& invite, const SessionTimerSettings& settings) {
  SessionTimerPlan plan;
  plan.peer_supports = lists_token(invite, HeaderId::supported, "timer") || lists_token(invite, HeaderId::require, "timer");
  auto se = invite.session_expires();
  auto min_se = invite.min_se();
  const std::uint32_t floor = std::max(settings.min_se, min_se && *min_se ? **min_se : 90U);
  if (se && *se) {
    if ((*se)->delta < settings.min_se) return std::unexpected(settings.min_se);  // s8.1: 422
    plan.interval = std::max(std::min((*se)->delta, settings.session_expires), floor);
    // s9: keep the UAC's choice; without one the UAC refreshes when it supports timers.
    plan.we_refresh = (*se)->refresher == Refresher::uas || ((*se)->refresher == Refresher::none && !plan.peer_supports);
  } else {
    plan.interval = std::max(settings.session_expires, floor);
    plan.we_refresh = !plan.peer_supports;  // s9: a UAC without timer support cannot refresh
  }
  return plan;
}

std::optional<SessionTimerPlan> uac_session_timer(const Message& response) {
  auto se = response.session_expires();
  if (!se || !*se) return std::nullopt;
  // s7.2: refresher=uac means us; a 2xx without refresher is a UAS that did not support timers... we refresh.
  return SessionTimerPlan{(*se)->delta, (*se)->refresher != Refresher::uas, true};
}

}  // namespace parley::sip

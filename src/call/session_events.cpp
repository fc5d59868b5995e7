#include "call/session_events.hpp"

#include <boost/json.hpp>

#include "core/time.hpp"

namespace parley::call {
namespace json = boost::json;

std::optional<std::string_view> event_name(std::string_view status) {
  if (status == "initiating") return "call.initiating";
  if (status == "ringing") return "call.ringing";
  if (status == "in_progress") return "call.in_progress";
  if (status == "completed") return "call.completed";
  if (status == "failed" || status == "busy") return "call.failed";
  if (status == "no_answer") return "call.no_answer";
  if (status == "canceled") return "call.canceled";
  return std::nullopt;
}

std::string event_payload(const store::VoiceSession& s, std::string_view event, std::int64_t now_ms) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); };
  std::int64_t duration = 0;
  if (s.answered_at) duration = std::max<std::int64_t>(0, (s.ended_at.value_or(now_ms) - *s.answered_at) / 1000);
  json::object o{{"event", event},
                 {"call_id", s.id},
                 {"status", s.status},
                 {"duration", duration},
                 {"timestamp", core::format_iso8601(core::from_unix_ms(now_ms))},
                 {"agent_id", s.agent_id},
                 {"to_number", opt(s.to_number)},
                 {"from_number", opt(s.from_number)}};
  if (s.ended_at) {
    o["end_reason"] = opt(s.end_reason);
    o["recording_id"] = opt(s.recording_id);
    o["transcript_url"] = "/v1/widget/transcript/" + s.id;
  }
  return json::serialize(o);
}

store::Store::EventFor webhook_event_for() {
  return [](const store::VoiceSession& after) -> std::optional<store::OutboxEvent> {
    if (!after.webhook_url) return std::nullopt;
    auto name = event_name(after.status);
    if (!name) return std::nullopt;
    return store::OutboxEvent{std::string(*name), *after.webhook_url, after.api_key_id,
                              event_payload(after, *name, core::to_unix_ms(core::now_utc()))};
  };
}

}  // namespace parley::call

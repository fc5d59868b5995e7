#pragma once
// Webhook events of the call lifecycle (seeds/001 "Webhook Events"): which status change emits
// which event, and the payload. Used by every writer of a session status so the event is queued
// in the same transaction as the change (store::Store::EventFor).
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace parley::call {

// "call.initiating", "call.ringing", "call.in_progress", "call.completed", "call.failed"
// (also for busy), "call.no_answer", "call.canceled"; nullopt for "scheduled".
std::optional<std::string_view> event_name(std::string_view status);

// {"event","call_id","status","duration","timestamp","agent_id","to_number","from_number"}, plus
// "end_reason", "recording_id" and "transcript_url" once the call has ended.
std::string event_payload(const store::VoiceSession& s, std::string_view event, std::int64_t now_ms);

// The EventFor the store calls inside its transaction: an event for sessions with a webhook_url.
store::Store::EventFor webhook_event_for();

}  // namespace parley::call

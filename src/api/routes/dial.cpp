// POST /voice/outbound/dial (seeds/001 "Start an Outbound Call"): validates every field and
// persists the session as initiating, or scheduled when scheduled_at is given. The response is
// exactly the seed's shape.
#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "call/dial_policy.hpp"
#include "call/e164.hpp"
#include "call/outbound_calls.hpp"
#include "call/outbound_trunks.hpp"
#include "call/session_events.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

constexpr std::int64_t kMaxScheduleAheadMs = 366LL * 86'400'000;  // a year and a day

// The agent's own default for a voice setting, used when the dial request leaves it out.
json::value agent_voice_setting(const store::Agent& agent, std::string_view key) {
  boost::system::error_code ec;
  auto cfg = json::parse(agent.config, ec);
  if (ec || !cfg.is_object()) return nullptr;
  auto* voice = cfg.get_object().if_contains("voice");
  if (!voice || !voice->is_object()) return nullptr;
  auto* v = voice->get_object().if_contains(key);
  return v ? *v : json::value(nullptr);
}

}  // namespace

void add_dial_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/outbound/dial", RateClass::dial, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto body = parse_object_body(ctx.request);
           if (!body) return std::unexpected(body.error());
           Fields f(*body);
           if (auto rr = f.only({"agent_id", "to_number", "from_number", "context", "max_duration", "recording",
                                 "scheduled_at", "webhook_url"});
               !rr) {
             return std::unexpected(rr.error());
           }
           auto agent_id = f.string("agent_id", 100, true);
           if (!agent_id) return std::unexpected(agent_id.error());
           auto to = f.string("to_number", 32, true);
           if (!to) return std::unexpected(to.error());
           auto to_info = call::parse_e164(**to);
           if (!to_info) return fail(Errc::validation, "to_number " + to_info.error().message, "to_number");
           if (auto rr = call::check_destination(*to_info, deps.config.outbound); !rr) return std::unexpected(rr.error());
           auto from = f.string("from_number", 32, true);
           if (!from) return std::unexpected(from.error());
           auto from_info = call::parse_e164(**from);
           if (!from_info) return fail(Errc::validation, "from_number " + from_info.error().message, "from_number");
           if (to_info->e164 == from_info->e164) {
             return fail(Errc::validation, "to_number must differ from from_number", "to_number");
           }
           auto context_text = f.context_json("context");
           if (!context_text) return std::unexpected(context_text.error());
           auto max_duration = f.integer("max_duration", 1, 14400);
           if (!max_duration) return std::unexpected(max_duration.error());
           auto recording = f.boolean("recording");
           if (!recording) return std::unexpected(recording.error());
           auto webhook = f.http_url("webhook_url");
           if (!webhook) return std::unexpected(webhook.error());
           auto scheduled_text = f.string("scheduled_at", 64);
           if (!scheduled_text) return std::unexpected(scheduled_text.error());
           auto now = core::to_unix_ms(core::now_utc());
           std::optional<std::int64_t> scheduled_at;
           if (*scheduled_text) {
             auto t = core::parse_iso8601(**scheduled_text);
             if (!t) return fail(Errc::validation, "scheduled_at must be an ISO 8601 date-time", "scheduled_at");
             scheduled_at = core::to_unix_ms(*t);
             if (*scheduled_at <= now) return fail(Errc::validation, "scheduled_at must be in the future", "scheduled_at");
             if (*scheduled_at - now > kMaxScheduleAheadMs) {
               return fail(Errc::validation, "scheduled_at must be within one year", "scheduled_at");
             }
           }

           auto agent = deps.store.get_agent(**agent_id);
           if (!agent) {
             if (agent.error().code == Errc::not_found) {
               return fail(Errc::validation, "agent " + **agent_id + " does not exist", "agent_id");
             }
             return std::unexpected(agent.error());
           }
           auto number = deps.store.find_phone_number(from_info->e164);
           if (!number) return std::unexpected(number.error());
           if (!*number) {
             return fail(Errc::validation, "from_number is not a phone number of this account", "from_number");
           }
           if ((*number)->state != "active") {
             return fail(Errc::validation, "from_number is " + (*number)->state + ", not active", "from_number");
           }
           if (!(*number)->supports_outbound) {
             return fail(Errc::validation, "from_number does not support outbound calls", "from_number");
           }
           // seeds/003: an Indian caller ID must be registered on TRAI's DLT platform before it is
           // used for outbound calls; carriers drop or block unregistered ones.
           if (from_info->region == "IN" && !(*number)->dlt_registered) {
             return json_response(
                 422, json::object{{"error", json::object{
                                                 {"code", "dlt_not_registered"},
                                                 {"message", "from_number " + from_info->e164 +
                                                                 " is an Indian (+91) number without a DLT-registered "
                                                                 "caller ID: register it on the TRAI DLT platform with "
                                                                 "your carrier, then set dlt_registered: true with PATCH "
                                                                 "/voice/phone-numbers/" + (*number)->id},
                                                 {"field", "from_number"}}}});
           }

           if (auto trunks = call::outbound_trunk_candidates(deps.store, **number); !trunks) {
             if (trunks.error().code == Errc::not_found) {
               return fail(Errc::validation, trunks.error().message, "from_number");
             }
             return std::unexpected(trunks.error());
           }

           auto idempotency = ctx.request.header("Idempotency-Key");
           if (idempotency && (idempotency->empty() || idempotency->size() > 255 ||
                               std::any_of(idempotency->begin(), idempotency->end(),
                                           [](char c) { return c < 0x21 || c > 0x7e; }))) {
             return fail(Errc::invalid_argument, "Idempotency-Key must be 1-255 printable characters",
                         "Idempotency-Key");
           }

           store::VoiceSession s;
           s.id = core::new_id("call");
           s.kind = "outbound";
           s.status = scheduled_at ? "scheduled" : "initiating";
           s.agent_id = agent->id;
           s.api_key_id = ctx.key->id;
           s.from_number = from_info->e164;
           s.to_number = to_info->e164;
           s.context = std::move(*context_text);
           auto agent_max = agent_voice_setting(*agent, "max_duration");
           s.max_duration = static_cast<int>(
               max_duration->value_or(agent_max.is_int64() ? agent_max.get_int64() : 600));
           auto agent_rec = agent_voice_setting(*agent, "recording");
           s.recording = recording->value_or(agent_rec.is_bool() && agent_rec.get_bool());
           s.webhook_url = *webhook;
           s.scheduled_at = scheduled_at;
           s.created_at = now;
           store::Store::CreateOptions options;
           if (idempotency) options.idempotency_key = std::string(*idempotency);
           // Scheduled calls do not hold a line yet: the cap applies when they fire.
           if (!scheduled_at) options.max_active_for_key = deps.config.outbound.max_concurrent_per_key;
           auto created = deps.store.create_session(s, options, call::webhook_event_for());
           if (!created) return std::unexpected(created.error());
           const auto& [session, replayed] = *created;
           // Written before the call is placed: the dialer reads it back (DESIGN.md s5).
           if (!replayed && session.status == "initiating" && deps.outbound) deps.outbound->place(session.id);
           auto res = json_response(replayed ? 200 : 201, json::object{{"call_id", session.id},
                                                                        {"status", session.status},
                                                                        {"agent_id", session.agent_id},
                                                                        {"to_number", opt(session.to_number)},
                                                                        {"created_at", iso(session.created_at)}});
           if (replayed) res.set_header("Idempotent-Replayed", "true");
           return res;
         }});
}

}  // namespace parley::api

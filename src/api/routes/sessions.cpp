// Voice sessions (seeds/001): list, details, status, transcript, recordings, end.
#include <fstream>

#include <fmt/format.h>

#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "call/session_events.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

constexpr std::string_view kStatuses[] = {
    "scheduled", "initiating", "ringing", "in_progress", "completed", "failed", "no_answer", "busy", "canceled"};

// Talk time in whole seconds: answer to hang-up (or to now while the call is up).
std::int64_t duration_s(const store::VoiceSession& s) {
  if (!s.answered_at) return 0;
  auto end = s.ended_at.value_or(core::to_unix_ms(core::now_utc()));
  return std::max<std::int64_t>(0, (end - *s.answered_at) / 1000);
}

json::value parse_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

json::object to_json(const store::VoiceSession& s) {
  return json::object{{"session_id", s.id},
                      {"kind", s.kind},
                      {"status", s.status},
                      {"agent_id", s.agent_id},
                      {"from_number", opt(s.from_number)},
                      {"to_number", opt(s.to_number)},
                      {"context", parse_or_null(s.context)},
                      {"max_duration", s.max_duration},
                      {"recording", s.recording},
                      {"webhook_url", opt(s.webhook_url)},
                      {"scheduled_at", opt_time(s.scheduled_at)},
                      {"created_at", iso(s.created_at)},
                      {"started_at", opt_time(s.started_at)},
                      {"answered_at", opt_time(s.answered_at)},
                      {"ended_at", opt_time(s.ended_at)},
                      {"duration", duration_s(s)},
                      {"end_reason", opt(s.end_reason)},
                      {"telephony_status", opt(s.telephony_status)},
                      {"sip_call_id", opt(s.sip_call_id)},
                      {"tokens_used", s.tokens_used},
                      {"cost", parse_or_null(s.cost)},
                      {"recording_id", opt(s.recording_id)},
                      {"transcript_url", "/v1/widget/transcript/" + s.id},
                      {"quality", parse_or_null(s.quality)},
                      {"provider_id", opt(s.provider_id)},
                      {"outcome", opt(s.outcome)},
                      {"sip_status", s.sip_status ? json::value(*s.sip_status) : json::value(nullptr)},
                      {"attempts", s.attempts ? parse_or_null(s.attempts) : json::value(json::array{})},
                      {"latency", parse_or_null(s.latency)}};
}

Result<std::string> session_id(RequestContext& ctx) {
  const auto& id = ctx.param(0);
  if (!core::is_id_of(id, "call") && !core::is_id_of(id, "session")) {
    return fail(Errc::not_found, "session " + id + " not found");
  }
  return id;
}

Result<std::optional<std::int64_t>> date_param(const net::HttpRequest& req, std::string_view name, bool end_of_day) {
  auto v = req.query_param(name);
  if (!v) return std::optional<std::int64_t>{};
  auto t = core::parse_iso8601(*v);
  if (!t) return fail(Errc::validation, std::string(name) + " must be an ISO 8601 date or date-time", std::string(name));
  auto ms = core::to_unix_ms(*t);
  if (end_of_day && v->size() == 10) ms += 86'400'000 - 1;  // a bare date includes its whole day
  return std::optional<std::int64_t>(ms);
}

// Parses "bytes=a-b", "bytes=a-", "bytes=-n" (RFC 9110 s14.1.2); one range only.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(std::string_view h, std::uint64_t size) {
  if (!h.starts_with("bytes=") || size == 0) return std::nullopt;
  h.remove_prefix(6);
  auto dash = h.find('-');
  if (dash == std::string_view::npos || h.find(',') != std::string_view::npos) return std::nullopt;
  auto num = [](std::string_view s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
  };
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {
    auto n = num(b);
    if (!n || *n == 0) return std::nullopt;
    return std::pair{size - std::min(*n, size), size - 1};
  }
  auto first = num(a);
  if (!first || *first >= size) return std::nullopt;
  if (b.empty()) return std::pair{*first, size - 1};
  auto last = num(b);
  if (!last || *last < *first) return std::nullopt;
  return std::pair{*first, std::min(*last, size - 1)};
}

}  // namespace

void add_session_routes(Router& r, ApiDeps& deps) {
  r.add({"GET", "/voice/sessions", RateClass::list_sessions, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto page = page_params(ctx.request);
           if (!page) return std::unexpected(page.error());
           store::SessionFilter f;
           f.limit = page->limit;
           f.offset = page->offset;
           if (auto a = ctx.request.query_param("agent_id")) f.agent_id = std::string(*a);
           if (auto s = ctx.request.query_param("status")) {
             if (std::find(std::begin(kStatuses), std::end(kStatuses), *s) == std::end(kStatuses)) {
               return fail(Errc::validation,
                           "status must be one of scheduled, initiating, ringing, in_progress, completed, failed, "
                           "no_answer, busy, canceled",
                           "status");
             }
             f.status = std::string(*s);
           }
           auto from = date_param(ctx.request, "start_date", false);
           if (!from) return std::unexpected(from.error());
           auto to = date_param(ctx.request, "end_date", true);
           if (!to) return std::unexpected(to.error());
           f.created_from = *from;
           f.created_to = *to;
           if (*from && *to && **from > **to) return fail(Errc::validation, "start_date is after end_date", "start_date");
           auto list = deps.store.list_sessions(f);
           if (!list) return std::unexpected(list.error());
           json::array items;
           for (const auto& s : list->items) items.push_back(to_json(s));
           return json_response(200, json::object{{"sessions", std::move(items)}, {"total", list->total},
                                                   {"limit", f.limit}, {"offset", f.offset}});
         }});

  r.add({"GET", "/voice/sessions/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = session_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto s = deps.store.get_session(*id);
           if (!s) return std::unexpected(s.error());
           return json_response(200, to_json(*s));
         }});

  r.add({"GET", "/voice/status/{id}", RateClass::status, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = session_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto s = deps.store.get_session(*id);
           if (!s) return std::unexpected(s.error());
           return json_response(200, json::object{{"session_id", s->id},
                                                  {"status", s->status},
                                                  {"duration", duration_s(*s)},
                                                  {"agent_id", s->agent_id},
                                                  {"to_number", opt(s->to_number)},
                                                  {"from_number", opt(s->from_number)},
                                                  {"started_at", opt_time(s->started_at)},
                                                  {"ended_at", opt_time(s->ended_at)},
                                                  {"tokens_used", s->tokens_used}});
         }});

  r.add({"GET", "/v1/widget/transcript/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = session_id(ctx);
           if (!id) return std::unexpected(id.error());
           if (auto s = deps.store.get_session(*id); !s) return std::unexpected(s.error());
           auto entries = deps.store.list_transcript(*id);
           if (!entries) return std::unexpected(entries.error());
           json::array items;
           for (const auto& e : *entries) {
             json::object item{{"role", e.role}, {"text", e.text}, {"timestamp", e.offset_s}};
             if (e.interrupted) item["interrupted"] = true;
             items.push_back(std::move(item));
           }
           return json_response(200, json::object{{"call_id", *id}, {"transcript", std::move(items)}});
         }});

  r.add({"GET", "/voice/recording/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           const auto& id = ctx.param(0);
           if (!core::is_id_of(id, "rec")) return fail(Errc::not_found, "recording " + id + " not found");
           auto rec = deps.store.get_recording(id);
           if (!rec) return std::unexpected(rec.error());
           return json_response(200, json::object{{"recording_id", rec->id},
                                                  {"session_id", rec->session_id},
                                                  {"status", rec->state},
                                                  {"duration", rec->duration_s},
                                                  {"size_bytes", rec->size_bytes},
                                                  {"format", "wav"},
                                                  {"sample_rate", rec->sample_rate},
                                                  {"channels", rec->channels},
                                                  {"created_at", iso(rec->created_at)},
                                                  {"audio_url", "/voice/recording/" + rec->id + "/audio"}});
         }});

  r.add({"GET", "/voice/recording/{id}/audio", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           const auto& id = ctx.param(0);
           if (!core::is_id_of(id, "rec")) return fail(Errc::not_found, "recording " + id + " not found");
           auto rec = deps.store.get_recording(id);
           if (!rec) return std::unexpected(rec.error());
           std::ifstream in(rec->path, std::ios::binary | std::ios::ate);
           if (!in) return fail(Errc::not_found, "recording file is missing");
           auto size = static_cast<std::uint64_t>(in.tellg());
           net::HttpResponse res;
           res.content_type = "audio/wav";
           res.set_header("Accept-Ranges", "bytes");
           std::uint64_t first = 0, last = size ? size - 1 : 0;
           if (auto range = ctx.request.header("Range")) {
             auto r = parse_range(*range, size);
             if (!r) {
               return net::HttpResponse{416, {{"Content-Range", fmt::format("bytes */{}", size)}},
                                        net::json_error_body("range_not_satisfiable", "invalid or unsatisfiable Range")};
             }
             std::tie(first, last) = *r;
             res.status = 206;
             res.set_header("Content-Range", fmt::format("bytes {}-{}/{}", first, last, size));
           }
           std::uint64_t n = size ? last - first + 1 : 0;
           if (n > (256u << 20)) return fail(Errc::too_large, "request at most 256 MiB per range");
           res.body.resize(n);
           in.seekg(static_cast<std::streamoff>(first));
           in.read(res.body.data(), static_cast<std::streamsize>(n));
           if (!in) return fail(Errc::io, "cannot read recording file " + rec->path);
           return res;
         }});

  // Every webhook event of a session and each delivery attempt (issue "Outbound": visible attempts).
  r.add({"GET", "/voice/sessions/{id}/webhooks", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = session_id(ctx);
           if (!id) return std::unexpected(id.error());
           if (auto s = deps.store.get_session(*id); !s) return std::unexpected(s.error());
           auto deliveries = deps.store.list_webhooks(*id);
           if (!deliveries) return std::unexpected(deliveries.error());
           auto attempts = deps.store.list_webhook_attempts(*id);
           if (!attempts) return std::unexpected(attempts.error());
           json::array items;
           for (const auto& d : *deliveries) {
             json::array tries;
             for (const auto& a : *attempts) {
               if (a.delivery_id != d.id) continue;
               tries.push_back(json::object{{"attempt", a.attempt},
                                            {"attempted_at", iso(a.attempted_at)},
                                            {"status_code", a.status_code ? json::value(*a.status_code) : json::value(nullptr)},
                                            {"error", opt(a.error)},
                                            {"duration_ms", a.duration_ms}});
             }
             boost::system::error_code ec;
             items.push_back(json::object{{"id", d.id},
                                          {"event", d.event},
                                          {"url", d.url},
                                          {"status", d.status},
                                          {"attempts", std::move(tries)},
                                          {"next_attempt_at", d.status == "pending" ? json::value(iso(d.next_attempt_at))
                                                                                    : json::value(nullptr)},
                                          {"delivered_at", opt_time(d.delivered_at)},
                                          {"created_at", iso(d.created_at)},
                                          {"payload", json::parse(d.payload, ec)}});
           }
           return json_response(200, json::object{{"session_id", *id}, {"webhooks", std::move(items)}});
         }});

  // Ends a session that has not ended. A call live on this node is hung up by the call itself (BYE,
  // or CANCEL while ringing), which records its final state; a session without a live call here
  // (scheduled, or left behind) is ended in the store (in_progress -> completed, else canceled).
  r.add({"POST", "/voice/end/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = session_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto s = deps.store.get_session(*id);
           if (!s) return std::unexpected(s.error());
           if (s->status == "completed" || s->status == "failed" || s->status == "canceled" ||
               s->status == "no_answer" || s->status == "busy") {
             return fail(Errc::conflict, "session " + *id + " has already ended (" + s->status + ")", "status");
           }
           Result<store::VoiceSession> ended = std::unexpected(core::Error{Errc::internal, "not ended"});
           if (deps.calls && deps.calls->end(*id, "ended_by_api", std::chrono::seconds(5))) {
             ended = deps.store.get_session(*id);
           } else {
             store::SessionTransition t;
             t.session_id = *id;
             t.from = {"scheduled", "initiating", "ringing", "in_progress"};
             t.to = s->status == "in_progress" ? "completed" : "canceled";
             t.end_reason = "ended_by_api";
             t.ended_at = core::to_unix_ms(core::now_utc());
             ended = deps.store.transition_session(t, call::webhook_event_for());
           }
           if (!ended) return std::unexpected(ended.error());
           return json_response(200, json::object{{"session_id", ended->id},
                                                  {"status", ended->status},
                                                  {"end_reason", opt(ended->end_reason)},
                                                  {"ended_at", opt_time(ended->ended_at)}});
         }});
}

}  // namespace parley::api

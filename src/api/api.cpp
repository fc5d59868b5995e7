#include "api/api.hpp"

#include <fmt/format.h>

#include "api/api_keys.hpp"
#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "net/http_server.hpp"

namespace parley::api {

Api::Api(ApiDeps deps) : deps_(std::move(deps)) {
  add_system_routes(router_, deps_);
  add_agent_routes(router_, deps_);
  add_phone_number_routes(router_, deps_);
  add_session_routes(router_, deps_);
  add_dial_routes(router_, deps_);
  add_lead_routes(router_, deps_);
  add_sip_provider_routes(router_, deps_);
  add_sip_route_routes(router_, deps_);
  add_webhook_routes(router_, deps_);
  add_carrier_webhook_routes(router_, deps_);
  add_tts_voice_routes(router_, deps_);
  add_carrier_import_routes(router_, deps_);
  add_sip_import_routes(router_, deps_);
  add_web_voice_routes(router_, deps_);
}

void add_websocket_routes(net::HttpServer& server, ApiDeps& deps) {
  add_twilio_media_stream_route(server, deps);
  add_web_voice_socket_route(server, deps);
}

int Api::limit_for(RateClass c) const {
  const auto& l = deps_.config.rate_limits;
  switch (c) {
    case RateClass::dial: return l.dial_per_min;
    case RateClass::voice_session: return l.voice_session_per_min;
    case RateClass::status: return l.status_per_min;
    case RateClass::list_sessions: return l.list_sessions_per_min;
    case RateClass::standard:
    case RateClass::none: return l.default_per_min;
  }
  return l.default_per_min;
}

std::string_view rate_class_name(RateClass c) {
  switch (c) {
    case RateClass::dial: return "dial";
    case RateClass::voice_session: return "voice_session";
    case RateClass::status: return "status";
    case RateClass::list_sessions: return "list_sessions";
    default: return "standard";
  }
}

// last_used_at is written at most once a minute per key: a write per request would cap throughput.
void Api::touch(const store::ApiKey& key) {
  auto now = core::to_unix_ms(core::now_utc());
  {
    std::lock_guard lock(touch_mu_);
    auto& last = last_touch_[key.id];
    if (now - last < 60'000) return;
    last = now;
  }
  (void)deps_.store.touch_api_key(key.id, now);
}

core::Result<store::ApiKey> Api::authenticate(std::string_view presented) {
  constexpr std::int64_t kCacheMs = 1000;
  constexpr std::size_t kMaxCached = 10000;
  auto hash = core::sha256_hex(presented);
  auto now = core::to_unix_ms(core::now_utc());
  {
    std::lock_guard lock(key_cache_mu_);
    if (auto it = key_cache_.find(hash); it != key_cache_.end() && it->second.expires_ms > now) return it->second.key;
  }
  auto verified = verify_api_key(deps_.store, presented);
  if (verified) {
    std::lock_guard lock(key_cache_mu_);
    if (key_cache_.size() >= kMaxCached) key_cache_.clear();
    key_cache_[hash] = CachedKey{*verified, now + kCacheMs};
  }
  return verified;
}

net::HttpResponse Api::handle(net::HttpRequest& req) {
  auto m = router_.match(req.method, req.path);
  if (!m.route) {
    if (!m.allow.empty()) {
      return net::HttpResponse{
          405, {{"Allow", m.allow}},
          net::json_error_body("method_not_allowed", "method " + req.method + " is not allowed on " + req.path)};
    }
    return net::HttpResponse{404, {}, net::json_error_body("not_found", "no such endpoint: " + req.path)};
  }

  RequestContext ctx{req, std::move(m.params), nullptr};
  store::ApiKey key;
  net::HeaderList limit_headers;
  if (m.route->rate != RateClass::none) {
    auto auth = req.header("Authorization");
    std::string_view presented;
    if (auth && auth->size() > 7 && (auth->substr(0, 7) == "Bearer " || auth->substr(0, 7) == "bearer ")) {
      presented = auth->substr(7);
    }
    if (presented.empty()) {
      auto res = error_response({core::Errc::unauthorized, "missing API key: send Authorization: Bearer <key>", {}},
                                req.request_id);
      res.set_header("WWW-Authenticate", "Bearer");
      return res;
    }
    auto verified = authenticate(presented);
    if (!verified) {
      auto res = error_response(verified.error(), req.request_id);
      if (res.status == 401) res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return res;
    }
    key = std::move(*verified);
    ctx.key = &key;
    touch(key);

    auto d = limiter_.take(key.id, rate_class_name(m.route->rate), limit_for(m.route->rate));
    limit_headers = {{"X-RateLimit-Limit", std::to_string(d.limit)},
                     {"X-RateLimit-Remaining", std::to_string(d.remaining)},
                     {"X-RateLimit-Reset", std::to_string(d.reset_s)}};
    if (!d.allowed) {
      auto res = error_response(
          {core::Errc::rate_limited, fmt::format("rate limit of {} requests per minute exceeded", d.limit), {}},
          req.request_id);
      res.headers = limit_headers;
      res.set_header("Retry-After", std::to_string(d.retry_after_s));
      return res;
    }
  }

  auto result = m.route->handler(ctx);
  // Whatever a write changed (agents, numbers, trunks, routes, imports), the inbound router looks
  // at once: a wake-up that rebuilds only when the store's routing generation moved.
  if (result && result->status < 300 && req.method != "GET" && req.method != "HEAD" && deps_.routing) {
    deps_.routing->routing_changed();
  }
  net::HttpResponse res = result ? std::move(*result) : error_response(result.error(), req.request_id);
  for (auto& h : limit_headers) res.headers.push_back(std::move(h));
  return res;
}

}  // namespace parley::api

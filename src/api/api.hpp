#pragma once
// The REST API: routing, Bearer authentication, per-key rate limits and the resources of
// seeds/001 and seeds/004. Runs on the worker pool (see net::HttpHandler).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/rate_limiter.hpp"
#include "api/router.hpp"
#include "api/stream/stream_deps.hpp"
#include "call/active_calls.hpp"
#include "call/routing_control.hpp"
#include "call/trunk_control.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "net/http_client.hpp"
#include "net/http_message.hpp"
#include "store/store.hpp"

namespace parley::call {
class OutboundCalls;
}
namespace parley::net {
class HttpServer;
}
namespace parley::voice {
class EngineRegistry;
}

namespace parley::api {

struct ApiDeps {
  store::Store& store;
  const core::Config& config;
  const core::SecretBox& secrets;
  std::function<bool()> ready;  // every listener up and migrations applied
  net::HttpClient* carrier_http = nullptr;  // carrier REST APIs (number import and clean-up); null: refused
  call::ActiveCalls* calls = nullptr;       // live calls on this node (POST /voice/end hangs them up)
  call::OutboundCalls* outbound = nullptr;  // places dialled calls; null: sessions stay initiating
  call::TrunkControl* trunks = nullptr;  // registrations, traces, Test Connection; null without SIP
  const voice::EngineRegistry* engines = nullptr;  // speech engines (GET /voice/tts/voices)
  call::RoutingControl* routing = nullptr;  // the inbound routing table; null without SIP
  stream::StreamDeps* streams = nullptr;  // WebSocket voice calls; null: /voice/start and the streams answer 503
};

// The WebSocket routes (before the server starts): Twilio Media Streams at
// /voice/twilio/stream/{phone_id} and browser voice sessions at /voice/ws/{session_id}.
void add_websocket_routes(net::HttpServer& server, ApiDeps& deps);

class Api {
 public:
  explicit Api(ApiDeps deps);
  net::HttpResponse handle(net::HttpRequest& req);
  const Router& router() const { return router_; }

 private:
  int limit_for(RateClass c) const;
  void touch(const store::ApiKey& key);
  core::Result<store::ApiKey> authenticate(std::string_view presented);

  ApiDeps deps_;
  Router router_;
  RateLimiter limiter_;
  std::mutex touch_mu_;
  std::unordered_map<std::string, std::int64_t> last_touch_;
  // Verified keys by SHA-256 for one second: saves a database read per request; a revocation takes
  // effect within that second.
  struct CachedKey {
    store::ApiKey key;
    std::int64_t expires_ms;
  };
  std::mutex key_cache_mu_;
  std::unordered_map<std::string, CachedKey> key_cache_;
};

}  // namespace parley::api

// POST /voice/webhooks/secret: creates (or rotates) the calling key's webhook signing secret and
// shows it once. Deliveries for this key are signed with it (X-Parley-Signature).
#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "core/ids.hpp"

namespace parley::api {

void add_webhook_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/webhooks/secret", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           std::string secret = "whsec_" + core::random_token(40);
           if (auto rr = deps.store.set_webhook_secret(ctx.key->id, deps.secrets.seal(secret)); !rr) {
             return std::unexpected(rr.error());
           }
           return json_response(201, json::object{{"api_key_id", ctx.key->id}, {"webhook_secret", secret}});
         }});
}

}  // namespace parley::api

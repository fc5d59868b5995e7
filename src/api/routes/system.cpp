// Unauthenticated operational endpoints: liveness, readiness, the OpenAPI document.
#include "api/json_io.hpp"
#include "api/openapi_document.hpp"
#include "api/routes/routes.hpp"

namespace parley::api {

void add_system_routes(Router& r, ApiDeps& deps) {
  r.add({"GET", "/healthz", RateClass::none, [](RequestContext&) -> Result<net::HttpResponse> {
           return json_response(200, json::object{{"status", "ok"}});
         }});
  r.add({"GET", "/readyz", RateClass::none, [&deps](RequestContext&) -> Result<net::HttpResponse> {
           bool ready = deps.ready && deps.ready();
           return json_response(ready ? 200 : 503, json::object{{"status", ready ? "ready" : "starting"}});
         }});
  r.add({"GET", "/openapi.json", RateClass::none, [](RequestContext&) -> Result<net::HttpResponse> {
           return net::HttpResponse{200, {}, std::string(openapi_json())};
         }});
}

}  // namespace parley::api

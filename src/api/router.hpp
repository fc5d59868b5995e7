#pragma once
// Method + path-pattern routing ("/voice/agents/{id}"), with 404 and 405 (Allow) outcomes.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "net/http_message.hpp"
#include "store/records.hpp"

namespace parley::api {

struct RequestContext {
  net::HttpRequest& request;
  std::vector<std::string> params;  // values of {placeholders}, in order
  const store::ApiKey* key = nullptr;  // set on authenticated routes
  const std::string& param(std::size_t i) const { return params.at(i); }
};

using RouteHandler = std::function<core::Result<net::HttpResponse>(RequestContext&)>;

// Which per-key limit applies (config rate_limits.*).
enum class RateClass { none, dial, voice_session, status, list_sessions, standard };

struct Route {
  std::string method;
  std::string pattern;
  RateClass rate = RateClass::standard;  // none: public route, no key needed
  RouteHandler handler;
};

class Router {
 public:
  void add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::string allow;  // when the path exists for other methods only
  };
  Match match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace parley::api

#pragma once
// Inbound routing (seeds/002 "Inbound Routing via SIP"): which trunk a call came from, and which
// agent takes it. Plain data in, a decision out; reads providers, routes and numbers from the store.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "call/trunk_bindings.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace parley::call {

struct InboundRequest {
  std::string source_address;  // IP the INVITE came from
  std::string request_user;    // Request-URI user part
  std::string to_user;
  std::string from_user;       // caller ID
  std::vector<std::pair<std::string, std::string>> headers;  // name, value (as received)
};

struct RouteDecision {
  int sip_status = 200;  // 200: route found; else the final response to send (403, 404, 503)
  std::string reason;
  std::string provider_id;
  std::string provider_config;  // the admitting trunk's config JSON (media policy)
  std::string agent_id;
  std::string did;  // the dialled number in E.164, when it is one
  std::optional<std::string> route_id;
};

// "+14155551234", "14155551234" or "tel-ish" user parts to E.164; nullopt when not a valid number.
std::optional<std::string> normalize_did(std::string_view user);

// A caller no trunk admits (by IP allowlist) gets 403; an unknown DID gets 404. Otherwise the first
// enabled route by priority that matches wins, then the agent linked to the dialled number.
// With `bindings`, an INVITE to one of our registration Contacts is admitted by that trunk first
// (if the trunk also has an IP allowlist, the source must be on it); its DID is the To user.
core::Result<RouteDecision> route_inbound(store::Store& store, const InboundRequest& request,
                                          const TrunkBindings* bindings = nullptr);

}  // namespace parley::call

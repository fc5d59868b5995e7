#pragma once
// Inbound routing (seeds/002 "Inbound Routing via SIP"): what the router reads from an INVITE and
// the decision it hands back. The rules themselves live in RoutingTable (call/routing_table.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::call {

struct InboundRequest {
  std::string source_address;  // IP the INVITE came from
  std::string request_user;    // Request-URI user part
  std::string to_user;
  std::string from_user;       // caller ID
  std::vector<std::pair<std::string, std::string>> headers;  // name, value (as received)
};

// What a route does when its agent is unavailable (deleted, or at max_concurrent_calls).
struct Failover {
  enum class Kind { none, next_agent, sip_uri, message };
  Kind kind = Kind::none;
  std::string target;  // next_agent: the agent id; sip_uri: the URI; message: the text to speak
};

struct RouteDecision {
  int sip_status = 200;  // 200: route found; else the final response to send (404)
  std::string reason;
  std::string provider_id;
  std::string provider_config;  // the admitting trunk's config JSON (media policy)
  std::string agent_id;
  std::string did;  // the dialled number in E.164, when it is one
  std::optional<std::string> route_id;
  Failover failover;  // a phone number's implicit route has none
};

// A sip:/sips: URI that can stand alone in a Contact header (a 302's target, RFC 3261 s21.3.3):
// printable, without spaces, quotes, angle brackets or commas.
bool is_contact_uri(std::string_view uri);

// "+14155551234", "14155551234" or "tel-ish" user parts to E.164; nullopt when not a valid number.
std::optional<std::string> normalize_did(std::string_view user);

}  // namespace parley::call

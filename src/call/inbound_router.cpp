#include "call/inbound_router.hpp"

#include <boost/json.hpp>

#include <regex>

#include "call/e164.hpp"
#include "call/trunk_settings.hpp"
#include "core/text.hpp"
#include "net/cidr.hpp"

namespace parley::call {
namespace json = boost::json;

namespace {

std::optional<json::object> parse_object(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The trunk whose IP allowlist admits `source` (RFC 3261 s26.2: IP trust for carrier trunks).
std::optional<store::SipProvider> admitting_trunk(const std::vector<store::SipProvider>& trunks, const std::string& source) {
  for (const auto& p : trunks) {
    auto cfg = parse_object(p.config);
    if (!cfg) continue;
    auto* inbound = cfg->if_contains("inbound");
    if (!inbound || !inbound->is_object()) continue;
    auto mode = str(inbound->get_object(), "auth");
    if (mode != "ip" && mode != "ip_and_digest") continue;
    std::vector<std::string> cidrs;
    if (auto* ips = inbound->get_object().if_contains("allowed_ips"); ips && ips->is_array()) {
      for (const auto& ip : ips->get_array()) {
        if (ip.is_string()) cidrs.emplace_back(ip.get_string());
      }
    }
    auto list = net::CidrList::parse(cidrs);
    if (list && list->contains(source)) return p;
  }
  return std::nullopt;
}

// Registration bindings (call/trunk_bindings.hpp): the trunk whose registered Contact the
// Request-URI names, when its allowlist (if it has one) admits the source too.
std::optional<store::SipProvider> bound_trunk(const std::vector<store::SipProvider>& trunks,
                                              const TrunkBindings& bindings, const InboundRequest& req) {
  auto provider_id = bindings.provider_for(req.request_user);
  if (!provider_id) return std::nullopt;
  for (const auto& p : trunks) {
    if (p.id != *provider_id) continue;
    auto settings = read_trunk(p);
    if (!settings) return std::nullopt;
    if (settings->allowed_ips.empty()) return p;
    auto list = net::CidrList::parse(settings->allowed_ips);
    if (list && list->contains(req.source_address)) return p;
    return std::nullopt;
  }
  return std::nullopt;
}

bool text_matches(const std::string& mode, const std::string& pattern, std::string_view value) {
  if (mode == "prefix") return value.substr(0, pattern.size()) == pattern;
  if (mode == "regex") {
    try {
      return std::regex_search(std::string(value), std::regex(pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
      return false;  // validated on write; a pattern that no longer compiles matches nothing
    }
  }
  return value == pattern;
}

bool route_matches(const json::object& cfg, const InboundRequest& req, const std::string& did,
                   const std::string& provider_id) {
  auto* enabled = cfg.if_contains("enabled");
  if (enabled && enabled->is_bool() && !enabled->get_bool()) return false;
  if (auto p = str(cfg, "provider_id"); !p.empty() && p != provider_id) return false;
  auto* m = cfg.if_contains("match");
  if (!m || !m->is_object()) return false;
  const auto& match = m->get_object();
  auto type = str(match, "type");
  if (type == "did") return !did.empty() && str(match, "number") == did;
  auto mode = str(match, "mode");
  auto value = str(match, "value");
  if (type == "caller_id") {
    auto normalized = normalize_did(req.from_user);
    return text_matches(mode, value, req.from_user) || (normalized && text_matches(mode, value, *normalized));
  }
  if (type == "header") {
    auto name = str(match, "name");
    for (const auto& [h, v] : req.headers) {
      if (core::iequals(h, name) && text_matches(mode, value, v)) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> normalize_did(std::string_view user) {
  auto semicolon = user.find(';');  // user parameters (RFC 3261 s19.1.1), e.g. ";npdi"
  user = user.substr(0, semicolon);
  if (user.empty()) return std::nullopt;
  std::string e164 = user.front() == '+' ? std::string(user) : "+" + std::string(user);
  auto info = parse_e164(e164);
  if (!info) return std::nullopt;
  return info->e164;
}

core::Result<RouteDecision> route_inbound(store::Store& store, const InboundRequest& req, const TrunkBindings* bindings) {
  RouteDecision d;
  auto trunks = store.list_sip_providers(1000, 0);
  if (!trunks) return std::unexpected(trunks.error());
  std::optional<store::SipProvider> trunk = bindings ? bound_trunk(trunks->items, *bindings, req) : std::nullopt;
  if (!trunk) trunk = admitting_trunk(trunks->items, req.source_address);
  if (!trunk) {
    d.sip_status = 403;
    d.reason = "Forbidden";
    return d;
  }
  d.provider_id = trunk->id;
  d.provider_config = trunk->config;
  d.did = normalize_did(req.request_user).value_or(normalize_did(req.to_user).value_or(""));

  auto routes = store.list_sip_routes(1000, 0);
  if (!routes) return std::unexpected(routes.error());
  for (const auto& r : routes->items) {
    auto cfg = parse_object(r.config);
    if (!cfg || !route_matches(*cfg, req, d.did, d.provider_id)) continue;
    d.agent_id = str(*cfg, "agent_id");
    d.route_id = r.id;
    return d;
  }
  if (!d.did.empty()) {
    auto number = store.find_phone_number(d.did);
    if (!number) return std::unexpected(number.error());
    // A phone number linked to an agent is an implicit DID route.
    if (*number && (*number)->agent_id && (*number)->state == "active" && (*number)->supports_inbound) {
      d.agent_id = *(*number)->agent_id;
      return d;
    }
  }
  d.sip_status = 404;
  d.reason = "Not Found";
  return d;
}

}  // namespace parley::call

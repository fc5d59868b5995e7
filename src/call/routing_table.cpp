#include "call/routing_table.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "core/sealed_json.hpp"
#include "core/text.hpp"

namespace parley::call {
namespace json = boost::json;
using sip::auth::DigestAlgorithm;

namespace {

constexpr int kPage = 500;

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* member(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// Every row of a paged store listing.
template <class T, class List>
core::Result<std::vector<T>> all_rows(List&& list) {
  std::vector<T> rows;
  for (int offset = 0;; offset += kPage) {
    auto page = list(kPage, offset);
    if (!page) return std::unexpected(page.error());
    for (auto& row : page->items) rows.push_back(std::move(row));
    if (static_cast<int>(page->items.size()) < kPage) return rows;
  }
}

std::vector<DigestAlgorithm> algorithms_of(const std::vector<std::string>& names) {
  std::vector<DigestAlgorithm> out;
  for (const auto& n : names) {
    if (n == "SHA-256") out.push_back(DigestAlgorithm::sha256);
    if (n == "MD5") out.push_back(DigestAlgorithm::md5);
  }
  if (out.empty()) out = {DigestAlgorithm::sha256, DigestAlgorithm::md5};  // RFC 8760 s2.4: strongest first
  return out;
}

std::optional<InboundTrunk> inbound_trunk(const store::SipProvider& row, const RoutingOptions& options) {
  auto settings = read_trunk(row);
  if (!settings) {
    spdlog::warn("event=routing.bad_provider provider_id={} error={}", row.id, core::log_value(settings.error().message));
    return std::nullopt;
  }
  InboundTrunk t;
  t.id = row.id;
  t.config = row.config;
  t.auth = settings->inbound_auth;
  if (t.auth == InboundAuth::ip || t.auth == InboundAuth::ip_and_digest) {
    auto list = net::CidrList::parse(settings->allowed_ips);
    if (list) t.allowlist = std::move(*list);
  }
  if (t.auth == InboundAuth::digest || t.auth == InboundAuth::ip_and_digest) {
    t.username = settings->inbound_username;
    t.realm = settings->inbound_realm.empty() ? options.default_realm : settings->inbound_realm;
    t.algorithms = algorithms_of(settings->digest_algorithms);
    if (options.secrets) t.password = core::sealed_string(*options.secrets, row.credentials, kInboundPasswordKey);
    if (!t.password) spdlog::warn("event=routing.no_inbound_password provider_id={}", row.id);
  }
  return t;
}

bool on_allowlist(const InboundTrunk& t, std::string_view source) { return t.allowlist && t.allowlist->contains(source); }

// The username and realm of the INVITE's first Digest Authorization that parses.
std::optional<sip::auth::DigestCredentials> credentials_of(const InboundRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (!core::iequals(name, "Authorization")) continue;
    if (auto c = sip::auth::parse_credentials(value)) return std::move(*c);
  }
  return std::nullopt;
}

}  // namespace

bool RoutingTable::Route::text_matches(std::string_view text) const {
  switch (mode) {
    case Mode::prefix: return text.substr(0, value.size()) == value;
    case Mode::regex: return regex && std::regex_search(text.begin(), text.end(), *regex);
    case Mode::exact: break;
  }
  return text == value;
}

bool RoutingTable::Route::matches(const InboundRequest& req, const std::string& did, const std::string& trunk_id) const {
  if (!provider_id.empty() && provider_id != trunk_id) return false;
  switch (type) {
    case Type::did: return !did.empty() && value == did;
    case Type::caller_id: {
      if (text_matches(req.from_user)) return true;
      auto normalized = normalize_did(req.from_user);
      return normalized && text_matches(*normalized);
    }
    case Type::header:
      for (const auto& [name, v] : req.headers) {
        if (core::iequals(name, header) && text_matches(v)) return true;
      }
      return false;
  }
  return false;
}

core::Result<std::shared_ptr<const RoutingTable>> RoutingTable::load(store::Store& store, const RoutingOptions& options) {
  auto table = std::make_shared<RoutingTable>();
  table->default_realm_ = options.default_realm;
  table->default_algorithms_ = algorithms_of({});
  auto generation = store.routing_generation();
  if (!generation) return std::unexpected(generation.error());
  table->generation_ = *generation;

  auto providers = all_rows<store::SipProvider>([&](int l, int o) { return store.list_sip_providers(l, o); });
  if (!providers) return std::unexpected(providers.error());
  for (const auto& row : *providers) {
    if (auto t = inbound_trunk(row, options)) table->trunks_.push_back(std::move(*t));
  }

  auto routes = all_rows<store::SipRoute>([&](int l, int o) { return store.list_sip_routes(l, o); });
  if (!routes) return std::unexpected(routes.error());
  for (const auto& row : *routes) {
    boost::system::error_code ec;
    auto parsed = json::parse(row.config, ec);
    if (ec || !parsed.is_object()) continue;
    const auto& cfg = parsed.get_object();
    if (auto* enabled = cfg.if_contains("enabled"); enabled && enabled->is_bool() && !enabled->get_bool()) continue;
    const auto* match = member(cfg, "match");
    if (!match) continue;
    Route r;
    r.id = row.id;
    r.provider_id = str(cfg, "provider_id");
    r.agent_id = str(cfg, "agent_id");
    const auto type = str(*match, "type");
    if (type == "did") {
      r.type = Route::Type::did;
      r.value = str(*match, "number");
    } else if (type == "caller_id" || type == "header") {
      r.type = type == "header" ? Route::Type::header : Route::Type::caller_id;
      r.header = str(*match, "name");
      r.value = str(*match, "value");
      const auto mode = str(*match, "mode");
      r.mode = mode == "prefix" ? Route::Mode::prefix : mode == "regex" ? Route::Mode::regex : Route::Mode::exact;
      if (r.mode == Route::Mode::regex) {
        try {
          r.regex.emplace(r.value, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          spdlog::warn("event=routing.bad_regex route_id={}", row.id);  // validated on write; matches nothing
        }
      }
    } else {
      continue;
    }
    if (const auto* f = member(cfg, "failover")) {
      const auto kind = str(*f, "type");
      if (kind == "next_agent") r.failover = {Failover::Kind::next_agent, str(*f, "agent_id")};
      // Validated on write; a URI that could break out of the Contact header is never sent.
      if (kind == "sip_uri" && is_contact_uri(str(*f, "uri"))) r.failover = {Failover::Kind::sip_uri, str(*f, "uri")};
      if (kind == "message") r.failover = {Failover::Kind::message, str(*f, "message")};
    }
    table->routes_.push_back(std::move(r));
  }

  auto numbers = all_rows<store::PhoneNumber>([&](int l, int o) { return store.list_phone_numbers(l, o); });
  if (!numbers) return std::unexpected(numbers.error());
  for (const auto& n : *numbers) {
    if (n.state != "active") continue;
    Number entry;
    // A phone number linked to an agent is an implicit DID route.
    if (n.agent_id && n.supports_inbound) entry.agent_id = n.agent_id;
    entry.provider_id = n.sip_provider_id;
    table->numbers_.emplace(n.phone_number, std::move(entry));
  }

  auto agents = all_rows<store::Agent>([&](int l, int o) { return store.list_agents(l, o); });
  if (!agents) return std::unexpected(agents.error());
  for (const auto& a : *agents) table->agents_.emplace(a.id, InboundAgent{a.id, agent_settings(a.config), a});
  return std::shared_ptr<const RoutingTable>(std::move(table));
}

std::shared_ptr<const RoutingTable> RoutingTable::empty() { return std::make_shared<const RoutingTable>(); }

const InboundTrunk* RoutingTable::trunk(std::string_view id) const {
  for (const auto& t : trunks_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const InboundAgent* RoutingTable::agent(std::string_view id) const {
  auto it = agents_.find(std::string(id));
  return it == agents_.end() ? nullptr : &it->second;
}

const InboundTrunk* RoutingTable::challenge_trunk(const InboundRequest& req, const InboundTrunk* by_ip) const {
  if (by_ip) return by_ip;
  // The trunk the dialled number belongs to, then the only digest trunk there is.
  auto did = normalize_did(req.request_user);
  if (!did) did = normalize_did(req.to_user);
  if (did) {
    if (auto it = numbers_.find(*did); it != numbers_.end() && it->second.provider_id) {
      if (const auto* t = trunk(*it->second.provider_id); t && t->auth == InboundAuth::digest) return t;
    }
  }
  const InboundTrunk* only = nullptr;
  for (const auto& t : trunks_) {
    if (t.auth != InboundAuth::digest) continue;
    if (only) return nullptr;
    only = &t;
  }
  return only;
}

TrunkAdmission RoutingTable::admit(const InboundRequest& req, const TrunkBindings* bindings) const {
  TrunkAdmission a;
  // Registration bindings (call/trunk_bindings.hpp): the trunk whose registered Contact the
  // Request-URI names, when its allowlist (if it has one) admits the source too.
  if (bindings) {
    if (auto id = bindings->provider_for(req.request_user)) {
      const auto* t = trunk(*id);
      if (t && (!t->allowlist || t->allowlist->empty() || t->allowlist->contains(req.source_address))) {
        a.kind = TrunkAdmission::Kind::admitted;
        a.trunk = t;
        return a;
      }
    }
  }
  // RFC 3261 s26.2: IP trust for carrier trunks.
  for (const auto& t : trunks_) {
    if (t.auth == InboundAuth::ip && on_allowlist(t, req.source_address)) {
      a.kind = TrunkAdmission::Kind::admitted;
      a.trunk = &t;
      return a;
    }
  }
  // Digest (RFC 3261 s22.4): the candidates are the trunks that could admit this caller.
  const auto credentials = credentials_of(req);
  const InboundTrunk* first_by_ip = nullptr;
  const InboundTrunk* named = nullptr;
  bool any = false;
  for (const auto& t : trunks_) {
    const bool by_ip = t.auth == InboundAuth::ip_and_digest && on_allowlist(t, req.source_address);
    if (!by_ip && t.auth != InboundAuth::digest) continue;
    any = true;
    if (by_ip && !first_by_ip) first_by_ip = &t;
    // Two trunks may share a username in different realms: the one in the credentials' realm wins.
    if (credentials && t.username == credentials->username) {
      if (!named || (t.realm == credentials->realm && named->realm != credentials->realm)) named = &t;
    }
  }
  if (!any) return a;  // forbidden
  a.kind = TrunkAdmission::Kind::digest;
  a.trunk = named;
  const InboundTrunk* space = named ? named : challenge_trunk(req, first_by_ip);
  a.realm = space ? std::string_view(space->realm) : std::string_view(default_realm_);
  a.algorithms = space ? std::span<const DigestAlgorithm>(space->algorithms)
                       : std::span<const DigestAlgorithm>(default_algorithms_);
  return a;
}

RouteDecision RoutingTable::route(const InboundTrunk& trunk, const InboundRequest& req) const {
  RouteDecision d;
  d.provider_id = trunk.id;
  d.provider_config = trunk.config;
  d.did = normalize_did(req.request_user).value_or(normalize_did(req.to_user).value_or(""));
  for (const auto& r : routes_) {
    if (!r.matches(req, d.did, trunk.id)) continue;
    d.agent_id = r.agent_id;
    d.route_id = r.id;
    d.failover = r.failover;
    return d;
  }
  if (!d.did.empty()) {
    if (auto it = numbers_.find(d.did); it != numbers_.end() && it->second.agent_id) {
      d.agent_id = *it->second.agent_id;
      return d;
    }
  }
  d.sip_status = 404;
  d.reason = "Not Found";
  return d;
}

}  // namespace parley::call

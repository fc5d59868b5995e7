// POST /voice/sip/import: a SIP trunk's credentials and its numbers in one call (seeds/000 "Option
// B: Vobiz", seeds/002 "Vobiz SIP Integration": server, username, password, DIDs). The provider and
// every number are created in one transaction, or nothing is. "Test Connection" is the SIP OPTIONS
// probe of the new provider, POST /voice/sip/providers/{id}/test, named in the answer.
#include <fmt/format.h>

#include <set>

#include "api/json_io.hpp"
#include "api/routes/phone_number_json.hpp"
#include "api/routes/routes.hpp"
#include "api/routes/sip_provider_config.hpp"
#include "call/e164.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

#define TRY_FIELD(var, expr)   \
  auto var = (expr);           \
  if (!var) return std::unexpected(var.error())

constexpr std::size_t kMaxNumbers = 100;

struct Did {
  store::PhoneNumber number;
  bool needs_dlt = false;  // Indian number without a DLT-registered caller ID yet
};

// One entry of "dids": "+91..." or {"phone_number", "agent_id", "supports_inbound", "supports_outbound", "dlt_registered"}.
Result<Did> parse_did(const json::value& v, std::size_t i) {
  auto field = fmt::format("dids[{}]", i);
  json::object entry;
  if (v.is_string()) {
    entry["phone_number"] = v.get_string();
  } else if (v.is_object()) {
    entry = v.get_object();
  } else {
    return fail(Errc::validation, field + " must be an E.164 string or an object", field);
  }
  Fields f(entry, field);
  if (auto r = f.only({"phone_number", "agent_id", "supports_inbound", "supports_outbound", "dlt_registered"}); !r) {
    return std::unexpected(r.error());
  }
  TRY_FIELD(e164, f.string("phone_number", 32, true));
  auto info = call::parse_e164(**e164);
  if (!info) return fail(Errc::validation, f.field("phone_number") + " " + info.error().message, f.field("phone_number"));
  TRY_FIELD(agent, f.string("agent_id", 100));
  TRY_FIELD(inbound, f.boolean("supports_inbound"));
  TRY_FIELD(outbound, f.boolean("supports_outbound"));
  TRY_FIELD(dlt, f.boolean("dlt_registered"));
  Did d;
  auto& n = d.number;
  n.id = core::new_id("pn");
  n.phone_number = info->e164;
  n.state = "active";
  n.agent_id = *agent;
  n.supports_inbound = inbound->value_or(true);
  n.supports_outbound = outbound->value_or(true);
  n.dlt_registered = dlt->value_or(false);
  d.needs_dlt = info->region == "IN" && n.supports_outbound && !n.dlt_registered;
  return d;
}

// The trunk credentials in the shape of POST /voice/sip/providers.
json::object provider_input(const json::object& body, const std::string& kind, const std::string& server) {
  json::object p{{"kind", kind}, {"host", server}};
  p["name"] = body.contains("name") ? body.at("name") : json::value(fmt::format("{} {}", kind, server));
  for (auto key : {"port", "transport"}) {
    if (body.contains(key)) p[key] = body.at(key);
  }
  json::object outbound;
  if (body.contains("username")) outbound["username"] = body.at("username");
  if (body.contains("password")) outbound["password"] = body.at("password");
  p["outbound"] = outbound;
  if (body.contains("allowed_ips")) p["inbound"] = json::object{{"allowed_ips", body.at("allowed_ips")}};
  if (body.contains("register")) {
    // Registration (when asked for) uses the same trunk credentials.
    json::object reg{{"enabled", body.at("register")}};
    if (body.contains("username")) reg["username"] = body.at("username");
    if (body.contains("password")) reg["password"] = body.at("password");
    p["registration"] = std::move(reg);
  }
  return p;
}

Result<net::HttpResponse> import_sip(ApiDeps& deps, RequestContext& ctx) {
  TRY_FIELD(body, parse_object_body(ctx.request));
  Fields f(*body);
  if (auto r = f.only({"kind", "name", "server", "port", "transport", "username", "password", "register", "allowed_ips",
                       "dids"});
      !r) {
    return std::unexpected(r.error());
  }
  TRY_FIELD(kind, f.one_of("kind", {"vobiz", "twilio", "plivo", "exotel", "telnyx", "generic"}));
  TRY_FIELD(server, f.string("server", 253, true));
  // Required here (the provider representation makes them optional); checked again below.
  if (auto r = f.string("username", 200, true); !r) return std::unexpected(r.error());
  if (auto r = f.string("password", 500, true); !r) return std::unexpected(r.error());
  TRY_FIELD(dids, f.array("dids", kMaxNumbers));
  if (!*dids || (*dids)->empty()) return fail(Errc::validation, "dids must list at least one number", "dids");

  // The provider is validated exactly as POST /voice/sip/providers validates it; its field names
  // are mapped back to this request's.
  json::object secrets;
  auto config = normalize_sip_provider(provider_input(*body, kind->value_or("vobiz"), **server), secrets);
  if (!config) {
    auto e = config.error();
    if (e.field == "host") e.field = "server";
    if (e.field.starts_with("outbound.")) e.field = e.field.substr(9);
    if (e.field.starts_with("inbound.")) e.field = e.field.substr(8);
    if (e.field.starts_with("registration.")) e.field = "register";
    return fail(e.code, e.message, e.field);
  }
  std::vector<store::PhoneNumber> numbers;
  json::array warnings;
  std::set<std::string> seen_numbers, seen_agents;
  for (std::size_t i = 0; i < (*dids)->size(); ++i) {
    TRY_FIELD(did, parse_did((**dids)[i], i));
    const auto& n = did->number;
    if (!seen_numbers.insert(n.phone_number).second) {
      return fail(Errc::validation, fmt::format("dids[{}] repeats {}", i, n.phone_number), fmt::format("dids[{}]", i));
    }
    if (n.agent_id && !seen_agents.insert(*n.agent_id).second) {
      return fail(Errc::conflict, fmt::format("dids[{}]: agent {} is linked to another number of this import", i, *n.agent_id),
                  fmt::format("dids[{}].agent_id", i));
    }
    if (did->needs_dlt) {
      warnings.emplace_back(n.phone_number + " is an Indian number without a DLT-registered caller ID: outbound calls "
                                            "from it are refused until dlt_registered is set (TRAI DLT)");
    }
    numbers.push_back(did->number);
  }

  auto now = core::to_unix_ms(core::now_utc());
  store::SipProvider row;
  row.id = core::new_id("sp");
  row.created_at = row.updated_at = now;
  row = sip_provider_row(std::move(row), *config, secrets, deps.secrets);
  for (auto& n : numbers) {
    n.provider = row.kind == "vobiz" ? "vobiz" : "sip";
    n.created_at = n.updated_at = now;
  }
  auto created = deps.store.import_sip_numbers(row, numbers);
  if (!created) {
    auto e = created.error();
    // The store names "numbers[i].field"; this request calls them dids.
    if (e.field.starts_with("numbers")) e.field = "dids" + e.field.substr(7);
    return fail(e.code, e.message, e.field);
  }
  auto provider = deps.store.get_sip_provider(row.id);
  if (!provider) return std::unexpected(provider.error());
  json::array out_numbers;
  for (const auto& n : *created) out_numbers.push_back(phone_number_json(deps, n));
  return json_response(201, json::object{{"sip_provider", sip_provider_json(*provider, secrets)},
                                         {"phone_numbers", std::move(out_numbers)},
                                         {"test_connection", json::object{{"method", "POST"},
                                                                          {"path", "/voice/sip/providers/" + row.id + "/test"}}},
                                         {"warnings", std::move(warnings)}});
}

}  // namespace

void add_sip_import_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/sip/import", RateClass::standard, [&deps](RequestContext& ctx) { return import_sip(deps, ctx); }});
}

}  // namespace parley::api

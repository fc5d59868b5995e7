// /voice/sip/providers: SIP trunks (seeds/002). Passwords are write-only (sealed at rest).
// Registration state is written by the registration client and shown read-only.
#include <fmt/format.h>

#include "api/json_io.hpp"
#include "api/secrets.hpp"
#include "api/routes/routes.hpp"
#include "api/routes/sip_provider_config.hpp"
#include "call/trunk_settings.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "net/cidr.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

constexpr std::string_view kCodecs[] = {"PCMU", "PCMA", "G722", "opus", "G729"};

const SecretSlot kSecretSlots[] = {{{"inbound"}, "password", "inbound_password"},
                                   {{"outbound"}, "password", "outbound_password"},
                                   {{"registration"}, "password", call::kRegistrationPasswordKey}};

#define TRY_FIELD(expr)                                 \
  if (auto _r = (expr); !_r) return std::unexpected(_r.error())

core::Status check_host(const Fields& f, std::string_view key, bool required) {
  auto v = f.string(key, 253, required);
  if (!v) return std::unexpected(v.error());
  if (!*v) return {};
  for (char c : **v) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      return fail(Errc::validation, f.field(key) + " must be a host name or IP address", f.field(key));
    }
  }
  return {};
}

// Validates the full representation (create, or current merged with a patch) and fills defaults.
Result<json::object> normalize(json::object in, const json::object& secrets) {
  Fields f(in);
  TRY_FIELD(f.only({"name", "kind", "host", "port", "transport", "inbound", "outbound", "codecs", "dtmf_mode",
                    "session_timer", "priority", "weight", "srtp", "registration", "debug", "trace_retention_hours"}));
  TRY_FIELD(f.string("name", 200, true));
  TRY_FIELD(f.one_of("kind", {"twilio", "vobiz", "plivo", "exotel", "telnyx", "generic"}, true));
  TRY_FIELD(check_host(f, "host", true));
  auto transport = f.one_of("transport", {"udp", "tcp", "tls"});
  if (!transport) return std::unexpected(transport.error());
  in["transport"] = transport->value_or("udp");
  auto port = f.integer("port", 1, 65535);
  if (!port) return std::unexpected(port.error());
  in["port"] = port->value_or(in["transport"] == "tls" ? 5061 : 5060);
  auto priority = f.integer("priority", 0, 1000);
  if (!priority) return std::unexpected(priority.error());
  in["priority"] = priority->value_or(10);
  auto weight = f.integer("weight", 1, 1000);
  if (!weight) return std::unexpected(weight.error());
  in["weight"] = weight->value_or(100);
  auto dtmf = f.one_of("dtmf_mode", {"rfc2833", "sip_info", "inband"});
  if (!dtmf) return std::unexpected(dtmf.error());
  in["dtmf_mode"] = dtmf->value_or("rfc2833");
  auto srtp = f.one_of("srtp", {"off", "optional", "required"});
  if (!srtp) return std::unexpected(srtp.error());
  in["srtp"] = srtp->value_or("off");
  if (in["srtp"] == "required" && in["transport"] != "tls") {
    return fail(Errc::validation, "srtp required needs transport tls (SDES keys travel in SIP)", "srtp");
  }
  auto debug = f.boolean("debug");
  if (!debug) return std::unexpected(debug.error());
  in["debug"] = debug->value_or(false);
  auto retention = f.integer("trace_retention_hours", 1, 720);
  if (!retention) return std::unexpected(retention.error());
  in["trace_retention_hours"] = retention->value_or(72);

  auto codecs = f.array("codecs", 5);
  if (!codecs) return std::unexpected(codecs.error());
  if (*codecs) {
    if ((*codecs)->empty()) return fail(Errc::validation, "codecs must not be empty", "codecs");
    std::vector<std::string> seen;
    for (const auto& c : **codecs) {
      bool ok = c.is_string() && std::find(std::begin(kCodecs), std::end(kCodecs), c.get_string()) != std::end(kCodecs);
      if (!ok) return fail(Errc::validation, "codecs must hold only PCMU, PCMA, G722, opus, G729", "codecs");
      if (std::find(seen.begin(), seen.end(), c.get_string()) != seen.end()) {
        return fail(Errc::validation, "codecs must not repeat " + std::string(c.get_string()), "codecs");
      }
      seen.emplace_back(c.get_string());
    }
  } else {
    json::array all;
    for (auto c : kCodecs) all.emplace_back(c);
    in["codecs"] = std::move(all);
  }

  json::object inbound = in.contains("inbound") && in["inbound"].is_object() ? in["inbound"].get_object() : json::object{};
  TRY_FIELD(f.object("inbound"));
  Fields inf(inbound, "inbound");
  TRY_FIELD(inf.only({"auth", "allowed_ips", "username", "realm", "digest_algorithms"}));
  auto ips = inf.array("allowed_ips", 100);
  if (!ips) return std::unexpected(ips.error());
  std::vector<std::string> cidrs;
  for (const auto& ip : ips->value_or(json::array{})) {
    if (!ip.is_string()) return fail(Errc::validation, "inbound.allowed_ips must hold strings", "inbound.allowed_ips");
    cidrs.emplace_back(ip.get_string());
  }
  if (auto parsed = net::CidrList::parse(cidrs); !parsed) {
    return fail(Errc::validation, "inbound.allowed_ips: " + parsed.error().message, "inbound.allowed_ips");
  }
  TRY_FIELD(inf.string("username", 200));
  TRY_FIELD(inf.string("realm", 200));
  auto auth = inf.one_of("auth", {"none", "ip", "digest", "ip_and_digest"});
  if (!auth) return std::unexpected(auth.error());
  std::string mode = auth->value_or(cidrs.empty() ? "none" : "ip");
  bool wants_ip = mode == "ip" || mode == "ip_and_digest";
  bool wants_digest = mode == "digest" || mode == "ip_and_digest";
  if (wants_ip && cidrs.empty()) {
    return fail(Errc::validation, "inbound.allowed_ips is required for auth " + mode, "inbound.allowed_ips");
  }
  if (wants_digest && (!inbound.contains("username") || !secrets.contains("inbound_password"))) {
    return fail(Errc::validation, "inbound.username and inbound.password are required for auth " + mode,
                "inbound.password");
  }
  // The challenges offered to digest callers, preferred first (RFC 8760 s2.4). A caller that reads
  // only the first challenge and knows only MD5 (SIPp 3.6, some older PBXs) needs ["MD5"].
  auto algorithms = inf.array("digest_algorithms", 2);
  if (!algorithms) return std::unexpected(algorithms.error());
  if (*algorithms) {
    if ((*algorithms)->empty()) {
      return fail(Errc::validation, "inbound.digest_algorithms must not be empty", "inbound.digest_algorithms");
    }
    std::vector<std::string_view> seen;
    for (const auto& a : **algorithms) {
      bool ok = a.is_string() && (a.get_string() == "SHA-256" || a.get_string() == "MD5") &&
                std::find(seen.begin(), seen.end(), a.get_string()) == seen.end();
      if (!ok) {
        return fail(Errc::validation, "inbound.digest_algorithms must list SHA-256 and/or MD5 once each",
                    "inbound.digest_algorithms");
      }
      seen.push_back(a.get_string());
    }
  } else if (wants_digest) {
    inbound["digest_algorithms"] = json::array{"SHA-256", "MD5"};
  }
  inbound["auth"] = mode;
  inbound["allowed_ips"] = ips->value_or(json::array{});
  in["inbound"] = std::move(inbound);

  if (auto out = f.object("outbound"); !out) {
    return std::unexpected(out.error());
  } else if (*out) {
    Fields of(**out, "outbound");
    TRY_FIELD(of.only({"username", "from_domain", "caller_id_header"}));
    TRY_FIELD(of.string("username", 200));
    TRY_FIELD(check_host(of, "from_domain", false));
    TRY_FIELD(of.one_of("caller_id_header", {"from", "p_asserted_identity", "both"}));
  }

  json::object timer = in.contains("session_timer") && in["session_timer"].is_object() ? in["session_timer"].get_object()
                                                                                         : json::object{};
  TRY_FIELD(f.object("session_timer"));
  Fields tf(timer, "session_timer");
  TRY_FIELD(tf.only({"enabled", "expires", "min_se", "refresher"}));
  auto enabled = tf.boolean("enabled");
  if (!enabled) return std::unexpected(enabled.error());
  auto expires = tf.integer("expires", 90, 86400);  // RFC 4028 s4: Min-SE is at least 90 s
  if (!expires) return std::unexpected(expires.error());
  auto min_se = tf.integer("min_se", 90, 86400);
  if (!min_se) return std::unexpected(min_se.error());
  auto refresher = tf.one_of("refresher", {"uac", "uas"});
  if (!refresher) return std::unexpected(refresher.error());
  timer["enabled"] = enabled->value_or(true);
  timer["expires"] = expires->value_or(1800);
  timer["min_se"] = min_se->value_or(90);
  timer["refresher"] = refresher->value_or("uac");
  if (timer["min_se"].as_int64() > timer["expires"].as_int64()) {
    return fail(Errc::validation, "session_timer.min_se must not exceed session_timer.expires", "session_timer.min_se");
  }
  in["session_timer"] = std::move(timer);

  json::object reg = in.contains("registration") && in["registration"].is_object() ? in["registration"].get_object()
                                                                                   : json::object{};
  TRY_FIELD(f.object("registration"));
  Fields rf(reg, "registration");
  TRY_FIELD(rf.only({"enabled", "username", "expires", "registrar"}));
  auto reg_on = rf.boolean("enabled");
  if (!reg_on) return std::unexpected(reg_on.error());
  TRY_FIELD(rf.string("username", 200));
  TRY_FIELD(check_host(rf, "registrar", false));
  auto reg_expires = rf.integer("expires", 60, 86400);
  if (!reg_expires) return std::unexpected(reg_expires.error());
  reg["enabled"] = reg_on->value_or(false);
  reg["expires"] = reg_expires->value_or(3600);
  if (reg["enabled"].as_bool() && (!reg.contains("username") || !secrets.contains(call::kRegistrationPasswordKey))) {
    return fail(Errc::validation, "registration.username and registration.password are required to register",
                "registration.password");
  }
  in["registration"] = std::move(reg);
  return in;
}

json::object to_json(const store::SipProvider& p, const json::object& secrets) {
  boost::system::error_code ec;
  json::value cfg = json::parse(p.config, ec);
  json::object out{{"id", p.id}, {"name", p.name}, {"kind", p.kind}};
  if (!ec && cfg.is_object()) {
    for (const auto& kv : cfg.get_object()) out[kv.key()] = kv.value();
  }
  mark_secrets(out, kSecretSlots, secrets);
  if (auto* reg = out.if_contains("registration"); reg && reg->is_object()) {
    auto& r = reg->get_object();
    r["state"] = p.registration_state;
    r["expires_at"] = opt_time(p.registration_expires_at);
    r["last_error"] = p.registration_error.empty() ? json::value(nullptr) : json::value(p.registration_error);
  }
  out["created_at"] = iso(p.created_at);
  out["updated_at"] = iso(p.updated_at);
  return out;
}

Result<std::string> provider_id(RequestContext& ctx) {
  const auto& id = ctx.param(0);
  if (!core::is_id_of(id, "sp")) return fail(Errc::not_found, "SIP provider " + id + " not found");
  return id;
}

// Builds the stored row from a validated representation and the secrets.
store::SipProvider to_row(store::SipProvider row, const json::object& config, const json::object& secrets,
                          const core::SecretBox& box) {
  json::object stored = config;
  row.name = std::string(stored["name"].as_string());
  row.kind = std::string(stored["kind"].as_string());
  row.priority = static_cast<int>(stored["priority"].as_int64());
  stored.erase("name");
  stored.erase("kind");
  row.config = json::serialize(stored);
  row.credentials = seal_secrets(box, secrets);
  bool registering = config.at("registration").as_object().at("enabled").as_bool();
  if (!registering) row.registration_state = "disabled";
  else if (row.registration_state == "disabled") row.registration_state = "registering";
  return row;
}

// Registrations and traces follow a committed change at once (call::Trunks).
void providers_changed(ApiDeps& deps) {
  if (deps.trunks) deps.trunks->providers_changed();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Test Connection" (seeds/002): what one OPTIONS to the trunk showed.
json::object connection_test_json(const std::string& id, const call::ConnectionTest& test, std::int64_t timeout_ms) {
  using Outcome = sip::ProbeResult::Outcome;
  const auto& r = test.result;
  std::string target = test.target.host.find(':') != std::string::npos ? "[" + test.target.host + "]" : test.target.host;
  if (test.target.port) target += ":" + std::to_string(*test.target.port);
  std::string reason = r.reason;
  switch (r.outcome) {
    case Outcome::answered: break;
    case Outcome::timeout: reason = fmt::format("no response within {} ms", timeout_ms); break;
    case Outcome::unreachable: reason = "connection failed"; break;
    case Outcome::unresolvable: reason = test.target.host + " does not resolve"; break;
  }
  const bool answered = r.outcome == Outcome::answered;
  return json::object{
      {"provider_id", id},
      {"reachable", answered},
      {"result", std::string(sip::to_string(r.outcome))},
      {"status_code", answered ? json::value(r.status) : json::value(nullptr)},
      {"reason", reason},
      {"rtt_ms", answered ? json::value(static_cast<double>(r.rtt.count()) / 1000.0) : json::value(nullptr)},
      {"transport", lower(sip::to_string(test.target.transport))},
      {"target", target},
      {"address", r.peer ? json::value(sip::host_text(r.peer->address) + ":" + std::to_string(r.peer->port))
                         : json::value(nullptr)},
  };
}

}  // namespace

void add_sip_provider_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/sip/providers", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto body = parse_object_body(ctx.request);
           if (!body) return std::unexpected(body.error());
           auto updates = take_secrets(*body, kSecretSlots);
           if (!updates) return std::unexpected(updates.error());
           json::object secrets;
           apply_secret_updates(secrets, *updates);
           auto config = normalize(std::move(*body), secrets);
           if (!config) return std::unexpected(config.error());
           auto now = core::to_unix_ms(core::now_utc());
           store::SipProvider row;
           row.id = core::new_id("sp");
           row.created_at = row.updated_at = now;
           auto created = deps.store.create_sip_provider(to_row(row, *config, secrets, deps.secrets));
           if (!created) return std::unexpected(created.error());
           providers_changed(deps);
           return json_response(201, to_json(*created, secrets));
         }});

  r.add({"GET", "/voice/sip/providers", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto page = page_params(ctx.request);
           if (!page) return std::unexpected(page.error());
           auto list = deps.store.list_sip_providers(page->limit, page->offset);
           if (!list) return std::unexpected(list.error());
           json::array items;
           for (const auto& p : list->items) {
             auto secrets = open_secrets(deps.secrets, p.credentials);
             if (!secrets) return std::unexpected(secrets.error());
             items.push_back(to_json(p, *secrets));
           }
           return json_response(200, json::object{{"providers", std::move(items)}, {"total", list->total},
                                                   {"limit", page->limit}, {"offset", page->offset}});
         }});

  r.add({"GET", "/voice/sip/providers/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = provider_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto p = deps.store.get_sip_provider(*id);
           if (!p) return std::unexpected(p.error());
           auto secrets = open_secrets(deps.secrets, p->credentials);
           if (!secrets) return std::unexpected(secrets.error());
           return json_response(200, to_json(*p, *secrets));
         }});

  r.add({"PATCH", "/voice/sip/providers/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = provider_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto patch = parse_object_body(ctx.request);
           if (!patch) return std::unexpected(patch.error());
           auto current = deps.store.get_sip_provider(*id);
           if (!current) return std::unexpected(current.error());
           auto updates = take_secrets(*patch, kSecretSlots);
           if (!updates) return std::unexpected(updates.error());
           auto secrets = open_secrets(deps.secrets, current->credentials);
           if (!secrets) return std::unexpected(secrets.error());
           apply_secret_updates(*secrets, *updates);
           boost::system::error_code ec;
           json::value stored = json::parse(current->config, ec);
           if (ec || !stored.is_object()) return fail(Errc::corrupt, "stored provider config is not a JSON object");
           json::object merged = std::move(stored.get_object());
           merged["name"] = current->name;
           merged["kind"] = current->kind;
           merge_patch(merged, *patch);
           auto config = normalize(std::move(merged), *secrets);
           if (!config) return std::unexpected(config.error());
           store::SipProvider row = *current;
           row.updated_at = core::to_unix_ms(core::now_utc());
           auto updated = deps.store.update_sip_provider(to_row(row, *config, *secrets, deps.secrets));
           if (!updated) return std::unexpected(updated.error());
           providers_changed(deps);
           return json_response(200, to_json(*updated, *secrets));
         }});

  r.add({"DELETE", "/voice/sip/providers/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = provider_id(ctx);
           if (!id) return std::unexpected(id.error());
           if (auto rr = deps.store.delete_sip_provider(*id); !rr) return std::unexpected(rr.error());
           providers_changed(deps);
           return json_response(200, json::object{{"id", *id}, {"deleted", true}});
         }});

  // Blocks this worker for at most timeout_ms (plus a short grace) while the SIP thread probes.
  r.add({"POST", "/voice/sip/providers/{id}/test", RateClass::standard,
         [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = provider_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto body = parse_object_body(ctx.request, true);
           if (!body) return std::unexpected(body.error());
           Fields f(*body);
           TRY_FIELD(f.only({"timeout_ms"}));
           auto timeout = f.integer("timeout_ms", 100, 30000);
           if (!timeout) return std::unexpected(timeout.error());
           const std::int64_t timeout_ms = timeout->value_or(5000);
           auto p = deps.store.get_sip_provider(*id);
           if (!p) return std::unexpected(p.error());
           if (!deps.trunks) return fail(Errc::unavailable, "SIP is not running in this process");
           auto test = deps.trunks->test_connection(*p, std::chrono::milliseconds(timeout_ms));
           if (!test) return std::unexpected(test.error());
           return json_response(200, connection_test_json(*id, *test, timeout_ms));
         }});
}

}  // namespace parley::api

namespace parley::api {

Result<json::object> normalize_sip_provider(json::object input, json::object& secrets) {
  auto updates = take_secrets(input, kSecretSlots);
  if (!updates) return std::unexpected(updates.error());
  apply_secret_updates(secrets, *updates);
  return normalize(std::move(input), secrets);
}

store::SipProvider sip_provider_row(store::SipProvider row, const json::object& config, const json::object& secrets,
                                    const core::SecretBox& box) {
  return to_row(std::move(row), config, secrets, box);
}

json::object sip_provider_json(const store::SipProvider& p, const json::object& secrets) { return to_json(p, secrets); }

}  // namespace parley::api

// Number import with automatic provisioning (seeds/004 "Automatic Twilio Setup", "Rollback
// Protection"; seeds/002 per-phone webhooks): POST /voice/twilio/byok/import and
// POST /voice/plivo/byok/import. The number is stored as `provisioning` first (which also reserves
// the E.164 number and the agent link), then the carrier steps run through the journal
// (carriers/provisioning/saga.hpp); success makes it active, any failure undoes what was made and
// removes the number, or leaves it `corrupted` with what is left.
#include <spdlog/spdlog.h>

#include <regex>

#include "api/json_io.hpp"
#include "api/routes/carrier_numbers.hpp"
#include "api/routes/phone_number_json.hpp"
#include "api/routes/routes.hpp"
#include "api/routes/sip_provider_config.hpp"
#include "api/secrets.hpp"
#include "call/e164.hpp"
#include "carriers/plivo/provisioner.hpp"
#include "carriers/public_url.hpp"
#include "carriers/sip_address.hpp"
#include "carriers/twilio/provisioner.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "net/cidr.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

#define TRY_FIELD(var, expr)   \
  auto var = (expr);           \
  if (!var) return std::unexpected(var.error())

// The import's common fields: the number, its agent and directions.
struct ImportInput {
  std::string e164;
  std::optional<std::string> agent_id;
  bool inbound = true;
  bool outbound = true;
};

Result<ImportInput> common_fields(const Fields& f) {
  ImportInput in;
  TRY_FIELD(number, f.string("phone_number", 32, true));
  auto info = call::parse_e164(**number);
  if (!info) return fail(Errc::validation, "phone_number " + info.error().message, "phone_number");
  in.e164 = info->e164;
  TRY_FIELD(agent, f.string("agent_id", 100));
  in.agent_id = *agent;
  TRY_FIELD(inbound, f.boolean("supports_inbound"));
  TRY_FIELD(outbound, f.boolean("supports_outbound"));
  in.inbound = inbound->value_or(true);
  in.outbound = outbound->value_or(true);
  return in;
}

core::Status check_token(const Fields& f, std::string_view key, const std::regex& shape, std::string_view what) {
  TRY_FIELD(v, f.string(key, 128, true));
  if (!std::regex_match(**v, shape)) return fail(Errc::validation, f.field(key) + " must be " + std::string(what), f.field(key));
  return {};
}

// Stores the number as `provisioning`: the E.164 number and the agent link are taken from here on.
Result<store::PhoneNumber> reserve(ApiDeps& deps, const ImportInput& in, std::string provider, json::object config,
                                   const json::object& secrets) {
  auto now = core::to_unix_ms(core::now_utc());
  store::PhoneNumber n;
  n.id = core::new_id("pn");
  n.phone_number = in.e164;
  n.provider = std::move(provider);
  n.state = "provisioning";
  n.supports_inbound = in.inbound;
  n.supports_outbound = in.outbound;
  n.agent_id = in.agent_id;
  n.config = json::serialize(config);
  n.credentials = seal_secrets(deps.secrets, secrets);
  n.created_at = n.updated_at = now;
  return deps.store.create_phone_number(n);
}

// The answer to a failed import, after its journal was rolled back (or could not be).
Result<net::HttpResponse> failed_import(ApiDeps& deps, const store::PhoneNumber& n, std::string_view carrier,
                                        const carriers::ImportFailure& failure) {
  auto cleanup = clean_up_number(deps, n);
  if (!cleanup) return std::unexpected(cleanup.error());
  spdlog::warn("event=carrier.import_failed carrier={} phone_id={} step={} rolled_back={} error={}", carrier, n.id,
               failure.step ? failure.step->step : "-", cleanup->removed, core::log_value(failure.message));
  if (!failure.step && cleanup->removed) return fail(failure.code, failure.message, failure.field);

  bool carrier_failed = failure.step && !failure.step->store;
  bool internal = http_status_for(failure.code) >= 500 && !carrier_failed && failure.code != Errc::unavailable;
  // As error_response does: internals stay in the log (above), the client gets a generic message.
  std::string message = internal ? std::string("internal server error while provisioning") : failure.message;
  json::object error{{"code", carrier_failed ? std::string_view("carrier_error")
                                             : internal ? std::string_view("internal_error") : core::to_string(failure.code)},
                     {"message", message},
                     {"field", failure.field.empty() ? json::value(nullptr) : json::value(failure.field)},
                     {"rolled_back", cleanup->removed},
                     {"leftover_resources", resources_json(cleanup->left)}};
  if (failure.step) error["step"] = failure.step->step;
  if (carrier_failed) {
    const auto& answer = failure.step->carrier;
    error["carrier"] = json::object{
        {"name", carrier},
        {"http_status", answer.http_status ? json::value(answer.http_status) : json::value(nullptr)},
        {"code", answer.carrier_code.empty() ? json::value(nullptr) : json::value(answer.carrier_code)},
        {"message", answer.message}};
  }
  if (!cleanup->removed) {
    error["phone_number_id"] = n.id;
    error["message"] = message + "; the rollback could not remove everything (see leftover_resources): " +
                       "phone number " + n.id + " is corrupted";
  }
  // 502: the carrier failed; a store failure keeps its own status (500).
  int status = carrier_failed ? 502 : http_status_for(failure.code);
  return json_response(status, json::object{{"error", std::move(error)}});
}

carriers::ImportFailure local_failure(std::string step, const core::Error& e) {
  return carriers::ImportFailure{e.code, {}, step + " failed: " + e.message, carriers::StepFailure{step, {}, e}};
}

net::HttpResponse imported(ApiDeps& deps, const store::PhoneNumber& n) { return json_response(201, phone_number_json(deps, n)); }

std::string public_url_or_empty(const ApiDeps& deps, const store::PhoneNumber& n, std::string_view key) {
  auto urls = webhook_urls(deps, n);
  auto* v = urls.if_contains(key);
  auto s = v && v->is_string() ? std::string(v->get_string()) : std::string();
  return s.starts_with("http") ? s : std::string();
}

// ---- Twilio ----

// The SIP side in Parley of an imported trunk: inbound from Twilio's signaling addresses, outbound
// to the trunk's termination domain with the credential list's username and password (which are
// also the credentials the TwiML answer hands to Twilio for <Dial><Sip>).
Result<store::SipProvider> twilio_sip_provider(ApiDeps& deps, const store::PhoneNumber& n,
                                               const carriers::twilio::Provisioned& done) {
  json::object provider{{"name", "Twilio " + n.phone_number}, {"kind", "twilio"}, {"host", done.domain_name},
                        {"transport", "udp"}};
  if (n.supports_inbound) {
    json::array ips;
    for (const auto& ip : deps.config.twilio_signaling_ips) ips.emplace_back(ip);
    json::object inbound{{"allowed_ips", std::move(ips)}};
    if (!done.sip_username.empty()) {
      // Calls come from Twilio's edges and answer the challenge with the TwiML <Dial><Sip>
      // credentials. MD5 alone: the algorithm every carrier UA answers (RFC 2617).
      inbound["auth"] = "ip_and_digest";
      inbound["username"] = done.sip_username;
      inbound["password"] = done.sip_password;
      inbound["digest_algorithms"] = json::array{"MD5"};
    }
    provider["inbound"] = std::move(inbound);
  }
  if (n.supports_outbound) {
    provider["outbound"] = json::object{{"username", done.sip_username}, {"password", done.sip_password}};
  }
  json::object secrets;
  auto normalized = normalize_sip_provider(std::move(provider), secrets);
  if (!normalized) return std::unexpected(normalized.error());
  store::SipProvider row;
  row.id = core::new_id("sp");
  row.created_at = row.updated_at = core::to_unix_ms(core::now_utc());
  return sip_provider_row(std::move(row), *normalized, secrets, deps.secrets);
}

Result<net::HttpResponse> import_twilio(ApiDeps& deps, RequestContext& ctx) {
  TRY_FIELD(body, parse_object_body(ctx.request));
  Fields f(*body);
  if (auto r = f.only({"account_sid", "auth_token", "phone_number", "agent_id", "mode", "supports_inbound",
                       "supports_outbound"});
      !r) {
    return std::unexpected(r.error());
  }
  static const std::regex kAccountSid("AC[0-9a-fA-F]{32}");
  static const std::regex kToken("[\\x21-\\x7e]{1,128}");
  if (auto r = check_token(f, "account_sid", kAccountSid, "AC followed by 32 hex digits"); !r) return std::unexpected(r.error());
  if (auto r = check_token(f, "auth_token", kToken, "1-128 printable characters"); !r) return std::unexpected(r.error());
  TRY_FIELD(mode, f.one_of("mode", {"sip_trunk", "media_stream"}));
  TRY_FIELD(in, common_fields(f));
  if (!in->inbound && !in->outbound) {
    return fail(Errc::validation, "supports_inbound and supports_outbound cannot both be false", "supports_inbound");
  }
  bool media_stream = mode->value_or("sip_trunk") == "media_stream";
  auto public_url = carriers::PublicUrl::make(deps.config.public_url, {});
  if (media_stream && !(public_url && public_url->configured())) {
    return fail(Errc::validation, "media_stream mode needs public_url (PARLEY_PUBLIC_URL): Twilio calls absolute URLs",
                "mode");
  }
  if (!deps.carrier_http) return fail(Errc::unavailable, "carrier REST client is not configured");
  // Checked before anything is made at Twilio: the trunk's inbound allowlist is built from it.
  if (auto ips = net::CidrList::parse(deps.config.twilio_signaling_ips); !ips) {
    return fail(Errc::unavailable, "twilio.signaling_ips is invalid: " + ips.error().message);
  }
  std::string account_sid(body->at("account_sid").as_string());
  std::string auth_token(body->at("auth_token").as_string());

  TRY_FIELD(n, reserve(deps, *in, "twilio",
                       json::object{{"mode", media_stream ? "media_stream" : "sip_trunk"}, {"account_sid", account_sid}},
                       json::object{{"auth_token", auth_token}}));
  carriers::RestClient rest(*deps.carrier_http, carriers::Dialect::twilio, account_sid, auth_token,
                            std::chrono::seconds(deps.config.carrier_http_timeout_s));
  carriers::twilio::Requests requests({deps.config.twilio_api_base, deps.config.twilio_trunking_base}, account_sid);
  carriers::twilio::ImportPlan plan;
  plan.phone_number_id = n->id;
  plan.phone_number = n->phone_number;
  plan.media_stream = media_stream;
  plan.inbound = in->inbound;
  plan.outbound = in->outbound;
  plan.origination_sip_url =
      carriers::sip_address(deps.config, ctx.request.header("Host").value_or("")).uri() + ";transport=udp";
  plan.voice_url = public_url_or_empty(deps, *n, "voice_url");
  plan.status_url = public_url_or_empty(deps, *n, "status_callback");

  carriers::Saga saga(deps.store, n->id, rest);
  auto done = carriers::twilio::provision(saga, rest, requests, plan);
  if (!done) return failed_import(deps, *n, "Twilio", done.error());

  json::object config{{"mode", media_stream ? "media_stream" : "sip_trunk"},
                      {"account_sid", account_sid},
                      {"phone_sid", done->number.sid}};
  json::object secrets{{"auth_token", auth_token}};
  std::optional<store::SipProvider> trunk;
  if (!media_stream) {
    config["trunk_sid"] = done->trunk_sid;
    config["termination_domain"] = done->domain_name;
    config["owns_sip_provider"] = true;
    if (in->outbound) {
      secrets["sip_username"] = done->sip_username;
      secrets["sip_password"] = done->sip_password;
    }
    auto provider = twilio_sip_provider(deps, *n, *done);
    if (!provider) {
      // Parley's own representation refused: a bug, not the caller's input.
      core::Error e{Errc::internal, provider.error().message, {}};
      return failed_import(deps, *n, "Twilio", local_failure("create_sip_provider", e));
    }
    trunk = std::move(*provider);
  }
  auto active = deps.store.activate_phone_number(n->id, json::serialize(config), seal_secrets(deps.secrets, secrets), trunk);
  if (!active) {
    return failed_import(deps, *n, "Twilio", local_failure("activate", active.error()));
  }
  spdlog::info("event=carrier.imported carrier=twilio phone_id={} mode={} trunk_sid={} sip_provider_id={}", active->id,
               media_stream ? "media_stream" : "sip_trunk", core::log_value(done->trunk_sid),
               active->sip_provider_id.value_or("-"));
  return imported(deps, *active);
}

// ---- Plivo ----

Result<net::HttpResponse> import_plivo(ApiDeps& deps, RequestContext& ctx) {
  TRY_FIELD(body, parse_object_body(ctx.request));
  Fields f(*body);
  if (auto r = f.only({"auth_id", "auth_token", "phone_number", "agent_id", "supports_inbound", "supports_outbound"}); !r) {
    return std::unexpected(r.error());
  }
  static const std::regex kAuthId("[A-Za-z0-9]{10,40}");
  static const std::regex kToken("[\\x21-\\x7e]{1,128}");
  if (auto r = check_token(f, "auth_id", kAuthId, "10-40 letters and digits"); !r) return std::unexpected(r.error());
  if (auto r = check_token(f, "auth_token", kToken, "1-128 printable characters"); !r) return std::unexpected(r.error());
  TRY_FIELD(in, common_fields(f));
  auto public_url = carriers::PublicUrl::make(deps.config.public_url, {});
  if (!(public_url && public_url->configured())) {
    return fail(Errc::validation, "a Plivo import needs public_url (PARLEY_PUBLIC_URL): Plivo calls absolute URLs",
                "phone_number");
  }
  if (!deps.carrier_http) return fail(Errc::unavailable, "carrier REST client is not configured");
  std::string auth_id(body->at("auth_id").as_string());
  std::string auth_token(body->at("auth_token").as_string());

  TRY_FIELD(n, reserve(deps, *in, "plivo", json::object{{"auth_id", auth_id}}, json::object{{"auth_token", auth_token}}));
  carriers::RestClient rest(*deps.carrier_http, carriers::Dialect::plivo, auth_id, auth_token,
                            std::chrono::seconds(deps.config.carrier_http_timeout_s));
  carriers::plivo::Requests requests(deps.config.plivo_api_base, auth_id);
  carriers::plivo::ImportPlan plan{n->id, n->phone_number, public_url_or_empty(deps, *n, "answer_url"),
                                   public_url_or_empty(deps, *n, "hangup_url")};
  carriers::Saga saga(deps.store, n->id, rest);
  auto done = carriers::plivo::provision(saga, rest, requests, plan);
  if (!done) return failed_import(deps, *n, "Plivo", done.error());

  json::object config{{"auth_id", auth_id}, {"app_id", done->app_id}};
  auto active = deps.store.activate_phone_number(n->id, json::serialize(config),
                                                 seal_secrets(deps.secrets, json::object{{"auth_token", auth_token}}),
                                                 std::nullopt);
  if (!active) {
    return failed_import(deps, *n, "Plivo", local_failure("activate", active.error()));
  }
  spdlog::info("event=carrier.imported carrier=plivo phone_id={} app_id={}", active->id, core::log_value(done->app_id));
  return imported(deps, *active);
}

}  // namespace

void add_carrier_import_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/twilio/byok/import", RateClass::standard,
         [&deps](RequestContext& ctx) { return import_twilio(deps, ctx); }});
  r.add({"POST", "/voice/plivo/byok/import", RateClass::standard,
         [&deps](RequestContext& ctx) { return import_plivo(deps, ctx); }});
}

}  // namespace parley::api

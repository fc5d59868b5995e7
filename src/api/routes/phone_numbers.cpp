// /voice/phone-numbers (seeds/004): E.164 numbers, one agent each, write-only provider credentials.
// Deleting a number undoes what Parley made for it at its carrier first (carrier_numbers.hpp).
#include <spdlog/spdlog.h>

#include "api/json_io.hpp"
#include "api/routes/carrier_numbers.hpp"
#include "api/routes/phone_number_json.hpp"
#include "api/routes/routes.hpp"
#include "call/e164.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

Result<std::string> number_id(RequestContext& ctx) {
  const auto& id = ctx.param(0);
  if (!core::is_id_of(id, "pn")) return fail(Errc::not_found, "phone number " + id + " not found");
  return id;
}

// credentials and config are flat objects of strings (or booleans / numbers in config).
Result<std::optional<json::object>> flat_object(const Fields& f, std::string_view key, bool strings_only) {
  auto obj = f.object(key);
  if (!obj || !*obj) return obj;
  if ((*obj)->size() > 32) return fail(Errc::validation, f.field(key) + " must have at most 32 members", f.field(key));
  for (const auto& kv : **obj) {
    const auto& v = kv.value();
    bool ok = v.is_string() ? v.get_string().size() <= 1000 : (!strings_only && (v.is_bool() || v.is_number()));
    if (!ok || kv.key().size() > 64) {
      return fail(Errc::validation,
                  f.field(key) + "." + std::string(kv.key()) +
                      (strings_only ? " must be a string of at most 1000 characters" : " must be a string, number or boolean"),
                  f.field(key) + "." + std::string(kv.key()));
    }
  }
  return obj;
}

}  // namespace

json::object phone_number_json(ApiDeps& deps, const store::PhoneNumber& n) {
  json::object out{{"id", n.id},
                   {"phone_number", n.phone_number},
                   {"provider", n.provider},
                   {"status", n.state},
                   {"supports_inbound", n.supports_inbound},
                   {"supports_outbound", n.supports_outbound},
                   {"agent_id", opt(n.agent_id)},
                   {"sip_provider_id", opt(n.sip_provider_id)},
                   {"config", number_config(n)},
                   {"credentials_set", !n.credentials.empty()},
                   {"dlt_registered", n.dlt_registered},
                   {"created_at", iso(n.created_at)},
                   {"updated_at", iso(n.updated_at)}};
  if (auto info = call::parse_e164(n.phone_number)) {
    out["country"] = info->region;
    out["number_type"] = call::to_string(info->type);
  }
  if (!n.last_error.empty()) out["last_error"] = n.last_error;
  if (auto urls = webhook_urls(deps, n); !urls.empty()) out["webhook_urls"] = std::move(urls);
  auto resources = deps.store.list_carrier_resources(n.id);
  out["remote_resources"] = resources ? resources_json(*resources) : json::array{};
  return out;
}

void add_phone_number_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/phone-numbers", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto body = parse_object_body(ctx.request);
           if (!body) return std::unexpected(body.error());
           Fields f(*body);
           if (auto rr = f.only({"phone_number", "provider", "supports_inbound", "supports_outbound", "agent_id",
                                 "sip_provider_id", "credentials", "config", "dlt_registered"});
               !rr) {
             return std::unexpected(rr.error());
           }
           auto e164 = f.string("phone_number", 32, true);
           if (!e164) return std::unexpected(e164.error());
           auto info = call::parse_e164(**e164);
           if (!info) return fail(Errc::validation, "phone_number " + info.error().message, "phone_number");
           auto provider = f.one_of("provider", {"twilio", "plivo", "exotel", "vobiz", "sip"}, true);
           if (!provider) return std::unexpected(provider.error());
           auto inbound = f.boolean("supports_inbound");
           if (!inbound) return std::unexpected(inbound.error());
           auto outbound = f.boolean("supports_outbound");
           if (!outbound) return std::unexpected(outbound.error());
           auto agent = f.string("agent_id", 100);
           if (!agent) return std::unexpected(agent.error());
           auto trunk = f.string("sip_provider_id", 100);
           if (!trunk) return std::unexpected(trunk.error());
           auto credentials = flat_object(f, "credentials", true);
           if (!credentials) return std::unexpected(credentials.error());
           auto config = flat_object(f, "config", false);
           if (!config) return std::unexpected(config.error());
           auto dlt = f.boolean("dlt_registered");
           if (!dlt) return std::unexpected(dlt.error());

           auto now = core::to_unix_ms(core::now_utc());
           store::PhoneNumber n;
           n.id = core::new_id("pn");
           n.phone_number = info->e164;
           n.provider = **provider;
           n.state = "active";
           n.supports_inbound = inbound->value_or(true);
           n.supports_outbound = outbound->value_or(true);
           n.dlt_registered = dlt->value_or(false);
           n.agent_id = *agent;
           n.sip_provider_id = *trunk;
           n.config = json::serialize(config->value_or(json::object{}));
           if (*credentials && !(*credentials)->empty()) n.credentials = deps.secrets.seal(json::serialize(**credentials));
           n.created_at = n.updated_at = now;
           auto created = deps.store.create_phone_number(n);
           if (!created) return std::unexpected(created.error());
           return json_response(201, phone_number_json(deps, *created));
         }});

  r.add({"GET", "/voice/phone-numbers", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto page = page_params(ctx.request);
           if (!page) return std::unexpected(page.error());
           auto list = deps.store.list_phone_numbers(page->limit, page->offset);
           if (!list) return std::unexpected(list.error());
           json::array items;
           for (const auto& n : list->items) items.push_back(phone_number_json(deps, n));
           return json_response(200, json::object{{"phone_numbers", std::move(items)}, {"total", list->total},
                                                   {"limit", page->limit}, {"offset", page->offset}});
         }});

  r.add({"GET", "/voice/phone-numbers/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = number_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto n = deps.store.get_phone_number(*id);
           if (!n) return std::unexpected(n.error());
           return json_response(200, phone_number_json(deps, *n));
         }});

  // Only what can change without the carrier: the India DLT caller-ID registration (seeds/003).
  r.add({"PATCH", "/voice/phone-numbers/{id}", RateClass::standard,
         [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = number_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto body = parse_object_body(ctx.request);
           if (!body) return std::unexpected(body.error());
           Fields f(*body);
           if (auto rr = f.only({"dlt_registered"}); !rr) return std::unexpected(rr.error());
           auto dlt = f.boolean("dlt_registered");
           if (!dlt) return std::unexpected(dlt.error());
           if (*dlt) {
             if (auto rr = deps.store.set_phone_number_dlt(*id, **dlt); !rr) return std::unexpected(rr.error());
           }
           auto n = deps.store.get_phone_number(*id);
           if (!n) return std::unexpected(n.error());
           return json_response(200, phone_number_json(deps, *n));
         }});

  // Removing a number undoes, newest first, every resource Parley made for it at its carrier, then
  // removes the record (which unlinks its agent). A clean-up that leaves something behind marks the
  // number corrupted with the list (502). ?force=true removes the record without touching the
  // carrier, whatever is left there (seeds/004, "Handling Cleanup Failures").
  r.add({"DELETE", "/voice/phone-numbers/{id}", RateClass::standard,
         [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = number_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto force_text = ctx.request.query_param("force");
           if (force_text && *force_text != "true" && *force_text != "false") {
             return fail(Errc::validation, "force must be true or false", "force");
           }
           bool force = force_text && *force_text == "true";
           auto n = deps.store.get_phone_number(*id);
           if (!n) return std::unexpected(n.error());
           if (n->state == "provisioning") {
             return fail(Errc::conflict, "phone number is being provisioned; wait for its import to finish");
           }
           if (force) {
             auto left = deps.store.list_carrier_resources(*id);
             if (!left) return std::unexpected(left.error());
             if (auto rr = deps.store.delete_phone_number_and_trunk(*id, owned_trunk(*n)); !rr) {
               return std::unexpected(rr.error());
             }
             spdlog::warn("event=phone_number.force_deleted phone_id={} provider={} resources_abandoned={}", *id,
                          n->provider, left->size());
             return json_response(200, json::object{{"id", *id}, {"deleted", true},
                                                     {"abandoned_resources", resources_json(*left)}});
           }
           if (n->state == "deleting") {
             return fail(Errc::conflict, "phone number is already being deleted; use ?force=true to remove the record");
           }
           auto deleting = deps.store.transition_phone_number(*id, {"active", "corrupted"}, "deleting", n->last_error);
           if (!deleting) return std::unexpected(deleting.error());
           auto cleanup = clean_up_number(deps, *deleting);
           if (!cleanup) return std::unexpected(cleanup.error());
           if (cleanup->removed) return json_response(200, json::object{{"id", *id}, {"deleted", true}});
           auto after = deps.store.get_phone_number(*id);
           if (!after) return std::unexpected(after.error());
           return json_response(502, json::object{{"error", json::object{{"code", "cleanup_failed"},
                                                                         {"message", after->last_error},
                                                                         {"field", nullptr},
                                                                         {"phone_number_id", *id},
                                                                         {"status", after->state},
                                                                         {"leftover_resources", resources_json(cleanup->left)}}}});
         }});
}

}  // namespace parley::api

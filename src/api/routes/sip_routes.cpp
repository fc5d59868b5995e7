// /voice/sip/routes: inbound routing rules (seeds/002 "Inbound Routing via SIP"), evaluated by
// ascending priority by the call layer. A match is on the DID, a SIP header, or the caller ID; the
// target is an agent; failover applies when the agent is unavailable or at capacity.
#include <regex>

#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "call/e164.hpp"
#include "call/inbound_router.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

#define TRY_FIELD(expr)                                 \
  if (auto _r = (expr); !_r) return std::unexpected(_r.error())

core::Status check_pattern(const Fields& f, const std::string& mode) {
  auto value = f.string("value", 200, true);
  if (!value) return std::unexpected(value.error());
  if (mode == "regex") {
    try {
      std::regex re(**value, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return fail(Errc::validation, f.field("value") + " is not a valid regular expression: " + e.what(), f.field("value"));
    }
  }
  return {};
}

Result<json::object> normalize(json::object in, store::Store& store) {
  Fields f(in);
  TRY_FIELD(f.only({"name", "priority", "enabled", "match", "agent_id", "provider_id", "failover"}));
  auto name = f.string("name", 200);
  if (!name) return std::unexpected(name.error());
  in["name"] = name->value_or("");
  auto priority = f.integer("priority", 0, 100000);
  if (!priority) return std::unexpected(priority.error());
  in["priority"] = priority->value_or(100);
  auto enabled = f.boolean("enabled");
  if (!enabled) return std::unexpected(enabled.error());
  in["enabled"] = enabled->value_or(true);

  auto match = f.object("match");
  if (!match) return std::unexpected(match.error());
  if (!*match) return fail(Errc::validation, "match is required", "match");
  Fields mf(**match, "match");
  auto type = mf.one_of("type", {"did", "header", "caller_id"}, true);
  if (!type) return std::unexpected(type.error());
  json::object m{{"type", **type}};
  if (**type == "did") {
    TRY_FIELD(mf.only({"type", "number"}));
    auto number = mf.string("number", 32, true);
    if (!number) return std::unexpected(number.error());
    auto e164 = call::parse_e164(**number);
    if (!e164) return fail(Errc::validation, "match.number " + e164.error().message, "match.number");
    m["number"] = e164->e164;
  } else {
    TRY_FIELD(mf.only({"type", "name", "mode", "value"}));
    if (**type == "header") {
      auto header = mf.string("name", 100, true);
      if (!header) return std::unexpected(header.error());
      for (char c : **header) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
          return fail(Errc::validation, "match.name must be a SIP header name", "match.name");
        }
      }
      m["name"] = **header;
    }
    auto mode = mf.one_of("mode", {"exact", "prefix", "regex"});
    if (!mode) return std::unexpected(mode.error());
    m["mode"] = mode->value_or("exact");
    TRY_FIELD(check_pattern(mf, std::string(m["mode"].as_string())));
    m["value"] = (**match).at("value");
  }
  in["match"] = std::move(m);

  auto agent = f.string("agent_id", 100, true);
  if (!agent) return std::unexpected(agent.error());
  if (auto a = store.get_agent(**agent); !a) {
    if (a.error().code == Errc::not_found) return fail(Errc::validation, "agent " + **agent + " does not exist", "agent_id");
    return std::unexpected(a.error());
  }
  auto provider = f.string("provider_id", 100);
  if (!provider) return std::unexpected(provider.error());
  if (*provider) {
    if (auto p = store.get_sip_provider(**provider); !p) {
      if (p.error().code == Errc::not_found) {
        return fail(Errc::validation, "SIP provider " + **provider + " does not exist", "provider_id");
      }
      return std::unexpected(p.error());
    }
  }

  auto failover = f.object("failover");
  if (!failover) return std::unexpected(failover.error());
  if (*failover) {
    Fields ff(**failover, "failover");
    auto ftype = ff.one_of("type", {"next_agent", "sip_uri", "message"}, true);
    if (!ftype) return std::unexpected(ftype.error());
    if (**ftype == "next_agent") {
      TRY_FIELD(ff.only({"type", "agent_id"}));
      auto next = ff.string("agent_id", 100, true);
      if (!next) return std::unexpected(next.error());
      if (auto a = store.get_agent(**next); !a) {
        return fail(Errc::validation, "agent " + **next + " does not exist", "failover.agent_id");
      }
    } else if (**ftype == "sip_uri") {
      TRY_FIELD(ff.only({"type", "uri"}));
      auto uri = ff.string("uri", 500, true);
      if (!uri) return std::unexpected(uri.error());
      if (!uri->value().starts_with("sip:") && !uri->value().starts_with("sips:")) {
        return fail(Errc::validation, "failover.uri must be a sip: or sips: URI", "failover.uri");
      }
      if (!call::is_contact_uri(uri->value())) {  // it becomes a 302's Contact
        return fail(Errc::validation, "failover.uri must be one SIP URI without spaces, quotes, <, > or commas",
                    "failover.uri");
      }
    } else {
      TRY_FIELD(ff.only({"type", "message"}));
      TRY_FIELD(ff.string("message", 2000, true));
    }
  }
  return in;
}

json::object to_json(const store::SipRoute& r) {
  boost::system::error_code ec;
  json::value cfg = json::parse(r.config, ec);
  json::object out{{"id", r.id}, {"name", r.name}, {"priority", r.priority}};
  if (!ec && cfg.is_object()) {
    for (const auto& kv : cfg.get_object()) out[kv.key()] = kv.value();
  }
  out["created_at"] = iso(r.created_at);
  out["updated_at"] = iso(r.updated_at);
  return out;
}

store::SipRoute to_row(store::SipRoute row, json::object config) {
  row.name = std::string(config["name"].as_string());
  row.priority = static_cast<int>(config["priority"].as_int64());
  config.erase("name");
  config.erase("priority");
  row.config = json::serialize(config);
  return row;
}

Result<std::string> route_id(RequestContext& ctx) {
  const auto& id = ctx.param(0);
  if (!core::is_id_of(id, "route")) return fail(Errc::not_found, "route " + id + " not found");
  return id;
}

}  // namespace

void add_sip_route_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/sip/routes", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto body = parse_object_body(ctx.request);
           if (!body) return std::unexpected(body.error());
           auto config = normalize(std::move(*body), deps.store);
           if (!config) return std::unexpected(config.error());
           store::SipRoute row;
           row.id = core::new_id("route");
           row.created_at = row.updated_at = core::to_unix_ms(core::now_utc());
           auto created = deps.store.create_sip_route(to_row(row, std::move(*config)));
           if (!created) return std::unexpected(created.error());
           return json_response(201, to_json(*created));
         }});

  r.add({"GET", "/voice/sip/routes", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto page = page_params(ctx.request);
           if (!page) return std::unexpected(page.error());
           auto list = deps.store.list_sip_routes(page->limit, page->offset);
           if (!list) return std::unexpected(list.error());
           json::array items;
           for (const auto& x : list->items) items.push_back(to_json(x));
           return json_response(200, json::object{{"routes", std::move(items)}, {"total", list->total},
                                                   {"limit", page->limit}, {"offset", page->offset}});
         }});

  r.add({"GET", "/voice/sip/routes/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = route_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto x = deps.store.get_sip_route(*id);
           if (!x) return std::unexpected(x.error());
           return json_response(200, to_json(*x));
         }});

  r.add({"PATCH", "/voice/sip/routes/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = route_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto patch = parse_object_body(ctx.request);
           if (!patch) return std::unexpected(patch.error());
           auto current = deps.store.get_sip_route(*id);
           if (!current) return std::unexpected(current.error());
           json::object merged = to_json(*current);
           for (auto k : {"id", "created_at", "updated_at"}) merged.erase(k);
           merge_patch(merged, *patch);
           auto config = normalize(std::move(merged), deps.store);
           if (!config) return std::unexpected(config.error());
           store::SipRoute row = *current;
           row.updated_at = core::to_unix_ms(core::now_utc());
           auto updated = deps.store.update_sip_route(to_row(row, std::move(*config)));
           if (!updated) return std::unexpected(updated.error());
           return json_response(200, to_json(*updated));
         }});

  r.add({"DELETE", "/voice/sip/routes/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = route_id(ctx);
           if (!id) return std::unexpected(id.error());
           if (auto rr = deps.store.delete_sip_route(*id); !rr) return std::unexpected(rr.error());
           return json_response(200, json::object{{"id", *id}, {"deleted", true}});
         }});

  // The "SIP message trace" of seeds/002: messages of providers with debug logging on.
  r.add({"GET", "/voice/sip/traces", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto call_id = ctx.request.query_param("call_id");
           if (!call_id || call_id->empty() || call_id->size() > 256) {
             return fail(Errc::validation, "call_id (the SIP Call-ID) is required", "call_id");
           }
           auto page = page_params(ctx.request, 1000);
           if (!page) return std::unexpected(page.error());
           auto traces = deps.store.list_sip_traces(*call_id, ctx.request.query_param("limit") ? page->limit : 1000);
           if (!traces) return std::unexpected(traces.error());
           json::array items;
           for (const auto& t : *traces) {
             items.push_back(json::object{{"direction", t.direction},
                                          {"remote", t.remote},
                                          {"provider_id", opt(t.provider_id)},
                                          {"timestamp", iso(t.created_at)},
                                          {"message", t.message}});
           }
           return json_response(200, json::object{{"call_id", std::string(*call_id)}, {"messages", std::move(items)}});
         }});
}

}  // namespace parley::api

#include "call/outbound_trunks.hpp"

#include <boost/json.hpp>

#include "core/sealed_json.hpp"

namespace parley::call {
namespace json = boost::json;

namespace {

std::string member(const json::object& o, std::string_view key, std::string fallback = {}) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::move(fallback);
}

std::int64_t integer(const json::object& o, std::string_view key, std::int64_t fallback) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : fallback;
}

json::object config_of(const store::SipProvider& trunk) {
  boost::system::error_code ec;
  auto v = json::parse(trunk.config, ec);
  return !ec && v.is_object() ? std::move(v.get_object()) : json::object{};
}

std::string host_part(const std::string& host) {
  return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;  // IPv6 reference
}

}  // namespace

TrunkAttempt trunk_attempt(const store::SipProvider& trunk, const core::SecretBox& secrets,
                           const OutboundCallParties& parties) {
  const auto cfg = config_of(trunk);
  const json::object outbound =
      cfg.contains("outbound") && cfg.at("outbound").is_object() ? cfg.at("outbound").get_object() : json::object{};
  const std::string transport = member(cfg, "transport", "udp");
  const auto port = integer(cfg, "port", transport == "tls" ? 5061 : 5060);
  const std::string host = host_part(member(cfg, "host"));

  TrunkAttempt a;
  a.provider_id = trunk.id;
  a.provider_name = trunk.name;
  a.media = media_policy_for(trunk.config);
  auto& r = a.request;
  r.request_uri = "sip:" + parties.to_number + "@" + host + ":" + std::to_string(port);
  if (transport != "udp") r.request_uri += ";transport=" + transport;  // how carriers spell TLS trunks
  r.to_uri = r.request_uri;
  const std::string from_domain = member(outbound, "from_domain", host_part(parties.local_host));
  r.from_uri = "sip:" + parties.from_number + "@" + from_domain;
  // Caller ID in From, and in P-Asserted-Identity (RFC 3325 s9.1) unless the trunk reads From only.
  if (member(outbound, "caller_id_header", "both") != "from") r.p_asserted_identity = "<" + r.from_uri + ">";
  r.auth_username = member(outbound, "username");
  if (!r.auth_username.empty()) r.auth_password = core::sealed_string(secrets, trunk.credentials, "outbound_password").value_or("");
  r.ring_timeout = std::chrono::seconds(parties.ring_timeout_s);
  return a;
}

core::Result<std::vector<store::SipProvider>> outbound_trunk_candidates(store::Store& store,
                                                                       const store::PhoneNumber& from) {
  auto trunks = store.list_sip_providers(1000, 0);  // by priority, then age
  if (!trunks) return std::unexpected(trunks.error());
  std::vector<store::SipProvider> chosen;
  auto linked = [&](const store::SipProvider& t) { return from.sip_provider_id && t.id == *from.sip_provider_id; };
  for (const auto& t : trunks->items) {
    if (linked(t)) chosen.push_back(t);
  }
  for (const auto& t : trunks->items) {
    if (!linked(t) && config_of(t).contains("outbound")) chosen.push_back(t);
  }
  if (chosen.empty()) {
    return core::fail(core::Errc::not_found,
                      "no SIP trunk can carry calls from " + from.phone_number +
                          ": link the number to a trunk (sip_provider_id) or give a trunk an outbound section",
                      "from_number");
  }
  return chosen;
}

core::Result<std::vector<TrunkAttempt>> outbound_trunks(store::Store& store, const core::SecretBox& secrets,
                                                        const store::PhoneNumber& from,
                                                        const OutboundCallParties& parties) {
  auto chosen = outbound_trunk_candidates(store, from);
  if (!chosen) return std::unexpected(chosen.error());
  std::vector<TrunkAttempt> out;
  out.reserve(chosen->size());
  for (const auto& t : *chosen) out.push_back(trunk_attempt(t, secrets, parties));
  return out;
}

}  // namespace parley::call

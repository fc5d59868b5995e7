#include "call/trunk_settings.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace parley::call {
namespace json = boost::json;

namespace {

std::string text(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> integer(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  return std::nullopt;
}

bool flag(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

const json::object* member(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::optional<std::uint16_t> port_number(std::string_view digits) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<HostAndPort> split_host_port(std::string_view t) {
  if (t.empty()) return std::nullopt;
  if (t.front() == '[') {  // "[v6]" or "[v6]:port"
    const auto close = t.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    HostAndPort out{std::string(t.substr(1, close - 1)), std::nullopt};
    if (close + 1 == t.size()) return out;
    if (t[close + 1] != ':') return std::nullopt;
    out.port = port_number(t.substr(close + 2));
    if (!out.port) return std::nullopt;
    return out;
  }
  const auto colon = t.find(':');
  if (colon == std::string_view::npos || t.find(':', colon + 1) != std::string_view::npos) {
    return HostAndPort{std::string(t), std::nullopt};  // a name, IPv4, or a bare IPv6 address
  }
  auto port = port_number(t.substr(colon + 1));
  if (!port || colon == 0) return std::nullopt;
  return HostAndPort{std::string(t.substr(0, colon)), port};
}

core::Result<TrunkSettings> read_trunk(const store::SipProvider& p) {
  boost::system::error_code ec;
  auto parsed = json::parse(p.config, ec);
  if (ec || !parsed.is_object()) return core::fail(core::Errc::corrupt, "provider " + p.id + ": config is not a JSON object");
  const auto& cfg = parsed.get_object();
  TrunkSettings t;
  t.id = p.id;
  t.host = text(cfg, "host");
  if (t.host.starts_with('[') && t.host.ends_with(']')) t.host = t.host.substr(1, t.host.size() - 2);
  t.transport = sip::parse_transport(text(cfg, "transport")).value_or(sip::Transport::udp);
  t.port = static_cast<std::uint16_t>(integer(cfg, "port").value_or(sip::default_port(t.transport)));
  t.debug = flag(cfg, "debug");
  t.trace_retention_hours = static_cast<int>(integer(cfg, "trace_retention_hours").value_or(kDefaultTraceRetentionHours));
  if (const auto* inbound = member(cfg, "inbound")) {
    const std::string mode = text(*inbound, "auth");
    t.inbound_auth = mode == "ip"              ? InboundAuth::ip
                     : mode == "digest"        ? InboundAuth::digest
                     : mode == "ip_and_digest" ? InboundAuth::ip_and_digest
                                               : InboundAuth::none;
    if (auto* ips = inbound->if_contains("allowed_ips"); ips && ips->is_array() && (mode == "ip" || mode == "ip_and_digest")) {
      for (const auto& ip : ips->get_array()) {
        if (ip.is_string()) t.allowed_ips.emplace_back(ip.get_string());
      }
    }
    if (t.inbound_auth == InboundAuth::digest || t.inbound_auth == InboundAuth::ip_and_digest) {
      t.inbound_username = text(*inbound, "username");
      t.inbound_realm = text(*inbound, "realm");
      if (auto* algs = inbound->if_contains("digest_algorithms"); algs && algs->is_array()) {
        for (const auto& a : algs->get_array()) {
          if (a.is_string()) t.digest_algorithms.emplace_back(a.get_string());
        }
      }
    }
  }
  if (const auto* reg = member(cfg, "registration")) {
    auto& r = t.registration;
    r.enabled = flag(*reg, "enabled");
    r.username = text(*reg, "username");
    r.expires = static_cast<std::uint32_t>(integer(*reg, "expires").value_or(3600));
    r.domain = t.host;
    r.registrar_host = t.host;
    r.registrar_port = t.port;
    if (auto registrar = text(*reg, "registrar"); !registrar.empty()) {
      auto hp = split_host_port(registrar);
      if (!hp) return core::fail(core::Errc::corrupt, "provider " + p.id + ": registration.registrar is not host[:port]");
      r.registrar_host = hp->host;
      r.registrar_port = hp->port.value_or(t.port);
    }
  }
  if (t.host.empty()) return core::fail(core::Errc::corrupt, "provider " + p.id + ": no host");
  return t;
}

core::Result<std::string> registration_password(const store::SipProvider& p, const core::SecretBox& secrets) {
  if (p.credentials.empty()) return core::fail(core::Errc::not_found, "no registration password is stored");
  auto plain = secrets.open(p.credentials);
  if (!plain) return std::unexpected(plain.error());
  boost::system::error_code ec;
  auto v = json::parse(*plain, ec);
  if (ec || !v.is_object()) return core::fail(core::Errc::corrupt, "sealed credentials are not a JSON object");
  auto password = text(v.get_object(), kRegistrationPasswordKey);
  if (password.empty()) return core::fail(core::Errc::not_found, "no registration password is stored");
  return password;
}

}  // namespace parley::call

#include "carriers/sip_address.hpp"

#include <boost/url/parse.hpp>

namespace parley::carriers {
namespace {

std::string bracket(std::string host) {
  if (host.find(':') != std::string::npos && !host.starts_with('[')) return "[" + host + "]";
  return host;
}

std::string strip_port(std::string_view host_port) {
  if (host_port.starts_with('[')) return std::string(host_port.substr(0, host_port.find(']') + 1));
  return std::string(host_port.substr(0, host_port.find(':')));
}

}  // namespace

std::string SipAddress::uri(std::string_view user) const {
  std::string out = "sip:";
  if (!user.empty()) out += std::string(user) + "@";
  return out + host + ":" + std::to_string(port);
}

std::string SipAddress::uri_with_password(std::string_view user, std::string_view password) const {
  if (user.empty()) return uri();
  if (password.empty()) return uri(user);
  return "sip:" + std::string(user) + ":" + std::string(password) + "@" + host + ":" + std::to_string(port);
}

SipAddress sip_address(const core::Config& config, std::string_view fallback_host) {
  SipAddress a;
  auto listen = core::parse_host_port(config.sip_listen);
  if (listen) a.port = listen->port;
  if (!config.public_ip.empty()) {
    a.host = bracket(config.public_ip);
  } else if (listen && listen->host != "0.0.0.0" && listen->host != "::" && !listen->host.empty()) {
    a.host = bracket(listen->host);
  } else if (auto u = boost::urls::parse_absolute_uri(config.public_url); u && !u->encoded_host().empty()) {
    a.host = std::string(u->encoded_host());
  } else {
    a.host = strip_port(fallback_host);
  }
  return a;
}

}  // namespace parley::carriers

#include "carriers/public_url.hpp"

#include <boost/url/parse.hpp>

namespace parley::carriers {
namespace {

std::string_view first_value(std::string_view list) {
  list = list.substr(0, list.find(','));
  while (!list.empty() && (list.front() == ' ' || list.front() == '\t')) list.remove_prefix(1);
  while (!list.empty() && (list.back() == ' ' || list.back() == '\t')) list.remove_suffix(1);
  return list;
}

bool plain_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

}  // namespace

core::Result<PublicUrl> PublicUrl::make(const std::string& public_url, const std::vector<std::string>& trusted_proxies) {
  PublicUrl out;
  auto trusted = net::CidrList::parse(trusted_proxies);
  if (!trusted) return core::fail(core::Errc::invalid_argument, "trusted_proxies: " + trusted.error().message, "trusted_proxies");
  out.trusted_ = std::move(*trusted);
  if (public_url.empty()) return out;
  auto u = boost::urls::parse_absolute_uri(public_url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty() || u->has_query() ||
      u->has_userinfo()) {
    return core::fail(core::Errc::invalid_argument, "public_url must be an absolute http(s) URL without query",
                      "public_url");
  }
  out.scheme_ = std::string(u->scheme());
  out.host_ = std::string(u->encoded_host_and_port());
  out.prefix_ = std::string(u->encoded_path());
  while (!out.prefix_.empty() && out.prefix_.back() == '/') out.prefix_.pop_back();
  return out;
}

std::string websocket_url(std::string_view http_url) {
  if (http_url.starts_with("https://")) return "wss://" + std::string(http_url.substr(8));
  if (http_url.starts_with("http://")) return "ws://" + std::string(http_url.substr(7));
  return std::string(http_url);
}

std::string PublicUrl::base(const net::HttpRequest& req) const {
  std::string scheme = scheme_.empty() ? "http" : scheme_;
  std::string host = host_;
  if (host.empty()) host = std::string(req.header("Host").value_or(""));
  if (!trusted_.empty() && trusted_.contains(req.remote_address)) {
    if (auto proto = req.header("X-Forwarded-Proto")) {
      auto p = first_value(*proto);
      if (p == "https" || p == "http") scheme = std::string(p);
    }
    if (auto fwd_host = req.header("X-Forwarded-Host")) {
      auto h = first_value(*fwd_host);
      if (plain_host(h)) host = std::string(h);
    }
  }
  if (!plain_host(host)) host = "localhost";
  return scheme + "://" + host + prefix_;
}

std::string PublicUrl::request_url(const net::HttpRequest& req) const { return base(req) + req.target; }

std::string PublicUrl::client_address(const net::HttpRequest& req) const {
  if (trusted_.empty() || !trusted_.contains(req.remote_address)) return req.remote_address;
  auto xff = req.header("X-Forwarded-For");
  if (!xff) return req.remote_address;
  std::string_view list = *xff;
  while (!list.empty()) {
    auto comma = list.rfind(',');
    auto item = comma == std::string_view::npos ? list : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!trusted_.contains(item)) return std::string(item);
    if (comma == std::string_view::npos) break;
    list = list.substr(0, comma);
  }
  return req.remote_address;
}

std::string PublicUrl::absolute(std::string_view path) const {
  if (host_.empty()) return {};
  return scheme_ + "://" + host_ + prefix_ + std::string(path);
}

}  // namespace parley::carriers

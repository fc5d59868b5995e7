#include "voice/cloud/provider_error.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "net/http_message.hpp"

namespace parley::voice::cloud {
namespace json = boost::json;

namespace {

std::string text_of(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_object()) {
    for (auto key : {"message", "msg", "err_msg"}) {
      if (auto* m = v->get_object().if_contains(key); m && m->is_string()) return std::string(m->get_string());
    }
  }
  if (v->is_array() && !v->get_array().empty()) return text_of(&v->get_array().front());
  return {};
}

}  // namespace

core::Error provider_error(std::string_view provider, int status, std::string_view body) {
  std::string detail;
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    const auto& o = doc.get_object();
    if (auto* e = o.if_contains("error")) detail = text_of(e);
    if (detail.empty() && o.contains("err_msg")) {
      detail = text_of(o.if_contains("err_code")) + ": " + text_of(o.if_contains("err_msg"));
    }
    if (detail.empty()) detail = text_of(o.if_contains("detail"));
    if (detail.empty()) detail = text_of(o.if_contains("message"));
  }
  if (detail.empty()) detail = std::string(body.substr(0, 200));
  return core::Error{net::errc_for_http_status(status), fmt::format("{} answered HTTP {}: {}", provider, status, detail)};
}

std::string endpoint_url(std::string_view base_url, std::string_view path) {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto scheme = base.find("://");
  bool has_path = scheme != std::string::npos && base.find('/', scheme + 3) != std::string::npos;
  if (!has_path) base += "/v1";
  return base + std::string(path);
}

}  // namespace parley::voice::cloud

#include "carriers/rest/rest_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "core/crypto.hpp"

namespace parley::carriers {
namespace json = boost::json;

std::string_view to_string(Dialect d) noexcept { return d == Dialect::twilio ? "twilio" : "plivo"; }

RestRequest form_request(std::string method, std::string url,
                         const std::vector<std::pair<std::string, std::string>>& fields) {
  return RestRequest{std::move(method), std::move(url), net::form_body(fields), "application/x-www-form-urlencoded"};
}

RestRequest json_request(std::string method, std::string url, const json::object& body) {
  return RestRequest{std::move(method), std::move(url), json::serialize(body), "application/json"};
}

std::string describe(const RestFailure& f) {
  std::string out = f.http_status ? fmt::format("HTTP {}", f.http_status) : std::string("no answer");
  if (!f.carrier_code.empty()) out += fmt::format(" (code {})", f.carrier_code);
  if (!f.message.empty()) out += ": " + f.message;
  return out;
}

RestFailure failure_from_answer(Dialect d, int status, std::string_view body) {
  RestFailure f;
  f.http_status = status;
  // RFC 9110 s15.6: a 5xx says the server failed, not that the request had no effect.
  f.maybe_applied = status >= 500;
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.get_object();
    if (d == Dialect::twilio) {
      if (auto* code = o.if_contains("code"); code && code->is_int64()) f.carrier_code = std::to_string(code->get_int64());
      if (auto* msg = o.if_contains("message"); msg && msg->is_string()) f.message = std::string(msg->get_string());
    } else if (auto* err = o.if_contains("error")) {
      f.message = err->is_string() ? std::string(err->get_string()) : json::serialize(*err);
    }
  }
  if (f.message.empty()) {
    // Not the carrier's JSON (a proxy's page, an empty body): keep a short, printable excerpt.
    std::string excerpt;
    for (char c : body.substr(0, 200)) excerpt.push_back(c >= 0x20 && c < 0x7f ? c : ' ');
    f.message = excerpt.empty() ? "no error body" : excerpt;
  }
  return f;
}

RestClient::RestClient(net::HttpClient& http, Dialect dialect, std::string user, std::string password,
                       std::chrono::milliseconds timeout)
    : http_(http),
      dialect_(dialect),
      // RFC 7617 s2: "Basic " base64(user-id ":" password).
      authorization_("Basic " + core::base64_encode(user + ":" + password)),
      timeout_(timeout) {}

net::HttpClientRequest RestClient::build(const RestRequest& r) const {
  net::HttpClientRequest req;
  req.method = r.method;
  req.url = r.url;
  req.body = r.body;
  req.headers = {{"Authorization", authorization_}, {"Accept", "application/json"}};
  if (!r.content_type.empty()) req.headers.emplace_back("Content-Type", r.content_type);
  req.timeout = timeout_;
  req.connect_timeout = std::min(timeout_, std::chrono::milliseconds(5000));
  req.max_response_bytes = 1 << 20;
  return req;
}

RestResult<json::value> RestClient::send(const RestRequest& r) const {
  auto res = http_.send(build(r));
  if (!res) {
    RestFailure f;
    f.message = res.error().message;
    // A request that never reached the carrier cannot have done anything; anything else may have.
    f.maybe_applied = res.error().code != core::Errc::invalid_argument;
    return std::unexpected(std::move(f));
  }
  if (res->status < 200 || res->status >= 300) return std::unexpected(failure_from_answer(dialect_, res->status, res->body));
  if (res->body.empty()) return json::value(nullptr);
  boost::system::error_code ec;
  auto v = json::parse(res->body, ec);
  if (ec) {
    return std::unexpected(RestFailure{res->status, {}, "answer is not JSON: " + ec.message(), true});
  }
  return v;
}

}  // namespace parley::carriers

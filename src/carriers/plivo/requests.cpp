#include "carriers/plivo/requests.hpp"

#include <boost/json.hpp>

namespace parley::carriers::plivo {
namespace json = boost::json;
namespace {

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// "/v1/Account/MA.../Application/12345/" -> "12345".
std::string last_segment(std::string_view uri) {
  while (!uri.empty() && uri.back() == '/') uri.remove_suffix(1);
  auto slash = uri.rfind('/');
  return std::string(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
}

}  // namespace

std::string digits(std::string_view e164) { return std::string(e164.starts_with('+') ? e164.substr(1) : e164); }

Requests::Requests(std::string api_base, std::string auth_id) : base_(std::move(api_base)), auth_id_(std::move(auth_id)) {}

std::string Requests::account_url() const { return base_ + "/v1/Account/" + auth_id_; }

RestRequest Requests::get_number(std::string_view number) const {
  return RestRequest{"GET", account_url() + "/Number/" + std::string(number) + "/", {}, {}};
}

std::optional<AccountNumber> Requests::parse_number(const json::value& answer) {
  if (!answer.is_object()) return std::nullopt;
  const auto& o = answer.get_object();
  AccountNumber n{str(o, "number"), {}};
  if (n.number.empty()) return std::nullopt;
  // Plivo names the linked application by its URI ("application"); some answers also carry app_id.
  n.app_id = str(o, "app_id");
  if (n.app_id.empty()) n.app_id = last_segment(str(o, "application"));
  return n;
}

RemoteStep Requests::create_application(std::string_view app_name, std::string_view answer_url,
                                        std::string_view hangup_url) const {
  auto apps = account_url() + "/Application/";
  RemoteStep s;
  s.step = "create_application";
  s.kind = "plivo.application";
  s.label = "application \"" + std::string(app_name) + "\"";
  s.request = json_request("POST", apps, json::object{{"app_name", app_name},
                                                      {"answer_url", answer_url},
                                                      {"answer_method", "POST"},
                                                      {"hangup_url", hangup_url},
                                                      {"hangup_method", "POST"}});
  s.id_field = "app_id";
  s.undo = RestRequest{"DELETE", apps + "{id}/", {}, {}};
  // List answers: {"meta": {"next": "/v1/Account/.../Application/?limit=20&offset=20" | null}, "objects": [...]}.
  s.lookup = Lookup{apps + "?limit=20&offset=0", "objects", "app_name", std::string(app_name), "app_id", "meta.next"};
  return s;
}

RemoteStep Requests::link_number(const AccountNumber& previous, std::string_view app_id) const {
  auto url = account_url() + "/Number/" + previous.number + "/";
  RemoteStep s;
  s.step = "link_number";
  s.kind = "plivo.number_application";
  s.label = "application of number " + previous.number;
  s.request = json_request("POST", url, json::object{{"app_id", app_id}});
  s.known_id = previous.number;
  if (!previous.app_id.empty()) s.undo = json_request("POST", url, json::object{{"app_id", previous.app_id}});
  return s;
}

}  // namespace parley::carriers::plivo

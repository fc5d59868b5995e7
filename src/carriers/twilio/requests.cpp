#include "carriers/twilio/requests.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "core/ids.hpp"

namespace parley::carriers::twilio {
namespace json = boost::json;
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

RestRequest delete_request(std::string url) { return RestRequest{"DELETE", std::move(url), {}, {}}; }

// trunking.twilio.com/v1 lists: {"<key>": [...], "meta": {"next_page_url": ...}}.
Lookup v1_lookup(std::string url, std::string key, std::string field, std::string_view value) {
  return Lookup{std::move(url) + "?PageSize=1000", std::move(key), std::move(field), std::string(value), "sid",
                "meta.next_page_url"};
}

// api.twilio.com/2010-04-01 lists: {"<key>": [...], "next_page_uri": "/2010-04-01/..."}.
Lookup v2010_lookup(std::string url, std::string key, std::string field, std::string_view value) {
  return Lookup{std::move(url) + "?PageSize=1000", std::move(key), std::move(field), std::string(value), "sid",
                "next_page_uri"};
}

}  // namespace

Requests::Requests(ApiBases bases, std::string account_sid) : bases_(std::move(bases)), account_sid_(std::move(account_sid)) {}

std::string Requests::account_url() const { return bases_.api + "/2010-04-01/Accounts/" + account_sid_; }

RestRequest Requests::find_number(std::string_view e164) const {
  return RestRequest{"GET", account_url() + "/IncomingPhoneNumbers.json?PhoneNumber=" + net::form_encode(e164), {}, {}};
}

std::optional<IncomingNumber> Requests::parse_number(const json::value& answer, std::string_view e164) {
  if (!answer.is_object()) return std::nullopt;
  auto* list = answer.get_object().if_contains("incoming_phone_numbers");
  if (!list || !list->is_array()) return std::nullopt;
  for (const auto& item : list->get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    if (str(o, "phone_number") != e164 || str(o, "sid").empty()) continue;
    return IncomingNumber{str(o, "sid"),          str(o, "phone_number"),   str(o, "voice_url"), str(o, "voice_method"),
                          str(o, "status_callback"), str(o, "status_callback_method"), str(o, "trunk_sid")};
  }
  return std::nullopt;
}

RemoteStep Requests::create_trunk(std::string_view friendly_name, std::string_view domain_name) const {
  auto trunks = bases_.trunking + "/v1/Trunks";
  RemoteStep s;
  s.step = "create_trunk";
  s.kind = "twilio.trunk";
  s.label = "Elastic SIP trunk " + std::string(domain_name);
  s.request = form_request("POST", trunks, Fields{{"FriendlyName", std::string(friendly_name)},
                                                  {"DomainName", std::string(domain_name)}});
  s.id_field = "sid";
  s.undo = delete_request(trunks + "/{id}");
  s.lookup = v1_lookup(trunks, "trunks", "domain_name", domain_name);
  return s;
}

RemoteStep Requests::add_origination_url(std::string_view trunk_sid, std::string_view friendly_name,
                                         std::string_view sip_url) const {
  auto urls = bases_.trunking + "/v1/Trunks/" + std::string(trunk_sid) + "/OriginationUrls";
  RemoteStep s;
  s.step = "add_origination_url";
  s.kind = "twilio.origination_url";
  s.label = "origination URL " + std::string(sip_url) + " on trunk " + std::string(trunk_sid);
  // seeds/002 "Configure the Origination URI": priority 10 (primary), weight 100, enabled.
  s.request = form_request("POST", urls, Fields{{"FriendlyName", std::string(friendly_name)},
                                                {"SipUrl", std::string(sip_url)},
                                                {"Priority", "10"},
                                                {"Weight", "100"},
                                                {"Enabled", "true"}});
  s.id_field = "sid";
  s.undo = delete_request(urls + "/{id}");
  s.lookup = v1_lookup(urls, "origination_urls", "friendly_name", friendly_name);
  return s;
}

RemoteStep Requests::create_credential_list(std::string_view friendly_name) const {
  auto lists = account_url() + "/SIP/CredentialLists";
  RemoteStep s;
  s.step = "create_credential_list";
  s.kind = "twilio.credential_list";
  s.label = "SIP credential list \"" + std::string(friendly_name) + "\"";
  s.request = form_request("POST", lists + ".json", Fields{{"FriendlyName", std::string(friendly_name)}});
  s.id_field = "sid";
  s.undo = delete_request(lists + "/{id}.json");
  s.lookup = v2010_lookup(lists + ".json", "credential_lists", "friendly_name", friendly_name);
  return s;
}

RemoteStep Requests::add_credential(std::string_view list_sid, std::string_view username,
                                    std::string_view password) const {
  auto creds = account_url() + "/SIP/CredentialLists/" + std::string(list_sid) + "/Credentials";
  RemoteStep s;
  s.step = "add_credential";
  s.kind = "twilio.credential";
  s.label = "SIP credential " + std::string(username) + " in list " + std::string(list_sid);
  s.request = form_request("POST", creds + ".json",
                           Fields{{"Username", std::string(username)}, {"Password", std::string(password)}});
  s.id_field = "sid";
  s.undo = delete_request(creds + "/{id}.json");
  s.lookup = v2010_lookup(creds + ".json", "credentials", "username", username);
  return s;
}

RemoteStep Requests::attach_credential_list(std::string_view trunk_sid, std::string_view list_sid) const {
  auto lists = bases_.trunking + "/v1/Trunks/" + std::string(trunk_sid) + "/CredentialLists";
  RemoteStep s;
  s.step = "attach_credential_list";
  s.kind = "twilio.trunk_credential_list";
  s.label = "credential list " + std::string(list_sid) + " on trunk " + std::string(trunk_sid) + " (termination)";
  s.request = form_request("POST", lists, Fields{{"CredentialListSid", std::string(list_sid)}});
  s.known_id = std::string(list_sid);  // the association is named by the list's SID
  s.undo = delete_request(lists + "/{id}");
  return s;
}

RemoteStep Requests::attach_phone_number(std::string_view trunk_sid, std::string_view phone_sid) const {
  auto numbers = bases_.trunking + "/v1/Trunks/" + std::string(trunk_sid) + "/PhoneNumbers";
  RemoteStep s;
  s.step = "attach_phone_number";
  s.kind = "twilio.trunk_phone_number";
  s.label = "phone number " + std::string(phone_sid) + " on trunk " + std::string(trunk_sid);
  s.request = form_request("POST", numbers, Fields{{"PhoneNumberSid", std::string(phone_sid)}});
  s.known_id = std::string(phone_sid);
  s.undo = delete_request(numbers + "/{id}");
  return s;
}

RemoteStep Requests::point_voice_at(const IncomingNumber& previous, std::string_view voice_url,
                                    std::string_view status_url) const {
  auto url = account_url() + "/IncomingPhoneNumbers/" + previous.sid + ".json";
  RemoteStep s;
  s.step = "set_voice_url";
  s.kind = "twilio.number_voice_url";
  s.label = "voice and status callback URLs of " + previous.phone_number + " (" + previous.sid + ")";
  s.request = form_request("POST", url, Fields{{"VoiceUrl", std::string(voice_url)},
                                               {"VoiceMethod", "POST"},
                                               {"StatusCallback", std::string(status_url)},
                                               {"StatusCallbackMethod", "POST"}});
  s.known_id = previous.sid;
  // An empty value clears a URL that was not set before.
  s.undo = form_request("POST", url, Fields{{"VoiceUrl", previous.voice_url},
                                            {"VoiceMethod", previous.voice_method.empty() ? "POST" : previous.voice_method},
                                            {"StatusCallback", previous.status_callback},
                                            {"StatusCallbackMethod", previous.status_callback_method.empty()
                                                                         ? "POST"
                                                                         : previous.status_callback_method}});
  return s;
}

RestRequest Requests::complete_call(std::string_view call_sid) const {
  return form_request("POST", account_url() + "/Calls/" + net::form_encode(call_sid) + ".json",
                      Fields{{"Status", "completed"}});
}

RestRequest Requests::redirect_call(std::string_view call_sid, std::string_view twiml) const {
  return form_request("POST", account_url() + "/Calls/" + net::form_encode(call_sid) + ".json",
                      Fields{{"Twiml", std::string(twiml)}});
}

std::string random_sip_password() {
  for (;;) {
    auto p = core::random_token(32);
    bool digit = std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); });
    bool upper = std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::isupper(c); });
    bool lower = std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::islower(c); });
    if (digit && upper && lower) return p;
  }
}

std::string random_sip_username() { return "parley" + core::random_token(16); }

}  // namespace parley::carriers::twilio

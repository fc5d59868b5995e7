// The carrier REST requests as they go on the wire: paths, form and JSON bodies, Basic auth, and
// how each create is undone and found again; the carriers' error bodies.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>

#include "carriers/plivo/requests.hpp"
#include "carriers/provisioning/saga.hpp"
#include "carriers/twilio/requests.hpp"
#include "net/io_runtime.hpp"

using namespace parley;
using namespace parley::carriers;
namespace json = boost::json;

namespace {
constexpr const char* kAccount = "AC0123456789abcdef0123456789abcdef";

twilio::Requests twilio_requests() { return twilio::Requests({"https://api.twilio.test", "https://trunking.twilio.test"}, kAccount); }

std::string header(const net::HttpClientRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}
}  // namespace

TEST(RestClient, SendsBasicAuthAcceptAndContentType) {
  net::IoRuntime io(1);
  net::HttpClient http(io.at(0));
  // RFC 7617 s2 example credentials.
  RestClient rest(http, Dialect::twilio, "Aladdin", "open sesame", std::chrono::milliseconds(1500));
  auto req = rest.build(form_request("POST", "https://x.test/a", {{"A", "b c"}}));
  EXPECT_EQ(header(req, "Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(header(req, "Accept"), "application/json");
  EXPECT_EQ(header(req, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req.body, "A=b%20c");
  EXPECT_EQ(req.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(header(rest.build(RestRequest{"GET", "https://x.test/a", {}, {}}), "Content-Type"), "");
}

TEST(TwilioRequests, FindNumberQueriesByE164) {
  auto r = twilio_requests().find_number("+14155551234");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, std::string("https://api.twilio.test/2010-04-01/Accounts/") + kAccount +
                       "/IncomingPhoneNumbers.json?PhoneNumber=%2B14155551234");
  auto answer = json::parse(R"({"incoming_phone_numbers":[
      {"sid":"PN1","phone_number":"+14155551299"},
      {"sid":"PN2","phone_number":"+14155551234","voice_url":"https://old.example/v","voice_method":"GET",
       "status_callback":"","status_callback_method":"POST","trunk_sid":null}],"next_page_uri":null})");
  auto n = twilio::Requests::parse_number(answer, "+14155551234");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->sid, "PN2");
  EXPECT_EQ(n->voice_url, "https://old.example/v");
  EXPECT_EQ(n->trunk_sid, "");
  EXPECT_FALSE(twilio::Requests::parse_number(answer, "+14155550000").has_value());
  EXPECT_FALSE(twilio::Requests::parse_number(json::parse(R"({"incoming_phone_numbers":[]})"), "+1").has_value());
}

TEST(TwilioRequests, TrunkIsCreatedFormEncodedAndFoundByDomain) {
  auto s = twilio_requests().create_trunk("Parley pn_1", "parley-abc.pstn.twilio.com");
  EXPECT_EQ(s.request.method, "POST");
  EXPECT_EQ(s.request.url, "https://trunking.twilio.test/v1/Trunks");
  EXPECT_EQ(s.request.content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(s.request.body, "FriendlyName=Parley%20pn_1&DomainName=parley-abc.pstn.twilio.com");
  EXPECT_EQ(s.id_field, "sid");
  ASSERT_TRUE(s.undo && s.lookup);
  EXPECT_EQ(s.undo->method, "DELETE");
  EXPECT_EQ(s.undo->url, "https://trunking.twilio.test/v1/Trunks/{id}");
  EXPECT_EQ(s.lookup->url, "https://trunking.twilio.test/v1/Trunks?PageSize=1000");
  EXPECT_EQ(s.lookup->list_key, "trunks");
  EXPECT_EQ(s.lookup->match_field, "domain_name");
  EXPECT_EQ(s.lookup->match_value, "parley-abc.pstn.twilio.com");
  EXPECT_EQ(s.lookup->next_field, "meta.next_page_url");
}

TEST(TwilioRequests, OriginationCredentialsAndAssociations) {
  auto req = twilio_requests();
  auto o = req.add_origination_url("TK1", "Parley pn_1", "sip:203.0.113.5:5060;transport=udp");
  EXPECT_EQ(o.request.url, "https://trunking.twilio.test/v1/Trunks/TK1/OriginationUrls");
  EXPECT_EQ(o.request.body,
            "FriendlyName=Parley%20pn_1&SipUrl=sip%3A203.0.113.5%3A5060%3Btransport%3Dudp&Priority=10&Weight=100&Enabled=true");
  EXPECT_EQ(o.undo->url, "https://trunking.twilio.test/v1/Trunks/TK1/OriginationUrls/{id}");
  EXPECT_EQ(o.lookup->list_key, "origination_urls");

  auto l = req.create_credential_list("Parley pn_1");
  EXPECT_EQ(l.request.url, std::string("https://api.twilio.test/2010-04-01/Accounts/") + kAccount + "/SIP/CredentialLists.json");
  EXPECT_EQ(l.undo->url, std::string("https://api.twilio.test/2010-04-01/Accounts/") + kAccount + "/SIP/CredentialLists/{id}.json");
  EXPECT_EQ(l.lookup->next_field, "next_page_uri");

  auto c = req.add_credential("CL1", "parleyuser", "Secret123Secret");
  EXPECT_EQ(c.request.url,
            std::string("https://api.twilio.test/2010-04-01/Accounts/") + kAccount + "/SIP/CredentialLists/CL1/Credentials.json");
  EXPECT_EQ(c.request.body, "Username=parleyuser&Password=Secret123Secret");
  EXPECT_EQ(c.lookup->match_field, "username");
  EXPECT_EQ(c.label.find("Secret"), std::string::npos) << "the password stays out of the journal";
  EXPECT_EQ(c.undo->body, "");

  auto a = req.attach_credential_list("TK1", "CL1");
  EXPECT_EQ(a.request.url, "https://trunking.twilio.test/v1/Trunks/TK1/CredentialLists");
  EXPECT_EQ(a.request.body, "CredentialListSid=CL1");
  EXPECT_EQ(a.known_id, "CL1");
  EXPECT_FALSE(a.lookup.has_value());
  EXPECT_EQ(a.undo->url, "https://trunking.twilio.test/v1/Trunks/TK1/CredentialLists/{id}");

  auto p = req.attach_phone_number("TK1", "PN2");
  EXPECT_EQ(p.request.body, "PhoneNumberSid=PN2");
  EXPECT_EQ(p.undo->url, "https://trunking.twilio.test/v1/Trunks/TK1/PhoneNumbers/{id}");
}

TEST(TwilioRequests, VoiceUrlChangeIsUndoneByRestoringThePreviousOnes) {
  twilio::IncomingNumber before{"PN2", "+14155551234", "https://old.example/v", "GET", "", "", ""};
  auto s = twilio_requests().point_voice_at(before, "https://p.example/voice/twilio/incoming/pn_1",
                                            "https://p.example/voice/twilio/status/pn_1");
  auto url = std::string("https://api.twilio.test/2010-04-01/Accounts/") + kAccount + "/IncomingPhoneNumbers/PN2.json";
  EXPECT_EQ(s.request.url, url);
  EXPECT_EQ(s.request.body,
            "VoiceUrl=https%3A%2F%2Fp.example%2Fvoice%2Ftwilio%2Fincoming%2Fpn_1&VoiceMethod=POST&"
            "StatusCallback=https%3A%2F%2Fp.example%2Fvoice%2Ftwilio%2Fstatus%2Fpn_1&StatusCallbackMethod=POST");
  EXPECT_EQ(s.known_id, "PN2");
  ASSERT_TRUE(s.undo.has_value());
  EXPECT_EQ(s.undo->method, "POST");
  EXPECT_EQ(s.undo->url, url);
  EXPECT_EQ(s.undo->body, "VoiceUrl=https%3A%2F%2Fold.example%2Fv&VoiceMethod=GET&StatusCallback=&StatusCallbackMethod=POST");
}

TEST(TwilioRequests, GeneratedCredentialsMeetTwilioRules) {
  for (int i = 0; i < 200; ++i) {
    auto p = twilio::random_sip_password();
    EXPECT_GE(p.size(), 12u);
    EXPECT_TRUE(std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); })) << p;
    EXPECT_TRUE(std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::isupper(c); })) << p;
    EXPECT_TRUE(std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::islower(c); })) << p;
    EXPECT_LE(twilio::random_sip_username().size(), 32u);
  }
  EXPECT_NE(twilio::random_sip_password(), twilio::random_sip_password());
}

TEST(PlivoRequests, ApplicationIsJsonAndFoundByName) {
  plivo::Requests req("https://api.plivo.test", "MAXXXXXXXXXXXXXXXXXX");
  EXPECT_EQ(req.get_number(plivo::digits("+14155551234")).url,
            "https://api.plivo.test/v1/Account/MAXXXXXXXXXXXXXXXXXX/Number/14155551234/");
  auto s = req.create_application("parley-pn_1", "https://p.example/voice/plivo/answer/pn_1",
                                  "https://p.example/voice/plivo/hangup/pn_1");
  EXPECT_EQ(s.request.method, "POST");
  EXPECT_EQ(s.request.url, "https://api.plivo.test/v1/Account/MAXXXXXXXXXXXXXXXXXX/Application/");
  EXPECT_EQ(s.request.content_type, "application/json");
  auto body = json::parse(s.request.body).as_object();
  EXPECT_EQ(body.at("app_name"), "parley-pn_1");
  EXPECT_EQ(body.at("answer_url"), "https://p.example/voice/plivo/answer/pn_1");
  EXPECT_EQ(body.at("answer_method"), "POST");
  EXPECT_EQ(body.at("hangup_url"), "https://p.example/voice/plivo/hangup/pn_1");
  EXPECT_EQ(s.id_field, "app_id");
  EXPECT_EQ(s.undo->url, "https://api.plivo.test/v1/Account/MAXXXXXXXXXXXXXXXXXX/Application/{id}/");
  EXPECT_EQ(s.lookup->list_key, "objects");
  EXPECT_EQ(s.lookup->match_field, "app_name");
  EXPECT_EQ(s.lookup->next_field, "meta.next");
}

TEST(PlivoRequests, LinkIsUndoneOnlyWhenThereWasAnApplicationBefore) {
  plivo::Requests req("https://api.plivo.test", "MAXXXXXXXXXXXXXXXXXX");
  auto before = plivo::Requests::parse_number(
      json::parse(R"({"api_id":"x","number":"14155551234","application":"/v1/Account/MAXX/Application/2937/"})"));
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->app_id, "2937");
  auto s = req.link_number(*before, "5555");
  EXPECT_EQ(s.request.url, "https://api.plivo.test/v1/Account/MAXXXXXXXXXXXXXXXXXX/Number/14155551234/");
  EXPECT_EQ(json::parse(s.request.body), json::parse(R"({"app_id":"5555"})"));
  ASSERT_TRUE(s.undo.has_value());
  EXPECT_EQ(json::parse(s.undo->body), json::parse(R"({"app_id":"2937"})"));
  auto bare = plivo::Requests::parse_number(json::parse(R"({"number":"14155551234","application":null})"));
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->app_id, "");
  EXPECT_FALSE(req.link_number(*bare, "5555").undo.has_value());
}

TEST(CarrierErrors, BodiesOfBothCarriers) {
  auto t = failure_from_answer(Dialect::twilio, 404,
                               R"({"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404})");
  EXPECT_EQ(t.http_status, 404);
  EXPECT_EQ(t.carrier_code, "20404");
  EXPECT_EQ(t.message, "The requested resource was not found");
  EXPECT_FALSE(t.maybe_applied);
  EXPECT_EQ(describe(t), "HTTP 404 (code 20404): The requested resource was not found");
  EXPECT_TRUE(failure_from_answer(Dialect::twilio, 500, R"({"code":20500,"message":"Internal"})").maybe_applied);
  EXPECT_FALSE(failure_from_answer(Dialect::twilio, 429, R"({"code":20429,"message":"Too Many Requests"})").maybe_applied);
  auto p = failure_from_answer(Dialect::plivo, 400, R"({"api_id":"abc","error":"invalid app_id"})");
  EXPECT_EQ(p.message, "invalid app_id");
  EXPECT_EQ(p.carrier_code, "");
  auto o = failure_from_answer(Dialect::plivo, 400, R"({"api_id":"abc","error":{"answer_url":["required"]}})");
  EXPECT_EQ(o.message, R"({"answer_url":["required"]})");
  auto html = failure_from_answer(Dialect::twilio, 502, "<html>\nBad gateway</html>");
  EXPECT_EQ(html.message, "<html> Bad gateway</html>");
  EXPECT_EQ(failure_from_answer(Dialect::twilio, 503, "").message, "no error body");
}

TEST(Journal, UndoRequestsAndLookupsRoundTrip) {
  RestRequest r{"POST", "https://x.test/a/{id}", "A=1", "application/x-www-form-urlencoded"};
  auto back = request_from_json(to_json(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->method, r.method);
  EXPECT_EQ(back->url, r.url);
  EXPECT_EQ(back->body, r.body);
  EXPECT_EQ(back->content_type, r.content_type);
  Lookup l{"https://x.test/list", "things", "name", "n1", "sid", "meta.next"};
  auto lb = lookup_from_json(to_json(l));
  ASSERT_TRUE(lb.has_value());
  EXPECT_EQ(lb->match_value, "n1");
  EXPECT_EQ(lb->next_field, "meta.next");
  store::CarrierResource row;
  row.undo_request = to_json(RestRequest{"DELETE", "https://x.test/Trunks/{id}", {}, {}});
  EXPECT_FALSE(undo_request_of(row).has_value()) << "no id yet";
  row.remote_id = "TK9";
  EXPECT_EQ(undo_request_of(row)->url, "https://x.test/Trunks/TK9");
  EXPECT_FALSE(request_from_json("").has_value());
  EXPECT_FALSE(request_from_json(R"({"method":"DELETE"})").has_value());
  EXPECT_FALSE(lookup_from_json("[1]").has_value());
}

#include "call/outbound_trunks.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/sealed_json.hpp"

namespace parley::call {
namespace {

const core::SecretBox kBox(std::string(32, 'k'));
const OutboundCallParties kParties{"+14155551234", "+18005551234", "203.0.113.10", 25};

store::SipProvider trunk(std::string config, std::string password = {}) {
  store::SipProvider p;
  p.id = "sp_1";
  p.name = "carrier";
  p.config = std::move(config);
  if (!password.empty()) p.credentials = core::seal_json(kBox, {{"outbound_password", password}});
  return p;
}

TEST(OutboundTrunks, InviteThroughAUdpTrunkCarriesCallerIdTwice) {
  auto a = trunk_attempt(trunk(R"({"host":"198.51.100.20","port":5080,"transport":"udp"})"), kBox, kParties);
  EXPECT_EQ(a.request.request_uri, "sip:+14155551234@198.51.100.20:5080");
  EXPECT_EQ(a.request.from_uri, "sip:+18005551234@203.0.113.10");
  EXPECT_EQ(a.request.p_asserted_identity, "<sip:+18005551234@203.0.113.10>");
  EXPECT_EQ(a.request.ring_timeout, std::chrono::seconds(25));
  EXPECT_TRUE(a.request.auth_username.empty());
}

TEST(OutboundTrunks, TlsTrunkWithCredentialsAndFromDomain) {
  auto a = trunk_attempt(trunk(R"({"host":"sip.example.com","port":5061,"transport":"tls",
      "outbound":{"username":"acct","from_domain":"pbx.example.com","caller_id_header":"from"}})", "s3cret"),
      kBox, kParties);
  EXPECT_EQ(a.request.request_uri, "sip:+14155551234@sip.example.com:5061;transport=tls");
  EXPECT_EQ(a.request.from_uri, "sip:+18005551234@pbx.example.com");
  EXPECT_TRUE(a.request.p_asserted_identity.empty());
  EXPECT_EQ(a.request.auth_username, "acct");
  EXPECT_EQ(a.request.auth_password, "s3cret");
}

TEST(OutboundTrunks, TcpTrunkOnAnIpv6Host) {
  auto a = trunk_attempt(trunk(R"({"host":"2001:db8::5","port":5060,"transport":"tcp",
      "outbound":{"caller_id_header":"p_asserted_identity"}})"), kBox, kParties);
  EXPECT_EQ(a.request.request_uri, "sip:+14155551234@[2001:db8::5]:5060;transport=tcp");
  EXPECT_EQ(a.request.from_uri, "sip:+18005551234@203.0.113.10");
  EXPECT_EQ(a.request.p_asserted_identity, "<sip:+18005551234@203.0.113.10>");
}

}  // namespace
}  // namespace parley::call

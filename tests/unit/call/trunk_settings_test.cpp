// Provider rows read into trunk settings; registration Contact users; inbound calls admitted by
// the registered binding they arrive on.
#include <gtest/gtest.h>

#include "call/routing_table.hpp"
#include "call/trunk_bindings.hpp"
#include "call/trunk_settings.hpp"
#include "store_fixture.hpp"

namespace parley::call {
namespace {

using test::StoreFixture;

store::SipProvider row(std::string config) {
  store::SipProvider p;
  p.id = "sp_test";
  p.config = std::move(config);
  return p;
}

TEST(TrunkSettings, ReadsWhatTheApiWrites) {
  auto t = read_trunk(row(R"({"host":"sip.example.test","port":5080,"transport":"tcp","debug":true,
      "trace_retention_hours":5,"inbound":{"auth":"ip_and_digest","allowed_ips":["198.51.100.0/24"]},
      "registration":{"enabled":true,"username":"alice","expires":600}})"));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->host, "sip.example.test");
  EXPECT_EQ(t->port, 5080);
  EXPECT_EQ(t->transport, sip::Transport::tcp);
  EXPECT_TRUE(t->debug);
  EXPECT_EQ(t->trace_retention_hours, 5);
  EXPECT_EQ(t->allowed_ips, std::vector<std::string>{"198.51.100.0/24"});
  EXPECT_TRUE(t->registration.enabled);
  EXPECT_EQ(t->registration.username, "alice");
  EXPECT_EQ(t->registration.expires, 600U);
  EXPECT_EQ(t->registration.domain, "sip.example.test");
  EXPECT_EQ(t->registration.registrar_host, "sip.example.test");
  EXPECT_EQ(t->registration.registrar_port, 5080);
}

TEST(TrunkSettings, DefaultsAndAllowlistOnlyWhenUsed) {
  auto t = read_trunk(row(R"({"host":"[2001:db8::5]","inbound":{"auth":"digest","allowed_ips":["192.0.2.1"]}})"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "2001:db8::5");
  EXPECT_EQ(t->port, 5060);
  EXPECT_EQ(t->transport, sip::Transport::udp);
  EXPECT_FALSE(t->debug);
  EXPECT_EQ(t->trace_retention_hours, kDefaultTraceRetentionHours);
  EXPECT_TRUE(t->allowed_ips.empty()) << "digest-only trunks do not admit by address";
  EXPECT_FALSE(t->registration.enabled);
}

TEST(TrunkSettings, RegistrarMayBeElsewhere) {
  auto t = read_trunk(row(R"({"host":"sip.example.test","port":5070,
      "registration":{"enabled":true,"username":"a","registrar":"reg.example.test:6060"}})"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->registration.registrar_host, "reg.example.test");
  EXPECT_EQ(t->registration.registrar_port, 6060);
  EXPECT_EQ(t->registration.domain, "sip.example.test") << "the AoR stays at the trunk's domain";
  auto no_port = read_trunk(row(R"({"host":"h.test","port":5070,"registration":{"registrar":"r.test"}})"));
  EXPECT_EQ(no_port->registration.registrar_port, 5070);
  EXPECT_FALSE(read_trunk(row(R"({"host":"h","registration":{"registrar":"r.test:99999"}})")));
  EXPECT_FALSE(read_trunk(row("[]")));
  EXPECT_FALSE(read_trunk(row("{}")));
}

TEST(TrunkSettings, SplitHostPort) {
  auto check = [](std::string_view in, std::string host, std::optional<std::uint16_t> port) {
    auto hp = split_host_port(in);
    ASSERT_TRUE(hp) << in;
    EXPECT_EQ(hp->host, host) << in;
    EXPECT_EQ(hp->port, port) << in;
  };
  check("sip.example.test", "sip.example.test", std::nullopt);
  check("sip.example.test:5080", "sip.example.test", 5080);
  check("192.0.2.1:5060", "192.0.2.1", 5060);
  check("[2001:db8::1]:5061", "2001:db8::1", 5061);
  check("[2001:db8::1]", "2001:db8::1", std::nullopt);
  check("2001:db8::1", "2001:db8::1", std::nullopt);
  for (auto bad : {"", "h:0", "h:x", ":5060", "[::1", "[::1]x", "[::1]:"}) EXPECT_FALSE(split_host_port(bad)) << bad;
}

TEST(TrunkSettings, RegistrationPasswordIsOpenedFromTheSealedCredentials) {
  core::SecretBox box(std::string(32, 'k'));
  auto p = row("{}");
  p.credentials = box.seal(R"({"registration_password":"pw-1","outbound_password":"x"})");
  EXPECT_EQ(registration_password(p, box).value_or(""), "pw-1");
  p.credentials = box.seal(R"({"outbound_password":"x"})");
  EXPECT_EQ(registration_password(p, box).error().code, core::Errc::not_found);
  p.credentials = core::SecretBox(std::string(32, 'z')).seal(R"({"registration_password":"pw"})");
  EXPECT_FALSE(registration_password(p, box)) << "another key cannot open it";
}

TEST(TrunkBindings, ContactUsersAreStableKeyedAndDistinct) {
  const auto a = binding_contact_user("key-1", "sp_a");
  EXPECT_EQ(a, binding_contact_user("key-1", "sp_a"));
  EXPECT_NE(a, binding_contact_user("key-2", "sp_a"));
  EXPECT_NE(a, binding_contact_user("key-1", "sp_b"));
  EXPECT_EQ(a.size(), 22U);
  EXPECT_TRUE(a.starts_with("pb"));
  TrunkBindings b;
  b.set(a, "sp_a");
  EXPECT_EQ(b.provider_for(a), "sp_a");
  b.erase(a);
  EXPECT_FALSE(b.provider_for(a));
}

struct BindingRouting : StoreFixture {
  TrunkBindings bindings;
  std::string agent_id;

  void SetUp() override {
    StoreFixture::SetUp();
    auto now = core::to_unix_ms(core::now_utc());
    store::Agent a{core::new_id("agent"), "Reception", "{}", "", std::nullopt, now, now};
    ASSERT_TRUE(store_->create_agent(a, std::nullopt).has_value());
    agent_id = a.id;
    store::PhoneNumber n;
    n.id = core::new_id("pn");
    n.phone_number = "+14155551234";
    n.provider = "sip";
    n.state = "active";
    n.agent_id = agent_id;
    ASSERT_TRUE(store_->create_phone_number(n).has_value());
  }
  // Admission then routing, as InboundCalls does for a trunk that needs no digest.
  RouteDecision route(const InboundRequest& request, const TrunkBindings* with = nullptr) {
    auto table = RoutingTable::load(*store_, {});
    EXPECT_TRUE(table.has_value());
    auto admission = (*table)->admit(request, with);
    if (admission.kind != TrunkAdmission::Kind::admitted) return RouteDecision{403, "Forbidden"};
    return (*table)->route(*admission.trunk, request);
  }
  InboundRequest invite(std::string request_user, std::string source = "203.0.113.7") {
    InboundRequest r;
    r.source_address = std::move(source);
    r.request_user = std::move(request_user);
    r.to_user = "+14155551234";
    r.from_user = "+14155550100";
    return r;
  }
};

TEST_F(BindingRouting, ACallOnTheBindingRoutesByItsTrunkWithTheDidFromTo) {
  auto p = provider(R"({"host":"sip.example.test","registration":{"enabled":true,"username":"alice"}})");
  const auto contact = binding_contact_user("k", p.id);
  bindings.set(contact, p.id);
  auto d = route(invite(contact), &bindings);
  EXPECT_EQ(d.sip_status, 200);
  EXPECT_EQ(d.provider_id, p.id);
  EXPECT_EQ(d.did, "+14155551234");
  EXPECT_EQ(d.agent_id, agent_id);
  // The same INVITE with no bindings to consult, or to an unknown Contact: no trunk admits it.
  EXPECT_EQ(route(invite(contact)).sip_status, 403);
  EXPECT_EQ(route(invite("pb00000000000000000000"), &bindings).sip_status, 403);
}

TEST_F(BindingRouting, ATrunkWithAnAllowlistStillChecksTheSource) {
  auto p = provider(R"({"host":"sip.example.test","inbound":{"auth":"ip","allowed_ips":["198.51.100.0/24"]},
      "registration":{"enabled":true,"username":"alice"}})");
  const auto contact = binding_contact_user("k", p.id);
  bindings.set(contact, p.id);
  EXPECT_EQ(route(invite(contact, "203.0.113.7"), &bindings).sip_status, 403);
  auto d = route(invite(contact, "198.51.100.20"), &bindings);
  EXPECT_EQ(d.sip_status, 200);
  EXPECT_EQ(d.provider_id, p.id);
}

}  // namespace
}  // namespace parley::call

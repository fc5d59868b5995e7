// The routing snapshot against a real SQLite store: which trunk admits an INVITE (IP, digest by
// username, ip_and_digest needing both), the realm a caller is challenged in, routes with compiled
// regexes and their failover, and the agents' caps.
#include <gtest/gtest.h>

#include "call/routing_table.hpp"
#include "core/sealed_json.hpp"
#include "store_fixture.hpp"

namespace parley::call {
namespace {
using test::StoreFixture;
using sip::auth::DigestAlgorithm;

struct RoutingTableTest : StoreFixture {
  core::SecretBox box{std::string(32, 's')};
  std::string agent_id;

  void SetUp() override {
    StoreFixture::SetUp();
    agent_id = agent(R"({"max_concurrent_calls":3})");
    store::PhoneNumber n;
    n.id = core::new_id("pn");
    n.phone_number = "+14155551234";
    n.provider = "sip";
    n.state = "active";
    n.agent_id = agent_id;
    ASSERT_TRUE(store_->create_phone_number(n).has_value());
  }
  std::string agent(std::string config) {
    auto now = core::to_unix_ms(core::now_utc());
    store::Agent a{core::new_id("agent"), "Desk", std::move(config), "", std::nullopt, now, now};
    EXPECT_TRUE(store_->create_agent(a, std::nullopt).has_value());
    return a.id;
  }
  store::SipProvider digest_trunk(std::string inbound, std::string password) {
    return provider(R"({"host":"pbx.example.test","inbound":)" + inbound + "}",
                    core::seal_json(box, boost::json::object{{"inbound_password", password}}));
  }
  void route(std::string config, int priority = 10) {
    store::SipRoute r;
    r.id = core::new_id("route");
    r.name = "r";
    r.priority = priority;
    r.config = std::move(config);
    r.created_at = r.updated_at = core::to_unix_ms(core::now_utc());
    ASSERT_TRUE(store_->create_sip_route(r).has_value());
  }
  std::shared_ptr<const RoutingTable> table() {
    auto t = RoutingTable::load(*store_, RoutingOptions{&box, "sip.parley.test"});
    EXPECT_TRUE(t.has_value());
    return t.value_or(RoutingTable::empty());
  }
  static InboundRequest invite(std::string source, std::string authorization = {}) {
    InboundRequest r;
    r.source_address = std::move(source);
    r.request_user = "+14155551234";
    r.to_user = "+14155551234";
    r.from_user = "+14155550100";
    if (!authorization.empty()) r.headers.emplace_back("Authorization", std::move(authorization));
    return r;
  }
  static std::string credentials(std::string user, std::string realm = "sip.parley.test") {
    return "Digest username=\"" + user + "\", realm=\"" + realm +
           "\", nonce=\"n\", uri=\"sip:x@y\", response=\"00\", algorithm=MD5";
  }
};

TEST_F(RoutingTableTest, DigestTrunksAreFoundByTheAuthorizationUsername) {
  auto alice = digest_trunk(R"({"auth":"digest","username":"alice"})", "a-secret");
  auto bob = digest_trunk(R"({"auth":"digest","username":"bob","realm":"bob.example","digest_algorithms":["MD5"]})",
                          "b-secret");
  auto t = table();
  auto a = t->admit(invite("203.0.113.9", credentials("bob", "bob.example")), nullptr);
  ASSERT_EQ(a.kind, TrunkAdmission::Kind::digest);
  ASSERT_NE(a.trunk, nullptr);
  EXPECT_EQ(a.trunk->id, bob.id);
  EXPECT_EQ(a.trunk->password, "b-secret");
  EXPECT_EQ(a.realm, "bob.example");
  ASSERT_EQ(a.algorithms.size(), 1U);
  EXPECT_EQ(a.algorithms[0], DigestAlgorithm::md5);

  auto named_alice = t->admit(invite("203.0.113.9", credentials("alice")), nullptr);
  ASSERT_NE(named_alice.trunk, nullptr);
  EXPECT_EQ(named_alice.trunk->id, alice.id);
  EXPECT_EQ(named_alice.realm, "sip.parley.test") << "no realm set: the default";
  ASSERT_EQ(named_alice.algorithms.size(), 2U);
  EXPECT_EQ(named_alice.algorithms[0], DigestAlgorithm::sha256) << "RFC 8760: strongest first";

  // No credentials, or an unknown user: a challenge with nobody to check against, in the default
  // realm (two digest trunks, the number names neither).
  for (const auto& auth : {std::string(), credentials("mallory")}) {
    auto c = t->admit(invite("203.0.113.9", auth), nullptr);
    EXPECT_EQ(c.kind, TrunkAdmission::Kind::digest);
    EXPECT_EQ(c.trunk, nullptr);
    EXPECT_EQ(c.realm, "sip.parley.test");
  }
}

TEST_F(RoutingTableTest, ACallerIsChallengedInTheRealmOfTheOnlyDigestTrunk) {
  digest_trunk(R"({"auth":"digest","username":"alice","realm":"alice.example"})", "a-secret");
  auto c = table()->admit(invite("203.0.113.9"), nullptr);
  EXPECT_EQ(c.kind, TrunkAdmission::Kind::digest);
  EXPECT_EQ(c.realm, "alice.example");
}

TEST_F(RoutingTableTest, IpAndDigestNeedsTheAllowlistAndIpAloneDoesNot) {
  auto both = digest_trunk(R"({"auth":"ip_and_digest","allowed_ips":["198.51.100.0/24"],"username":"edge"})", "e");
  auto t = table();
  EXPECT_EQ(t->admit(invite("203.0.113.9", credentials("edge")), nullptr).kind, TrunkAdmission::Kind::forbidden)
      << "right username, wrong address";
  auto a = t->admit(invite("198.51.100.7"), nullptr);
  EXPECT_EQ(a.kind, TrunkAdmission::Kind::digest) << "right address, still needs credentials";
  EXPECT_EQ(a.trunk, nullptr);

  auto ip = provider(R"({"host":"carrier.test","inbound":{"auth":"ip","allowed_ips":["192.0.2.0/24"]}})");
  t = table();
  auto admitted = t->admit(invite("192.0.2.55"), nullptr);
  ASSERT_EQ(admitted.kind, TrunkAdmission::Kind::admitted);
  EXPECT_EQ(admitted.trunk->id, ip.id);
  EXPECT_EQ(t->admit(invite("203.0.113.9"), nullptr).kind, TrunkAdmission::Kind::forbidden)
      << "no digest trunk would take an unknown address: 403, no challenge";
}

TEST_F(RoutingTableTest, RoutesMatchByPriorityWithCompiledRegexesAndCarryTheirFailover) {
  auto ip = provider(R"({"host":"carrier.test","inbound":{"auth":"ip","allowed_ips":["192.0.2.0/24"]}})");
  const auto vip = agent("{}");
  const auto backup = agent("{}");
  route(R"({"enabled":true,"agent_id":")" + vip + R"(","match":{"type":"caller_id","mode":"regex","value":"^\\+1415555"},
           "failover":{"type":"next_agent","agent_id":")" + backup + R"("}})", 5);
  route(R"({"enabled":true,"agent_id":")" + backup + R"(","match":{"type":"did","number":"+14155551234"},
           "failover":{"type":"sip_uri","uri":"sip:desk@pbx.example.test"}})", 1);
  route(R"({"enabled":false,"agent_id":")" + vip + R"(","match":{"type":"caller_id","mode":"exact","value":"+14155550100"}})",
        0);
  auto t = table();
  auto a = t->admit(invite("192.0.2.1"), nullptr);
  ASSERT_EQ(a.kind, TrunkAdmission::Kind::admitted);
  auto d = t->route(*a.trunk, invite("192.0.2.1"));
  EXPECT_EQ(d.sip_status, 200);
  EXPECT_EQ(d.agent_id, backup) << "priority 1 beats 5; the disabled route is not there";
  EXPECT_EQ(d.failover.kind, Failover::Kind::sip_uri);
  EXPECT_EQ(d.failover.target, "sip:desk@pbx.example.test");

  auto other_did = invite("192.0.2.1");
  other_did.request_user = other_did.to_user = "+14155559999";
  auto by_regex = t->route(*a.trunk, other_did);
  EXPECT_EQ(by_regex.agent_id, vip);
  EXPECT_EQ(by_regex.failover.kind, Failover::Kind::next_agent);
  EXPECT_EQ(by_regex.failover.target, backup);

  auto nobody = other_did;
  nobody.from_user = "+442071234567";
  EXPECT_EQ(t->route(*a.trunk, nobody).sip_status, 404);

  ASSERT_NE(t->agent(agent_id), nullptr);
  EXPECT_EQ(t->agent(agent_id)->settings.max_concurrent_calls, 3);
  EXPECT_EQ(t->agent("agent_gone"), nullptr);
}

TEST_F(RoutingTableTest, TheGenerationMovesWithEveryChange) {
  const auto before = table()->generation();
  provider(R"({"host":"carrier.test"})");
  EXPECT_GT(table()->generation(), before);
  EXPECT_EQ(RoutingTable::empty()->generation(), 0);
}

}  // namespace
}  // namespace parley::call

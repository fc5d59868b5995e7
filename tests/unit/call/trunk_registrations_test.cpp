// One registration per wanted provider: started, left alone when unchanged, restarted only after
// the old binding's un-REGISTER completes, removed with a "disabled" status; bindings follow.
#include <gtest/gtest.h>

#include "../sip/sip_test_util.hpp"
#include "call/trunk_registrations.hpp"

namespace parley::call {
namespace {

using namespace std::chrono_literals;

struct NoUser : sip::TransactionUser {
  void on_request(std::shared_ptr<sip::IncomingRequest>) override {}
  void on_ack(const sip::Inbound&) override {}
  void on_stray_response(const sip::Inbound&) override {}
};

struct RegistrationsTest : ::testing::Test {
  sip::test::FakeSender sender;
  sip::TimerQueue timers;
  NoUser user;
  sip::TransactionLayer layer{sender, timers, sip::TimerConfig{}, user};
  TrunkBindings bindings;
  std::vector<std::pair<std::string, std::string>> sink;  // provider, state
  TrunkRegistrations registrations{layer, bindings, [this](const std::string& id, const auto& s) {
                                     sink.emplace_back(id, s ? std::string(sip::to_string(s->state)) : "disabled");
                                   }};

  static sip::RegistrationConfig config(std::string contact, std::uint32_t expires = 600) {
    sip::RegistrationConfig c;
    c.registrar_host = "192.0.2.10";
    c.domain = "example.test";
    c.username = "alice";
    c.password = "pw";
    c.expires = expires;
    c.contact_user = std::move(contact);
    return c;
  }
  // Answers the last REGISTER with 200 and the contact's grant.
  void ok() {
    auto req = sender.last();
    std::string r = "SIP/2.0 200 OK\r\n";
    for (const auto& h : req->message.headers()) {
      if (h.id == sip::HeaderId::via || h.id == sip::HeaderId::from || h.id == sip::HeaderId::call_id ||
          h.id == sip::HeaderId::cseq || h.id == sip::HeaderId::to || h.id == sip::HeaderId::contact) {
        r += std::string(h.name) + ": " + std::string(h.value) + "\r\n";
      }
    }
    layer.on_message(sip::test::received(r + "Content-Length: 0\r\n\r\n", *sip::make_peer("192.0.2.10", 5060, sip::Transport::udp)));
  }
  std::uint32_t last_expires() { return *sender.last()->message.expires().value(); }
};

TEST_F(RegistrationsTest, StartsChangesAndRemoves) {
  registrations.apply({{"sp_a", config("pba")}});
  ASSERT_EQ(sender.count("REGISTER "), 1U);
  EXPECT_EQ(bindings.provider_for("pba"), "sp_a");
  ok();
  EXPECT_EQ(sink.back(), (std::pair<std::string, std::string>{"sp_a", "registered"}));

  registrations.apply({{"sp_a", config("pba")}});  // unchanged: nothing sent
  EXPECT_EQ(sender.count("REGISTER "), 1U);

  // Changed: the old binding is removed first; the new REGISTER waits for that answer.
  registrations.apply({{"sp_a", config("pba", 900)}});
  ASSERT_EQ(sender.count("REGISTER "), 2U);
  EXPECT_EQ(last_expires(), 0U);
  EXPECT_FALSE(bindings.provider_for("pba"));
  ok();
  ASSERT_EQ(sender.count("REGISTER "), 3U);
  EXPECT_EQ(last_expires(), 900U);
  EXPECT_EQ(bindings.provider_for("pba"), "sp_a");
  ok();

  // Removed: un-REGISTERed, reported disabled.
  registrations.apply({});
  EXPECT_EQ(sink.back(), (std::pair<std::string, std::string>{"sp_a", "disabled"}));
  ASSERT_EQ(sender.count("REGISTER "), 4U);
  EXPECT_EQ(last_expires(), 0U);
  EXPECT_FALSE(bindings.provider_for("pba"));
  EXPECT_EQ(registrations.running(), 0U);
  ok();  // the registrar confirms the removal: nothing is left running
  EXPECT_EQ(sender.count("REGISTER "), 4U);
}

TEST_F(RegistrationsTest, StopAllUnregistersEveryBindingThenReports) {
  registrations.apply({{"sp_a", config("pba")}, {"sp_b", config("pbb")}});
  ok();  // sp_b's REGISTER was the last one sent
  bool done = false;
  registrations.stop_all(2s, [&] { done = true; });
  EXPECT_FALSE(done) << "sp_b's un-REGISTER is in flight";
  ok();
  EXPECT_FALSE(done) << "sp_a never got its 200 but may hold a binding: it waits too";
  timers.advance(2s);
  EXPECT_TRUE(done);
  EXPECT_FALSE(bindings.provider_for("pba"));
  EXPECT_FALSE(bindings.provider_for("pbb"));
  registrations.apply({{"sp_c", config("pbc")}});
  EXPECT_EQ(registrations.running(), 0U) << "nothing starts after stop_all";
}

TEST_F(RegistrationsTest, StopAllAlsoWaitsForBindingsBeingRemoved) {
  registrations.apply({{"sp_a", config("pba")}});
  ok();
  registrations.apply({});  // sp_a's un-REGISTER is in flight
  bool done = false;
  registrations.stop_all(1s, [&] { done = true; });
  EXPECT_FALSE(done);
  ok();
  EXPECT_TRUE(done);
}

TEST_F(RegistrationsTest, StopAllWithNothingRunningIsDoneAtOnce) {
  bool done = false;
  registrations.stop_all(1s, [&] { done = true; });
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace parley::call

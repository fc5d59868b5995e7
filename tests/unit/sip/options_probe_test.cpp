// "Test Connection" probes on a manual clock with a recording sender: the OPTIONS sent, a
// response with its round-trip time, no response by the deadline, a transport failure, an
// unresolvable host.
#include <gtest/gtest.h>

#include "sip/ua/options_probe.hpp"
#include "sip_test_util.hpp"

namespace parley::sip {
namespace {

using namespace std::chrono_literals;
using test::FakeSender;
using test::received;
using test::response_to;

struct NoUser : TransactionUser {
  void on_request(std::shared_ptr<IncomingRequest>) override {}
  void on_ack(const Inbound&) override {}
  void on_stray_response(const Inbound&) override {}
};

struct ProbeTest : ::testing::Test {
  FakeSender sender;
  TimerQueue timers;
  NoUser user;
  TransactionLayer layer{sender, timers, TimerConfig{}, user};
  std::optional<ProbeResult> result;

  void probe(ProbeTarget target, std::chrono::milliseconds deadline = 2s) {
    probe_options(layer, std::move(target), "Parley/test", deadline, [this](ProbeResult r) { result = std::move(r); });
  }
};

TEST_F(ProbeTest, AnyFinalResponseCountsWithItsRoundTrip) {
  probe({"trunk.test", 5070, Transport::tcp});
  ASSERT_EQ(sender.count("OPTIONS "), 1U);
  auto options = sender.last();
  EXPECT_EQ(options->message.request_uri().raw, "sip:trunk.test:5070;transport=tcp");
  EXPECT_EQ(options->message.to().uri.raw, "sip:trunk.test:5070;transport=tcp");
  EXPECT_EQ(options->message.find(HeaderId::accept)->value, "application/sdp");
  EXPECT_EQ(sender.sent.back().to, *make_peer("192.0.2.9", 5070, Transport::tcp));  // the resolved name
  timers.advance(37ms);
  EXPECT_FALSE(result);
  layer.on_message(received(response_to(sender.sent.back().bytes, 404, "Not Here"), sender.sent.back().to));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, ProbeResult::Outcome::answered);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(result->reason, "Not Here");
  EXPECT_EQ(result->rtt, 37ms);
  EXPECT_EQ(result->peer, *make_peer("192.0.2.9", 5070, Transport::tcp));
}

TEST_F(ProbeTest, ProvisionalResponsesDoNotEndTheProbe) {
  probe({"127.0.0.1", 5070, Transport::udp});
  layer.on_message(received(response_to(sender.sent.back().bytes, 100, "Trying"), sender.sent.back().to));
  EXPECT_FALSE(result);
  layer.on_message(received(response_to(sender.sent.back().bytes, 200, "OK"), sender.sent.back().to));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(ProbeTest, SilenceIsATimeoutAtTheDeadline) {
  probe({"127.0.0.1", 5070, Transport::udp}, 1500ms);
  timers.advance(1499ms);
  EXPECT_FALSE(result);
  timers.advance(1ms);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, ProbeResult::Outcome::timeout);
  const auto sent = sender.count("OPTIONS ");
  layer.on_message(received(response_to(sender.sent.back().bytes, 200, "OK"), sender.sent.back().to));
  EXPECT_EQ(result->outcome, ProbeResult::Outcome::timeout) << "a late answer changes nothing";
  EXPECT_GE(sent, 2U) << "UDP retransmitted at T1 meanwhile";
}

TEST_F(ProbeTest, TransportFailureIsUnreachable) {
  probe({"127.0.0.1", 5071, Transport::tcp});
  sender.fail(*make_peer("127.0.0.1", 5071, Transport::tcp));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, ProbeResult::Outcome::unreachable);
}

TEST_F(ProbeTest, UnresolvableHost) {
  probe({"nowhere.invalid", std::nullopt, Transport::udp});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, ProbeResult::Outcome::unresolvable);
  EXPECT_EQ(sender.sent.size(), 0U);
}

}  // namespace
}  // namespace parley::sip

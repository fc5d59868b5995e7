// RFC 3261 s17 state machines on a manual clock: retransmission counts, timer outcomes,
// retransmission absorption, ACK generation, CANCEL (s9.2), and the 500 for a dropped request.
#include <gtest/gtest.h>

#include "sip/transaction/transaction_layer.hpp"
#include "sip_test_util.hpp"

namespace parley::sip {
namespace {

using namespace std::chrono_literals;
using test::FakeSender;
using test::received;
using test::request;
using test::response_to;

struct Tu : TransactionUser {
  std::vector<std::shared_ptr<IncomingRequest>> requests;
  std::vector<Inbound> acks, strays;
  bool keep = true;
  void on_request(std::shared_ptr<IncomingRequest> r) override {
    if (keep) requests.push_back(std::move(r));
  }
  void on_ack(const Inbound& a) override { acks.push_back(a); }
  void on_stray_response(const Inbound& r) override { strays.push_back(r); }
};

struct Fixture : ::testing::Test {
  FakeSender sender;
  TimerQueue timers;
  Tu tu;
  TransactionLayer layer{sender, timers, TimerConfig{}, tu};
  std::vector<int> statuses;

  std::shared_ptr<ClientTransaction> send(const std::string& req, Transport t = Transport::udp) {
    return layer.send_request(*own_message(req), test::peer("127.0.0.1", 5070, t),
                              [this](const Inbound& r) { statuses.push_back(r->message.status()); });
  }
};

TEST_F(Fixture, ClientInviteTimerAThenTimerB) {
  send(request("INVITE"));
  timers.advance(63 * 500ms);
  EXPECT_EQ(sender.count("INVITE"), 7U);  // 0, 1, 3, 7, 15, 31, 63 T1 (timer A doubles)
  EXPECT_TRUE(statuses.empty());
  timers.advance(1s);  // timer B = 64*T1
  EXPECT_EQ(statuses, std::vector<int>{408});
  EXPECT_EQ(layer.client_count(), 0U);
}

TEST_F(Fixture, TransportFailureIsA503) {
  send(request("INVITE"), Transport::tcp);
  send(request("OPTIONS", "z9hG4bKother"), Transport::udp);
  sender.fail(test::peer("127.0.0.1", 5070, Transport::tcp));  // s17.1.4
  EXPECT_EQ(statuses, std::vector<int>{503});
  EXPECT_EQ(layer.client_count(), 1U);
}

TEST_F(Fixture, ClientInviteOverTcpDoesNotRetransmit) {
  send(request("INVITE"), Transport::tcp);
  timers.advance(64 * 500ms);
  EXPECT_EQ(sender.count("INVITE"), 1U);
  EXPECT_EQ(statuses, std::vector<int>{408});
}

TEST_F(Fixture, ClientInviteNon2xxIsAckedInsideTheTransaction) {
  const std::string inv = request("INVITE");
  send(inv);
  layer.on_message(received(response_to(inv, 180, "Ringing")));
  timers.advance(10s);
  EXPECT_EQ(sender.count("INVITE"), 1U);  // proceeding: timer A stopped
  layer.on_message(received(response_to(inv, 486, "Busy Here")));
  EXPECT_EQ(statuses, (std::vector<int>{180, 486}));
  ASSERT_EQ(sender.count("ACK"), 1U);
  auto ack = sender.last();
  EXPECT_EQ(ack->message.top_via().branch(), "z9hG4bKabc");  // s17.1.1.3: same branch
  EXPECT_EQ(ack->message.to().tag(), "rtag");
  EXPECT_EQ(ack->message.cseq().number, 1U);
  layer.on_message(received(response_to(inv, 486, "Busy Here")));  // retransmission -> ACK again, not reported
  EXPECT_EQ(sender.count("ACK"), 2U);
  EXPECT_EQ(statuses.size(), 2U);
  timers.advance(32s);  // timer D
  EXPECT_EQ(layer.client_count(), 0U);
}

TEST_F(Fixture, ClientInvite2xxRetransmissionsGoToTheTu) {
  const std::string inv = request("INVITE");
  send(inv);
  layer.on_message(received(response_to(inv, 200, "OK")));
  layer.on_message(received(response_to(inv, 200, "OK")));
  EXPECT_EQ(statuses, (std::vector<int>{200, 200}));  // RFC 6026 Accepted
  EXPECT_EQ(sender.count("ACK"), 0U);                  // the 2xx ACK is the dialog's job
  timers.advance(32s);                                 // timer M
  EXPECT_EQ(layer.client_count(), 0U);
  layer.on_message(received(response_to(inv, 200, "OK")));
  EXPECT_EQ(tu.strays.size(), 1U);
}

TEST_F(Fixture, ClientNonInviteTimerEAndF) {
  send(request("OPTIONS"));
  timers.advance(31500ms);
  // 0, 0.5, 1.5, 3.5, 7.5, then every T2=4 s: 11.5 ... 31.5
  EXPECT_EQ(sender.count("OPTIONS"), 11U);
  timers.advance(500ms);
  EXPECT_EQ(statuses, std::vector<int>{408});
}

TEST_F(Fixture, ClientNonInviteAbsorbsRetransmittedFinals) {
  const std::string opt = request("OPTIONS");
  send(opt);
  layer.on_message(received(response_to(opt, 200, "OK")));
  layer.on_message(received(response_to(opt, 200, "OK")));
  EXPECT_EQ(statuses, std::vector<int>{200});
  timers.advance(5s);  // timer K = T4
  EXPECT_EQ(layer.client_count(), 0U);
}

TEST_F(Fixture, ServerInviteTryingRetransmitsAndAck) {
  layer.on_message(received(request("INVITE")));
  ASSERT_EQ(tu.requests.size(), 1U);
  timers.advance(199ms);
  EXPECT_TRUE(sender.sent.empty());
  timers.advance(1ms);
  ASSERT_EQ(sender.sent.size(), 1U);
  EXPECT_EQ(sender.sent[0].start(), "SIP/2.0 100 Trying");
  layer.on_message(received(request("INVITE")));  // retransmission: last provisional again
  EXPECT_EQ(sender.count("SIP/2.0 100"), 2U);
  EXPECT_EQ(tu.requests.size(), 1U);
  tu.requests[0]->respond(486, "Busy Here", "tt");
  timers.advance(500ms + 1000ms + 2000ms);  // timer G: T1, 2T1, 4T1
  EXPECT_EQ(sender.count("SIP/2.0 486"), 4U);
  layer.on_message(received(request("ACK", "z9hG4bKabc", "tt")));
  timers.advance(4s);
  EXPECT_EQ(sender.count("SIP/2.0 486"), 4U);  // confirmed: no more retransmissions
  EXPECT_EQ(layer.server_count(), 1U);
  timers.advance(1s);                          // timer I = T4
  EXPECT_EQ(layer.server_count(), 0U);
  EXPECT_TRUE(tu.acks.empty());
}

TEST_F(Fixture, ServerInviteTimerHWithoutAck) {
  layer.on_message(received(request("INVITE")));
  tu.requests[0]->respond(603, "Decline", "tt");
  timers.advance(31999ms);
  EXPECT_EQ(layer.server_count(), 1U);
  // G: 0.5, 1.5, 3.5, 7.5, then every T2: 11.5 ... 31.5 -> 1 + 10 sends
  EXPECT_EQ(sender.count("SIP/2.0 603"), 11U);
  timers.advance(1ms);  // timer H
  EXPECT_EQ(layer.server_count(), 0U);
}

TEST_F(Fixture, ServerInvite2xxAcceptedAndAckToTu) {
  layer.on_message(received(request("INVITE")));
  tu.requests[0]->respond(200, "OK", "tt");
  layer.on_message(received(request("INVITE")));  // absorbed (RFC 6026)
  EXPECT_EQ(sender.count("SIP/2.0 200"), 1U);
  layer.on_message(received(request("ACK", "z9hG4bKother", "tt")));
  EXPECT_EQ(tu.acks.size(), 1U);
  timers.advance(32s);  // timer L
  EXPECT_EQ(layer.server_count(), 0U);
}

TEST_F(Fixture, ServerNonInviteAbsorbsThenResends) {
  layer.on_message(received(request("OPTIONS")));
  layer.on_message(received(request("OPTIONS")));  // trying: absorbed
  EXPECT_TRUE(sender.sent.empty());
  EXPECT_EQ(tu.requests.size(), 1U);
  tu.requests[0]->respond(200, "OK", "tt");
  layer.on_message(received(request("OPTIONS")));
  EXPECT_EQ(sender.count("SIP/2.0 200"), 2U);
  timers.advance(32s);  // timer J
  EXPECT_EQ(layer.server_count(), 0U);
}

TEST_F(Fixture, CancelGets200AndInvite487) {
  layer.on_message(received(request("INVITE")));
  layer.on_message(received(request("CANCEL")));
  EXPECT_EQ(sender.count("SIP/2.0 200"), 1U);
  EXPECT_EQ(sender.count("SIP/2.0 487"), 1U);
  EXPECT_TRUE(tu.requests[0]->answered());
  layer.on_message(received(request("CANCEL", "z9hG4bKnone")));
  EXPECT_EQ(sender.count("SIP/2.0 481"), 1U);
}

TEST_F(Fixture, DroppedRequestAnswers500) {
  tu.keep = false;
  layer.on_message(received(request("INFO", "z9hG4bKinfo", "tt")));
  ASSERT_EQ(sender.sent.size(), 1U);
  EXPECT_EQ(sender.sent[0].start(), "SIP/2.0 500 Server Internal Error");
}

TEST_F(Fixture, Rfc2543RequestsMatchWithoutMagicCookie) {
  layer.on_message(received(request("INVITE", "old1")));
  layer.on_message(received(request("INVITE", "old1")));
  EXPECT_EQ(tu.requests.size(), 1U);
  tu.requests[0]->respond(486, "Busy Here", "tt");
  layer.on_message(received(request("ACK", "old1", "tt")));
  timers.advance(2s);
  EXPECT_EQ(sender.count("SIP/2.0 486"), 1U);  // the ACK matched: no timer G retransmissions
}

}  // namespace
}  // namespace parley::sip

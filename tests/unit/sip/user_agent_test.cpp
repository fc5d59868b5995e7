// UA core and INVITE sessions on a manual clock with a recording sender: UAS answer/ACK/BYE,
// 2xx retransmission and the no-ACK BYE, CANCEL, OPTIONS/481/405/422, re-INVITE and UPDATE,
// RFC 4028 refresh failure, UAC digest retry, ACK, CANCEL and BYE, server-side digest.
#include <gtest/gtest.h>

#include "sip/auth/digest.hpp"
#include "sip/ua/server_auth.hpp"
#include "sip/ua/user_agent.hpp"
#include "sip_test_util.hpp"

namespace parley::sip {
namespace {

using namespace std::chrono_literals;
using test::FakeSender;
using test::received;
using test::request;
using test::response_to;

constexpr std::string_view kOffer = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

struct Recorder : CallEvents {
  std::vector<std::string> log;
  std::optional<std::string> answer;
  void on_ack(std::string_view) override { log.push_back("ack"); }
  void on_cancel() override { log.push_back("cancel"); }
  void on_bye() override { log.push_back("bye"); }
  std::optional<std::string> on_reinvite(std::string_view) override { log.push_back("reinvite"); return answer; }
  void on_info(std::string_view ct, std::string_view body) override { log.push_back("info " + std::string(ct) + " " + std::string(body)); }
  void on_refresh_failure() override { log.push_back("refresh_failure"); }
  void on_transfer(int s) override { log.push_back("transfer " + std::to_string(s)); }
  void on_progress(int s, std::string_view) override { log.push_back("progress " + std::to_string(s)); }
  void on_answered(std::string_view) override { log.push_back("answered"); }
  void on_failed(int s, std::string_view) override { log.push_back("failed " + std::to_string(s)); }
  void on_terminated(EndReason r) override { log.push_back("terminated " + std::string(to_string(r))); }
};

struct Handler : CallHandler {
  std::vector<std::shared_ptr<IncomingCall>> calls;
  Recorder events;
  void on_invite(std::shared_ptr<IncomingCall> call) override {
    call->set_listener(&events);
    calls.push_back(std::move(call));
  }
};

struct UaFixture : ::testing::Test {
  FakeSender sender;
  TimerQueue timers;
  std::unique_ptr<UserAgent> ua;
  TransactionLayer layer{sender, timers, TimerConfig{}, *this->forward()};

  struct Forward : TransactionUser {
    UserAgent* ua = nullptr;
    void on_request(std::shared_ptr<IncomingRequest> r) override { ua->on_request(std::move(r)); }
    void on_ack(const Inbound& a) override { ua->on_ack(a); }
    void on_stray_response(const Inbound& r) override { ua->on_stray_response(r); }
  } fwd;
  TransactionUser* forward() { return &fwd; }
  Handler handler;  // calls go before the user agent and the layer they use

  void SetUp() override {
    ua = std::make_unique<UserAgent>(layer, SessionSettings{}, handler);
    fwd.ua = ua.get();
  }
  void deliver(const std::string& bytes) { layer.on_message(received(bytes)); }
  std::string to_tag_of_last() { return std::string(*sender.last()->message.to().tag()); }
};

TEST_F(UaFixture, UasAnswerAckBye) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  ASSERT_EQ(handler.calls.size(), 1U);
  handler.calls[0]->ringing();
  EXPECT_EQ(sender.last()->message.status(), 180);
  handler.calls[0]->accept("v=0\r\n");
  auto ok = sender.last();
  EXPECT_EQ(ok->message.status(), 200);
  EXPECT_EQ(ok->message.body(), "v=0\r\n");
  ASSERT_TRUE(ok->message.contacts());
  EXPECT_EQ(ok->message.contacts()->at(0).address.uri.raw, "sip:parley@127.0.0.1:5060");
  const std::string tag = to_tag_of_last();
  timers.advance(1500ms);  // s13.3.1.4: 2xx retransmitted at T1, 2T1
  EXPECT_EQ(sender.count("SIP/2.0 200"), 3U);
  deliver(request("ACK", "z9hG4bKa1", tag));
  timers.advance(10s);
  EXPECT_EQ(sender.count("SIP/2.0 200"), 3U);
  deliver(request("INFO", "z9hG4bKn1", tag, 2, "Signal=5\r\nDuration=160\r\n"));
  deliver(request("BYE", "z9hG4bKb1", tag, 3));
  EXPECT_EQ(sender.last()->message.status(), 200);
  EXPECT_EQ(handler.events.log, (std::vector<std::string>{"ack", "info application/sdp Signal=5\r\nDuration=160\r\n", "bye",
                                                          "terminated remote_bye"}));
  EXPECT_EQ(ua->dialog_count(), 0U);
}

TEST_F(UaFixture, DialogResponsesCopyRecordRouteInOrder) {
  // s12.1.1: the 18x and 2xx carry the INVITE's Record-Route values, so the caller's ACK and BYE
  // come back through its proxies; our own BYE follows them as the route set.
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer,
                  "Record-Route: <sip:edge.test;lr>\r\nRecord-Route: <sip:core.test;lr>, <sip:inner.test;lr>\r\n"));
  handler.calls[0]->ringing();
  handler.calls[0]->accept("v=0\r\n");
  for (auto response : {sender.parsed(sender.sent.size() - 2), sender.last()}) {
    auto rr = response->message.values(HeaderId::record_route);
    ASSERT_TRUE(rr);
    EXPECT_EQ(*rr, (std::vector<std::string_view>{"<sip:edge.test;lr>", "<sip:core.test;lr>", "<sip:inner.test;lr>"}))
        << response->bytes;
  }
  const std::string tag = to_tag_of_last();
  deliver(request("ACK", "z9hG4bKa1", tag));
  handler.calls[0]->hangup();
  auto bye = sender.last();
  ASSERT_EQ(bye->message.method(), "BYE");
  auto routes = bye->message.values(HeaderId::route);
  ASSERT_TRUE(routes);
  EXPECT_EQ(*routes, (std::vector<std::string_view>{"<sip:edge.test;lr>", "<sip:core.test;lr>", "<sip:inner.test;lr>"}));
}

TEST_F(UaFixture, HangupBeforeAckWaitsForTheAck) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  handler.calls[0]->accept("v=0\r\n");
  const std::string tag = to_tag_of_last();
  handler.calls[0]->hangup();
  EXPECT_EQ(sender.count("BYE"), 0U);
  deliver(request("ACK", "z9hG4bKa1", tag));
  EXPECT_EQ(sender.count("BYE"), 1U);
  EXPECT_EQ(handler.events.log, (std::vector<std::string>{"ack", "terminated local_hangup"}));
}

TEST_F(UaFixture, NoAckMeansBye) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  handler.calls[0]->accept("v=0\r\n");
  timers.advance(32s);
  EXPECT_EQ(sender.count("BYE"), 1U);
  EXPECT_EQ(handler.events.log, (std::vector<std::string>{"terminated no_ack"}));
}

TEST_F(UaFixture, CancelBeforeAnswer) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  handler.calls[0]->ringing();
  deliver(request("CANCEL", "z9hG4bKi1"));
  EXPECT_EQ(sender.count("SIP/2.0 200"), 1U);
  EXPECT_EQ(sender.count("SIP/2.0 487"), 1U);
  EXPECT_EQ(handler.events.log, (std::vector<std::string>{"cancel", "terminated cancelled"}));
}

TEST_F(UaFixture, OutOfDialogRequests) {
  deliver(request("OPTIONS", "z9hG4bKo1"));
  auto ok = sender.last();
  EXPECT_EQ(ok->message.status(), 200);
  ASSERT_NE(ok->message.find(HeaderId::allow), nullptr);
  EXPECT_NE(ok->message.find(HeaderId::allow)->value.find("INVITE"), std::string_view::npos);
  deliver(request("BYE", "z9hG4bKo2", "nosuch", 2));
  EXPECT_EQ(sender.last()->message.status(), 481);
  deliver(request("MESSAGE", "z9hG4bKo3"));
  EXPECT_EQ(sender.last()->message.status(), 405);
  deliver(request("INVITE", "z9hG4bKo4", {}, 1, kOffer, "Session-Expires: 30\r\n"));
  EXPECT_EQ(sender.last()->message.status(), 422);
  EXPECT_EQ(sender.last()->message.min_se().value(), 90U);
  deliver(request("INVITE", "z9hG4bKo5", {}, 1, kOffer, "Require: 100rel\r\n"));
  EXPECT_EQ(sender.last()->message.status(), 420);
  EXPECT_TRUE(handler.calls.empty());
}

TEST_F(UaFixture, DroppedCallAnswers500) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  handler.calls.clear();
  EXPECT_EQ(sender.last()->message.status(), 500);
}

TEST_F(UaFixture, ReinviteUpdateAndGlare) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  handler.calls[0]->accept("v=0\r\n");
  const std::string tag = to_tag_of_last();
  deliver(request("ACK", "z9hG4bKa1", tag));
  handler.events.answer = "v=0\r\ns=hold\r\n";
  deliver(request("INVITE", "z9hG4bKr1", tag, 2, kOffer));
  EXPECT_EQ(sender.last()->message.status(), 200);
  EXPECT_EQ(sender.last()->message.body(), "v=0\r\ns=hold\r\n");
  deliver(request("INVITE", "z9hG4bKr2", tag, 3, kOffer));  // the last one is not ACKed yet
  EXPECT_EQ(sender.last()->message.status(), 500);
  deliver(request("ACK", "z9hG4bKa2", tag, 2));
  handler.events.answer.reset();
  deliver(request("INVITE", "z9hG4bKr3", tag, 4, kOffer));
  EXPECT_EQ(sender.last()->message.status(), 488);
  handler.calls[0]->reinvite(std::string(kOffer));
  deliver(request("UPDATE", "z9hG4bKu1", tag, 5, kOffer));
  EXPECT_EQ(sender.last()->message.status(), 491);  // s14.2 glare
}

TEST_F(UaFixture, SessionTimerWithoutRefreshEndsTheCall) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer, "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n"));
  handler.calls[0]->accept("v=0\r\n");
  auto ok = sender.last();
  ASSERT_TRUE(ok->message.session_expires() && *ok->message.session_expires());
  EXPECT_EQ((*ok->message.session_expires())->delta, 90U);
  EXPECT_EQ((*ok->message.session_expires())->refresher, Refresher::uac);
  deliver(request("ACK", "z9hG4bKa1", to_tag_of_last()));
  timers.advance(59s);
  EXPECT_EQ(sender.count("BYE"), 0U);
  timers.advance(1s);  // 90 - min(32, 90/3)
  EXPECT_EQ(sender.count("BYE"), 1U);
  EXPECT_EQ(handler.events.log, (std::vector<std::string>{"ack", "refresh_failure", "terminated refresh_failure"}));
}

TEST_F(UaFixture, SessionTimerRefreshedByUs) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer, "Allow: INVITE, ACK, BYE, UPDATE\r\n"));
  handler.calls[0]->accept("v=0\r\n");
  EXPECT_EQ((*sender.last()->message.session_expires())->refresher, Refresher::uas);  // UAC without timer support
  deliver(request("ACK", "z9hG4bKa1", to_tag_of_last()));
  timers.advance(900s);  // half of 1800
  ASSERT_EQ(sender.count("UPDATE"), 1U);
  auto update = sender.last();
  EXPECT_EQ(update->message.request_uri().raw, "sip:caller@127.0.0.1:5070");
  layer.on_message(received(response_to(update->bytes, 200, "OK")));
  timers.advance(900s);
  EXPECT_EQ(sender.count("UPDATE"), 2U);
}

TEST_F(UaFixture, ReferAndNotifyProgressThenHangup) {
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  handler.calls[0]->accept("v=0\r\n");
  const std::string tag = to_tag_of_last();
  deliver(request("ACK", "z9hG4bKa1", tag));
  handler.calls[0]->refer("sip:agent@127.0.0.1:5080");
  auto refer = sender.last();
  ASSERT_EQ(refer->message.method(), "REFER");
  ASSERT_TRUE(refer->message.refer_to() && *refer->message.refer_to());
  EXPECT_EQ((*refer->message.refer_to())->uri.raw, "sip:agent@127.0.0.1:5080");
  EXPECT_EQ(refer->message.to().tag(), "ftag");  // in-dialog: the caller's tag is the remote tag
  layer.on_message(received(response_to(refer->bytes, 202, "Accepted")));
  std::string notify = request("NOTIFY", "z9hG4bKn1", tag, 2, {}, "Event: refer\r\nSubscription-State: terminated\r\n");
  notify.replace(notify.find("Content-Length: 0\r\n\r\n"), 21,
                 "Content-Type: message/sipfrag\r\nContent-Length: 16\r\n\r\nSIP/2.0 200 OK\r\n");
  deliver(notify);
  EXPECT_EQ(sender.last()->message.status(), 200);
  deliver(request("NOTIFY", "z9hG4bKn2", tag, 3, {}, "Event: presence\r\n"));
  EXPECT_EQ(sender.last()->message.status(), 489);
  deliver(request("UPDATE", "z9hG4bKu1", tag, 4, kOffer));  // no answer from the listener
  EXPECT_EQ(sender.last()->message.status(), 488);
  handler.calls[0]->hangup();
  EXPECT_EQ(sender.last()->message.method(), "BYE");
  EXPECT_EQ(sender.last()->message.request_uri().raw, "sip:caller@127.0.0.1:5070");
  EXPECT_EQ(handler.events.log, (std::vector<std::string>{"ack", "transfer 202", "transfer 200", "terminated local_hangup"}));
}

struct Reply {  // a UAC test helper: the last request we sent, answered
  static std::string challenge() {
    return "Digest realm=\"r\", nonce=\"abc\", qop=\"auth\", algorithm=SHA-256";
  }
};

TEST_F(UaFixture, UacDigestRetryAnswerAckBye) {
  Recorder events;
  auto call = ua->dial(DialRequest{.request_uri = "sip:bob@127.0.0.1:5070", .from_uri = "sip:alice@127.0.0.1",
                                   .p_asserted_identity = "<sip:+15550001@127.0.0.1>",
                                   .sdp_offer = std::string(kOffer), .auth_username = "alice", .auth_password = "pw"},
                       &events);
  ASSERT_TRUE(call);
  auto invite = sender.last();
  ASSERT_EQ(invite->message.method(), "INVITE");
  EXPECT_NE(invite->message.find(HeaderId::p_asserted_identity), nullptr);
  std::string unauthorized = response_to(invite->bytes, 401, "Unauthorized");
  unauthorized.insert(unauthorized.find("Content-Length"), "WWW-Authenticate: " + Reply::challenge() + "\r\n");
  layer.on_message(received(unauthorized));
  EXPECT_EQ(sender.count("ACK"), 1U);  // the 401 is ACKed by the transaction
  auto retry = sender.last();
  ASSERT_EQ(retry->message.method(), "INVITE");
  EXPECT_EQ(retry->message.cseq().number, 2U);
  auto creds = auth::parse_credentials(retry->message.find(HeaderId::authorization)->value);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->algorithm, auth::DigestAlgorithm::sha256);
  layer.on_message(received(response_to(retry->bytes, 180, "Ringing")));
  layer.on_message(received(response_to(retry->bytes, 200, "OK")));
  EXPECT_EQ(sender.count("ACK"), 2U);
  auto ack = sender.last();
  EXPECT_EQ(ack->message.request_uri().raw, "sip:peer@127.0.0.1:5070");  // the Contact (s12.1.2)
  EXPECT_EQ(ack->message.cseq().number, 2U);
  layer.on_message(received(response_to(retry->bytes, 200, "OK")));  // retransmitted 2xx: ACK again
  EXPECT_EQ(sender.count("ACK"), 3U);
  (*call)->hangup();
  EXPECT_EQ(sender.last()->message.method(), "BYE");
  EXPECT_EQ(sender.last()->message.cseq().number, 3U);
  EXPECT_EQ(events.log, (std::vector<std::string>{"progress 180", "answered", "terminated local_hangup"}));
}

TEST_F(UaFixture, UacCancelAfterProvisional) {
  Recorder events;
  auto call = ua->dial(DialRequest{.request_uri = "sip:bob@127.0.0.1:5070", .from_uri = "sip:alice@127.0.0.1",
                                   .sdp_offer = std::string(kOffer)},
                       &events);
  ASSERT_TRUE(call);
  auto invite = sender.last();
  (*call)->cancel();
  EXPECT_EQ(sender.count("CANCEL"), 0U);  // s9.1: not before a provisional
  layer.on_message(received(response_to(invite->bytes, 180, "Ringing")));
  ASSERT_EQ(sender.count("CANCEL"), 1U);
  EXPECT_EQ(sender.last()->message.top_via().branch(), invite->message.top_via().branch());
  layer.on_message(received(response_to(invite->bytes, 487, "Request Terminated")));
  EXPECT_EQ(events.log, (std::vector<std::string>{"failed 487", "terminated cancelled"}));
}

TEST_F(UaFixture, UacRingTimeoutCancels) {
  Recorder events;
  auto call = ua->dial(DialRequest{.request_uri = "sip:bob@127.0.0.1:5070", .from_uri = "sip:alice@127.0.0.1",
                                   .sdp_offer = std::string(kOffer), .ring_timeout = 5s},
                       &events);
  auto invite = sender.parsed(0);
  layer.on_message(received(response_to(invite->bytes, 180, "Ringing")));
  timers.advance(5s);
  EXPECT_EQ(sender.count("CANCEL"), 1U);
}

TEST_F(UaFixture, UacResolvesTheOutboundProxyName) {
  Recorder events;
  auto call = ua->dial(DialRequest{.request_uri = "sip:+15551234@carrier.example", .from_uri = "sip:alice@127.0.0.1",
                                   .outbound_proxy = "sip:trunk.test:5080;transport=tcp", .sdp_offer = std::string(kOffer)},
                       &events);
  ASSERT_TRUE(call);
  EXPECT_EQ(sender.sent.back().to, test::peer("192.0.2.9", 5080, Transport::tcp));
  EXPECT_EQ(sender.last()->message.find(HeaderId::route)->value, "<sip:trunk.test:5080;transport=tcp;lr>");
  auto unknown = ua->dial(DialRequest{.request_uri = "sip:bob@nowhere.test", .from_uri = "sip:alice@127.0.0.1"}, &events);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(events.log, (std::vector<std::string>{"failed 503", "terminated rejected"}));
}

TEST_F(UaFixture, UacLargeInviteGoesOverTcp) {
  Recorder events;
  auto call = ua->dial(DialRequest{.request_uri = "sip:bob@127.0.0.1:5070", .from_uri = "sip:alice@127.0.0.1",
                                   .sdp_offer = std::string(kOffer) + std::string(1200, 'a') + "\r\n"},
                       &events);
  ASSERT_TRUE(call);
  EXPECT_EQ(sender.sent.back().to.transport, Transport::tcp);  // RFC 3261 s18.1.1
  EXPECT_EQ(sender.last()->message.top_via().transport, "TCP");
}

TEST_F(UaFixture, ServerAuthChallengesAndVerifies) {
  ServerAuth auth("parley", std::string(32, 'k'));
  auto lookup = [](std::string_view user) -> std::optional<std::string> {
    return user == "trunk" ? std::optional<std::string>("secret") : std::nullopt;
  };
  deliver(request("INVITE", "z9hG4bKi1", {}, 1, kOffer));
  EXPECT_FALSE(auth.authorize(*handler.calls[0], lookup));
  auto challenge = sender.last();
  EXPECT_EQ(challenge->message.status(), 401);
  ASSERT_EQ(challenge->message.count(HeaderId::www_authenticate), 2U);
  auto sha = auth::parse_challenge(challenge->message.find(HeaderId::www_authenticate)->value);
  ASSERT_TRUE(sha);
  EXPECT_EQ(sha->algorithm, auth::DigestAlgorithm::sha256);
  for (const std::string password : {"wrong", "secret"}) {
    const std::string value = auth::build_authorization(*sha, "trunk", password,
                                                        auth::DigestRequest{"INVITE", "sip:svc@127.0.0.1:5060"});
    const std::string branch = "z9hG4bK" + password;
    deliver(request("INVITE", branch, {}, 2, kOffer, "Authorization: " + value + "\r\n"));
    const bool ok = auth.authorize(*handler.calls.back(), lookup);
    EXPECT_EQ(ok, password == "secret");
    if (!ok) {
      EXPECT_EQ(sender.last()->message.status(), 401);
    }
  }
}

TEST_F(UaFixture, ServerAuthUsesTheSpaceItIsGiven) {
  ServerAuth auth("default.example", std::string(32, 'k'));
  const auth::DigestAlgorithm md5_only[] = {auth::DigestAlgorithm::md5};
  const ServerAuth::Space space{"pbx.example", md5_only};
  auto lookup = [](std::string_view user) -> std::optional<std::string> {
    return user == "trunk" ? std::optional<std::string>("secret") : std::nullopt;
  };
  deliver(request("INVITE", "z9hG4bKs1", {}, 1, kOffer));
  EXPECT_FALSE(auth.authorize(*handler.calls[0], space, lookup));
  ASSERT_EQ(sender.last()->message.count(HeaderId::www_authenticate), 1U);
  auto md5 = auth::parse_challenge(sender.last()->message.find(HeaderId::www_authenticate)->value);
  ASSERT_TRUE(md5);
  EXPECT_EQ(md5->realm, "pbx.example");
  EXPECT_EQ(md5->algorithm, auth::DigestAlgorithm::md5);

  // SHA-256 credentials for the right password are refused where only MD5 is offered.
  auto sha = *md5;
  sha.algorithm = auth::DigestAlgorithm::sha256;
  const auth::DigestRequest invite{"INVITE", "sip:svc@127.0.0.1:5060"};
  deliver(request("INVITE", "z9hG4bKs2", {}, 2, kOffer,
                  "Authorization: " + auth::build_authorization(sha, "trunk", "secret", invite) + "\r\n"));
  EXPECT_FALSE(auth.authorize(*handler.calls.back(), space, lookup));
  deliver(request("INVITE", "z9hG4bKs3", {}, 3, kOffer,
                  "Authorization: " + auth::build_authorization(*md5, "trunk", "secret", invite) + "\r\n"));
  EXPECT_TRUE(auth.authorize(*handler.calls.back(), space, lookup));
  // The same nonce with a higher count is fine; that count again is a replay.
  deliver(request("INVITE", "z9hG4bKs4", {}, 4, kOffer,
                  "Authorization: " + auth::build_authorization(*md5, "trunk", "secret", invite, 2) + "\r\n"));
  EXPECT_TRUE(auth.authorize(*handler.calls.back(), space, lookup));
  deliver(request("INVITE", "z9hG4bKs5", {}, 5, kOffer,
                  "Authorization: " + auth::build_authorization(*md5, "trunk", "secret", invite, 2) + "\r\n"));
  EXPECT_FALSE(auth.authorize(*handler.calls.back(), space, lookup)) << "nc 2 of this nonce was used";
}

}  // namespace
}  // namespace parley::sip

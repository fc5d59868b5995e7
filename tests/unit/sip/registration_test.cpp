// The REGISTER client on a manual clock with a recording sender: request shape (AoR, Contact,
// Expires, Call-ID and CSeq), digest answers (nonce reuse, stale, wrong password), 423,
// refresh timing, backoff with jitter, Retry-After, transport failures, un-REGISTER.
#include <gtest/gtest.h>

#include "sip/auth/digest.hpp"
#include "sip/registration/registration_client.hpp"
#include "sip_test_util.hpp"

namespace parley::sip {
namespace {

using namespace std::chrono_literals;
using test::FakeSender;
using test::received;

struct NoUser : TransactionUser {
  void on_request(std::shared_ptr<IncomingRequest>) override {}
  void on_ack(const Inbound&) override {}
  void on_stray_response(const Inbound&) override {}
};

// A response to the last REGISTER sent, with extra header lines.
std::string answer(const Inbound& req, int status, std::string_view reason, std::string_view extra = {}) {
  const Message& m = req->message;
  std::string r = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& h : m.headers()) {
    if (h.id == HeaderId::via || h.id == HeaderId::from || h.id == HeaderId::call_id || h.id == HeaderId::cseq) {
      r += std::string(h.name) + ": " + std::string(h.value) + "\r\n";
    }
  }
  r += "To: " + std::string(m.find(HeaderId::to)->value) + ";tag=reg1\r\n";
  r += extra;
  return r + "Content-Length: 0\r\n\r\n";
}

const std::string kChallenge = "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"n1\", qop=\"auth\", algorithm=MD5\r\n";

struct RegistrationTest : ::testing::Test {
  FakeSender sender;
  TimerQueue timers;
  NoUser user;
  TransactionLayer layer{sender, timers, TimerConfig{}, user};
  std::vector<RegistrationStatus> statuses;
  std::shared_ptr<RegistrationClient> client;

  RegistrationConfig config() {
    RegistrationConfig c;
    c.registrar_host = "192.0.2.10";
    c.registrar_port = 5080;
    c.domain = "example.test";
    c.username = "alice";
    c.password = "s3cret";
    c.expires = 600;
    c.contact_user = "pbtoken";
    c.user_agent = "Parley/test";
    c.retry = RetryPolicy{10s, 80s};
    return c;
  }
  void start(RegistrationConfig c) {
    client = RegistrationClient::create(layer, std::move(c), [this](const RegistrationStatus& s) { statuses.push_back(s); });
    client->start();
  }
  void start() { start(config()); }
  Inbound last() { return sender.last(); }
  void reply(int status, std::string_view reason, std::string_view extra = {}) {
    layer.on_message(received(answer(last(), status, reason, extra), *make_peer("192.0.2.10", 5080, Transport::udp)));
  }
  void ok(std::string_view contact_expires = "300") {
    reply(200, "OK", "Contact: <sip:pbtoken@127.0.0.1:5060>;expires=" + std::string(contact_expires) + "\r\n");
  }
  std::size_t registers() const { return sender.count("REGISTER "); }
};

TEST_F(RegistrationTest, RegistersTheContactForTheAddressOfRecord) {
  start();
  ASSERT_EQ(registers(), 1U);
  auto reg = last();
  const Message& m = reg->message;
  EXPECT_EQ(m.request_uri().raw, "sip:example.test");  // s10.2: the domain, no user
  EXPECT_EQ(m.to().uri.raw, "sip:alice@example.test");
  EXPECT_EQ(m.from().uri.raw, "sip:alice@example.test");
  EXPECT_TRUE(m.from().tag());
  EXPECT_EQ(m.cseq().number, 1U);
  ASSERT_TRUE(m.contacts());
  EXPECT_EQ(m.contacts()->at(0).address.uri.raw, "sip:pbtoken@127.0.0.1:5060");
  EXPECT_EQ(*m.expires().value(), 600U);
  EXPECT_EQ(sender.sent.back().to, *make_peer("192.0.2.10", 5080, Transport::udp));
  ASSERT_EQ(statuses.size(), 1U);
  EXPECT_EQ(statuses[0].state, RegistrationState::registering);
}

TEST_F(RegistrationTest, AnswersTheChallengeAndReusesTheNonceOnRefresh) {
  start();
  const std::string call_id(last()->message.call_id());
  reply(401, "Unauthorized", kChallenge);
  ASSERT_EQ(registers(), 2U);
  auto second = last();
  EXPECT_EQ(second->message.call_id(), call_id);  // s10.2.4: same Call-ID, CSeq + 1
  EXPECT_EQ(second->message.cseq().number, 2U);
  const Header* authz = second->message.find(HeaderId::authorization);
  ASSERT_NE(authz, nullptr);
  auto creds = auth::parse_credentials(authz->value);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->username, "alice");
  EXPECT_EQ(creds->uri, "sip:example.test");
  EXPECT_EQ(creds->nc, "00000001");
  const std::string ha1 = auth::compute_ha1(auth::DigestAlgorithm::md5, "alice", "example.test", "s3cret");
  EXPECT_EQ(creds->response, auth::compute_response(auth::DigestAlgorithm::md5, ha1, "n1", creds->nc, creds->cnonce, "auth",
                                                    {"REGISTER", "sip:example.test"}));
  ok("300");
  ASSERT_EQ(statuses.back().state, RegistrationState::registered);
  ASSERT_TRUE(statuses.back().expires_at);
  const auto left = *statuses.back().expires_at - core::now_utc();
  EXPECT_GT(left, 299s);
  EXPECT_LE(left, 300s);

  // Refresh 60 s before the granted 300 s run out, with nc 2 on the same nonce.
  timers.advance(239s);
  EXPECT_EQ(registers(), 2U);
  timers.advance(1s);
  ASSERT_EQ(registers(), 3U);
  auto refresh = last();
  EXPECT_EQ(refresh->message.call_id(), call_id);
  EXPECT_EQ(refresh->message.cseq().number, 3U);
  EXPECT_EQ(auth::parse_credentials(refresh->message.find(HeaderId::authorization)->value)->nc, "00000002");
  ok("300");
  EXPECT_EQ(statuses.back().state, RegistrationState::registered);
}

TEST_F(RegistrationTest, ACachedNonceRefusedGetsOneFreshAnswer) {
  start();
  reply(401, "Unauthorized", kChallenge);
  ok();
  timers.advance(240s);  // the refresh carries the cached nonce
  reply(401, "Unauthorized", kChallenge);
  EXPECT_EQ(registers(), 4U);  // answered freshly, not given up
  ok();
  EXPECT_EQ(statuses.back().state, RegistrationState::registered);
}

TEST_F(RegistrationTest, WrongPasswordFailsWithTheReasonAndBacksOff) {
  start();
  reply(401, "Unauthorized", kChallenge);
  reply(401, "Unauthorized", kChallenge);  // the fresh credentials were refused
  EXPECT_EQ(registers(), 2U);
  ASSERT_EQ(statuses.back().state, RegistrationState::failed);
  EXPECT_NE(statuses.back().last_error.find("401 Unauthorized"), std::string::npos);
  EXPECT_NE(statuses.back().last_error.find("credentials rejected"), std::string::npos);
  ASSERT_TRUE(statuses.back().retry_in);
  EXPECT_GE(*statuses.back().retry_in, 5s);  // first wait: 50-100% of the 10 s base
  EXPECT_LE(*statuses.back().retry_in, 10s);
  timers.advance(*statuses.back().retry_in);
  EXPECT_EQ(registers(), 3U);
  EXPECT_EQ(last()->message.find(HeaderId::authorization), nullptr) << "a new cycle starts without stale credentials";
}

TEST_F(RegistrationTest, StaleNonceIsAnsweredAgain) {
  start();
  reply(401, "Unauthorized", kChallenge);
  reply(401, "Unauthorized",
        "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"n2\", qop=\"auth\", stale=true\r\n");
  ASSERT_EQ(registers(), 3U);
  EXPECT_EQ(auth::parse_credentials(last()->message.find(HeaderId::authorization)->value)->nonce, "n2");
  ok();
  EXPECT_EQ(statuses.back().state, RegistrationState::registered);
}

TEST_F(RegistrationTest, ProxyChallengeIsAnsweredInProxyAuthorization) {
  start();
  reply(407, "Proxy Authentication Required",
        "Proxy-Authenticate: Digest realm=\"p\", nonce=\"x\", algorithm=SHA-256, qop=\"auth\"\r\n");
  ASSERT_NE(last()->message.find(HeaderId::proxy_authorization), nullptr);
  EXPECT_EQ(auth::parse_credentials(last()->message.find(HeaderId::proxy_authorization)->value)->algorithm,
            auth::DigestAlgorithm::sha256);
}

TEST_F(RegistrationTest, IntervalTooBriefAsksAgainWithMinExpires) {
  start();
  reply(423, "Interval Too Brief", "Min-Expires: 1800\r\n");
  ASSERT_EQ(registers(), 2U);
  EXPECT_EQ(*last()->message.expires().value(), 1800U);
  reply(200, "OK", "Expires: 1800\r\n");  // no Contact list: the Expires header is the grant
  EXPECT_EQ(statuses.back().state, RegistrationState::registered);
  timers.advance(1739s);
  EXPECT_EQ(registers(), 2U);
  timers.advance(1s);
  EXPECT_EQ(registers(), 3U);
  EXPECT_EQ(*last()->message.expires().value(), 1800U) << "the raised interval is kept";
}

TEST_F(RegistrationTest, IntervalTooBriefWithoutMinExpiresFails) {
  start();
  reply(423, "Interval Too Brief");
  EXPECT_EQ(registers(), 1U);
  EXPECT_EQ(statuses.back().state, RegistrationState::failed);
  EXPECT_NE(statuses.back().last_error.find("Min-Expires"), std::string::npos);
}

TEST_F(RegistrationTest, ShortGrantsRefreshAtHalfTime) {
  start();
  ok("4");
  timers.advance(1999ms);
  EXPECT_EQ(registers(), 1U);
  timers.advance(1ms);
  EXPECT_EQ(registers(), 2U);
}

TEST_F(RegistrationTest, BackoffDoublesWithJitterUpToTheCapAndResetsOnSuccess) {
  start();
  std::vector<std::chrono::milliseconds> waits;
  for (int i = 0; i < 6; ++i) {
    reply(503, "Service Unavailable");
    ASSERT_EQ(statuses.back().state, RegistrationState::failed);
    waits.push_back(*statuses.back().retry_in);
    timers.advance(waits.back());
  }
  const std::chrono::milliseconds caps[] = {10s, 20s, 40s, 80s, 80s, 80s};
  for (std::size_t i = 0; i < waits.size(); ++i) {
    EXPECT_GE(waits[i], caps[i] / 2) << i;
    EXPECT_LE(waits[i], caps[i]) << i;
  }
  ok();
  EXPECT_EQ(statuses.back().state, RegistrationState::registered);
  EXPECT_FALSE(statuses.back().retry_in);
  timers.advance(240s);
  reply(500, "Server Internal Error");
  EXPECT_LE(*statuses.back().retry_in, 10s) << "a success resets the backoff";
}

TEST_F(RegistrationTest, RetryAfterIsHonoured) {
  start();
  reply(503, "Service Unavailable", "Retry-After: 120 (maintenance)\r\n");
  EXPECT_EQ(*statuses.back().retry_in, 120s);
}

TEST_F(RegistrationTest, NoResponseIsATimeoutFailure) {
  start();
  timers.advance(32s);  // timer F: 64*T1
  ASSERT_EQ(statuses.back().state, RegistrationState::failed);
  EXPECT_NE(statuses.back().last_error.find("no response from the registrar at udp:192.0.2.10:5080"), std::string::npos);
}

TEST_F(RegistrationTest, TransportFailureIsReportedAsUnreachable) {
  auto c = config();
  c.transport = Transport::tcp;
  start(c);
  sender.fail(*make_peer("192.0.2.10", 5080, Transport::tcp));
  ASSERT_EQ(statuses.back().state, RegistrationState::failed);
  EXPECT_NE(statuses.back().last_error.find("cannot reach the registrar at tcp:192.0.2.10:5080"), std::string::npos);
}

TEST_F(RegistrationTest, UnresolvableRegistrarFails) {
  auto c = config();
  c.registrar_host = "nowhere.invalid";
  start(c);
  EXPECT_EQ(registers(), 0U);
  EXPECT_EQ(statuses.back().state, RegistrationState::failed);
  EXPECT_NE(statuses.back().last_error.find("does not resolve"), std::string::npos);
}

TEST_F(RegistrationTest, AZeroGrantIsAFailure) {
  start();
  ok("0");
  EXPECT_EQ(statuses.back().state, RegistrationState::failed);
}

TEST_F(RegistrationTest, StopRemovesTheBindingWithExpiresZero) {
  start();
  reply(401, "Unauthorized", kChallenge);
  ok();
  bool done = false;
  const auto before = statuses.size();
  client->stop(2s, [&] { done = true; });
  ASSERT_EQ(registers(), 3U);
  auto unreg = last();
  EXPECT_EQ(*unreg->message.expires().value(), 0U);
  EXPECT_EQ(unreg->message.contacts()->at(0).address.uri.raw, "sip:pbtoken@127.0.0.1:5060");
  EXPECT_NE(unreg->message.find(HeaderId::authorization), nullptr);
  client.reset();  // the un-REGISTER keeps itself alive
  EXPECT_FALSE(done);
  layer.on_message(received(answer(unreg, 200, "OK"), *make_peer("192.0.2.10", 5080, Transport::udp)));
  EXPECT_TRUE(done);
  EXPECT_EQ(statuses.size(), before) << "no status after stop";
  timers.advance(1h);
  EXPECT_EQ(registers(), 3U) << "nothing after the stop";
}

TEST_F(RegistrationTest, StopAnswersAChallengeToTheUnRegister) {
  start();
  ok();
  bool done = false;
  client->stop(2s, [&] { done = true; });
  reply(401, "Unauthorized", kChallenge);
  ASSERT_EQ(registers(), 3U);
  EXPECT_EQ(*last()->message.expires().value(), 0U);
  EXPECT_NE(last()->message.find(HeaderId::authorization), nullptr);
  reply(200, "OK");
  EXPECT_TRUE(done);
}

TEST_F(RegistrationTest, StopGivesUpAtItsDeadline) {
  start();
  ok();
  bool done = false;
  client->stop(2s, [&] { done = true; });
  timers.advance(1999ms);
  EXPECT_FALSE(done);
  timers.advance(1ms);
  EXPECT_TRUE(done);
}

TEST_F(RegistrationTest, StopWithoutABindingSendsNothing) {
  auto c = config();
  c.registrar_host = "nowhere.invalid";
  start(c);
  bool done = false;
  client->stop(2s, [&] { done = true; });
  EXPECT_TRUE(done);
  EXPECT_EQ(registers(), 0U);
}

TEST_F(RegistrationTest, StreamFlowsAreKeptAliveWithCrlfPings) {
  auto c = config();
  c.transport = Transport::tcp;
  c.keepalive = 100s;
  start(c);
  ok("3600");
  timers.advance(100s);
  ASSERT_EQ(sender.sent.back().bytes, "\r\n\r\n");
  EXPECT_EQ(sender.sent.back().to.transport, Transport::tcp);
}

TEST(RegistrationTiming, RefreshAndBackoff) {
  EXPECT_EQ(refresh_delay(3600), 3540s);
  EXPECT_EQ(refresh_delay(60), 30s);
  EXPECT_EQ(refresh_delay(4), 2s);
  RetryPolicy p{30s, 1800s};
  EXPECT_EQ(backoff_delay(p, 1, 0.0), 15s);
  EXPECT_EQ(backoff_delay(p, 1, 0.999999), std::chrono::milliseconds(29999));
  EXPECT_EQ(backoff_delay(p, 3, 0.0), 60s);
  EXPECT_EQ(backoff_delay(p, 40, 0.0), 900s);
}

}  // namespace
}  // namespace parley::sip

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "net/io_runtime.hpp"
#include "net/websocket_client.hpp"
#include "support/python_peer.hpp"
#include "ws_recorder.hpp"

using namespace parley;
using namespace std::chrono_literals;
using test::PythonPeer;
using test::WsRecorder;

namespace {

const std::string kPeer = std::string(PARLEY_TEST_DIR) + "/unit/net/net_peer.py";

class WebSocketClientTest : public ::testing::Test {
 protected:
  WebSocketClientTest() : io_(1), client_(io_.at(0)) { io_.start(); }
  ~WebSocketClientTest() override { io_.stop(); }

  std::shared_ptr<net::WebSocketChannel> connect(const std::string& url, const std::shared_ptr<WsRecorder>& rec,
                                                 net::WebSocketConnectRequest req = {}) {
    req.url = url;
    return client_.connect(std::move(req), rec);
  }

  static PythonPeer& peer() {
    static PythonPeer p(kPeer);
    return p;
  }

  net::IoRuntime io_;
  net::WebSocketClient client_;
};

TEST_F(WebSocketClientTest, SendsUpgradeHeadersAndEchoesTextAndBinary) {
  auto rec = std::make_shared<WsRecorder>();
  net::WebSocketConnectRequest req;
  req.headers = {{"Authorization", "Token abc123"}};
  auto ch = connect(peer().url("ws", "/echo?model=nova-2&encoding=linear16"), rec, req);
  ch->send_text("queued before open");  // sends are queued until the upgrade completes
  ASSERT_TRUE(rec->wait_open()) << rec->wait_close(0ms)->error->message;
  ch->send_binary(std::string("\x00\x01\xff", 3));
  ASSERT_TRUE(rec->wait_messages(3));
  auto msgs = rec->messages();
  auto hello = boost::json::parse(msgs[0].data).as_object();
  EXPECT_FALSE(msgs[0].binary);
  EXPECT_EQ(hello.at("path").as_string(), "/echo?model=nova-2&encoding=linear16");
  EXPECT_EQ(hello.at("headers").as_object().at("Authorization").as_string(), "Token abc123");
  EXPECT_EQ(hello.at("headers").as_object().at("User-Agent").as_string(), "parley");
  EXPECT_EQ(msgs[1].data, "queued before open");
  EXPECT_FALSE(msgs[1].binary);
  EXPECT_EQ(msgs[2].data, std::string("\x00\x01\xff", 3));
  EXPECT_TRUE(msgs[2].binary);
  EXPECT_EQ(ch->upgrade_request().path, "/echo");
  ch->close(net::kWsNormalClosure, "done");
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->error) << (closed->error ? closed->error->message : "");
  EXPECT_EQ(closed->code, net::kWsNormalClosure);
}

TEST_F(WebSocketClientTest, ServerCloseReportsItsCodeAndReason) {
  auto rec = std::make_shared<WsRecorder>();
  auto ch = connect(peer().url("ws", "/close"), rec);
  ASSERT_TRUE(rec->wait_open());
  ch->send_text("anything");
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->error);
  EXPECT_EQ(closed->code, 4000);
  EXPECT_EQ(closed->reason, "bye");
  ch->send_text("after the close is ignored");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(rec->closes(), 1);
}

TEST_F(WebSocketClientTest, DeclinedUpgradeCarriesTheHttpAnswer) {
  auto rec = std::make_shared<WsRecorder>();
  connect(peer().url("ws", "/reject"), rec);
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed && closed->error);
  EXPECT_FALSE(rec->opened());
  ASSERT_EQ(closed->error->code, core::Errc::unauthorized) << closed->error->message;
  ASSERT_TRUE(closed->upgrade_response);
  EXPECT_EQ(closed->upgrade_response->status, 401);
  EXPECT_EQ(boost::json::parse(closed->upgrade_response->body).at("err_code").as_string(), "INVALID_AUTH");
}

TEST_F(WebSocketClientTest, MessageOverTheCapIsTooLarge) {
  auto rec = std::make_shared<WsRecorder>();
  net::WebSocketConnectRequest req;
  req.max_message_bytes = 64 << 10;
  connect(peer().url("ws", "/big"), rec, req);
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed && closed->error);
  EXPECT_EQ(closed->error->code, core::Errc::too_large) << closed->error->message;
  EXPECT_EQ(closed->code, net::kWsMessageTooBig);
  EXPECT_TRUE(rec->messages().empty());
}

TEST_F(WebSocketClientTest, SilentServerHitsTheIdleDeadline) {
  auto rec = std::make_shared<WsRecorder>();
  net::WebSocketConnectRequest req;
  req.idle_timeout = 400ms;
  auto start = std::chrono::steady_clock::now();
  connect(peer().url("ws", "/ws-stall", 1), rec, req);
  ASSERT_TRUE(rec->wait_open());
  auto closed = rec->wait_close(5s);
  ASSERT_TRUE(closed && closed->error);
  EXPECT_EQ(closed->error->code, core::Errc::timeout) << closed->error->message;
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 350ms);
  EXPECT_LT(took, 2s);
}

TEST_F(WebSocketClientTest, PingIsAnsweredWithAPong) {
  auto rec = std::make_shared<WsRecorder>();
  auto ch = connect(peer().url("ws", "/echo"), rec);
  ASSERT_TRUE(rec->wait_open());
  ch->ping("p-1");
  ASSERT_TRUE(rec->wait_pong());
  EXPECT_EQ(rec->pongs().front(), "p-1");
  ch->cancel();
}

TEST_F(WebSocketClientTest, CancelStopsEveryCallback) {
  auto rec = std::make_shared<WsRecorder>();
  auto ch = connect(peer().url("ws", "/echo"), rec);
  ASSERT_TRUE(rec->wait_open());
  ASSERT_TRUE(rec->wait_messages(1));
  ch->send_text("echo me");
  ch->cancel();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(rec->closes(), 0);
  EXPECT_LE(rec->messages().size(), 2u);
}

TEST_F(WebSocketClientTest, CancelWhileConnectingReportsNothing) {
  auto rec = std::make_shared<WsRecorder>();
  auto ch = connect(peer().url("ws", "/ws-stall", 1), rec);
  ch->cancel();
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(rec->opened());
  EXPECT_EQ(rec->closes(), 0);
}

TEST_F(WebSocketClientTest, ConnectDeadlineOnAnUnansweredUpgrade) {
  auto rec = std::make_shared<WsRecorder>();
  net::WebSocketConnectRequest req;
  req.connect_timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  connect(peer().url("ws", "/slow-head", 1), rec, req);
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed && closed->error);
  EXPECT_EQ(closed->error->code, core::Errc::timeout) << closed->error->message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(WebSocketClientTest, BadUrlIsAnInvalidArgument) {
  for (const char* url : {"http://127.0.0.1/x", "not a url", "ws://user:pw@127.0.0.1/"}) {
    auto rec = std::make_shared<WsRecorder>();
    connect(url, rec);
    auto closed = rec->wait_close();
    ASSERT_TRUE(closed && closed->error) << url;
    EXPECT_EQ(closed->error->code, core::Errc::invalid_argument) << url;
  }
}

// wss:// against a TLS server whose certificate (made here by openssl) is for 127.0.0.1.
class SecureWebSocketTest : public WebSocketClientTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("parley-wss-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
               "-keyout " + (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    tls_peer_ = new PythonPeer(kPeer, {"--tls", (dir_ / "cert.pem").string(), (dir_ / "key.pem").string()});
  }
  static void TearDownTestSuite() {
    delete tls_peer_;
    std::filesystem::remove_all(dir_);
  }
  static inline std::filesystem::path dir_;
  static inline PythonPeer* tls_peer_ = nullptr;
};

TEST_F(SecureWebSocketTest, TrustedCertificateOpens) {
  net::WebSocketClient trusting(io_.at(0), {.ca_file = (dir_ / "cert.pem").string()});
  auto rec = std::make_shared<WsRecorder>();
  auto ch = trusting.connect({.url = tls_peer_->url("wss", "/echo", 2)}, rec);
  ASSERT_TRUE(rec->wait_open()) << rec->wait_close(0ms)->error->message;
  ASSERT_TRUE(rec->wait_messages(1));
  ch->close();
  ASSERT_TRUE(rec->wait_close());
}

TEST_F(SecureWebSocketTest, UntrustedCertificateFailsTheHandshake) {
  auto rec = std::make_shared<WsRecorder>();
  connect(tls_peer_->url("wss", "/echo", 2), rec);
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed && closed->error);
  EXPECT_EQ(closed->error->code, core::Errc::unavailable);
  EXPECT_NE(closed->error->message.find("tls_handshake"), std::string::npos) << closed->error->message;
}

}  // namespace

#include <gtest/gtest.h>

#include <thread>

#include "core/worker_pool.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/websocket_client.hpp"
#include "support/python_peer.hpp"
#include "ws_recorder.hpp"

using namespace parley;
using namespace std::chrono_literals;

namespace {

// Server side: echoes every message; "close please" makes it close with 4001; remembers what it saw.
class EchoHandler : public net::WebSocketHandler {
 public:
  void on_open(std::shared_ptr<net::WebSocketChannel> channel) override {
    channel_ = std::move(channel);
    path = channel_->upgrade_request().path;
    token = std::string(channel_->upgrade_request().header("X-Token").value_or(""));
    io_thread = std::this_thread::get_id();
  }
  void on_message(net::WebSocketMessage m) override {
    if (std::this_thread::get_id() != io_thread) wrong_thread = true;
    if (m.data == "close please") return channel_->close(4001, "as you wish");
    if (m.binary) return channel_->send_binary(std::move(m.data));
    channel_->send_text(std::move(m.data));
  }
  void on_close(const net::WebSocketClose& c) override {
    last_close = c;
    closed = true;
    channel_.reset();
  }
  std::shared_ptr<net::WebSocketChannel> channel_;
  std::string path, token;
  std::thread::id io_thread;
  std::atomic<bool> wrong_thread{false}, closed{false};
  net::WebSocketClose last_close;
};

class WebSocketServerTest : public ::testing::Test {
 protected:
  WebSocketServerTest() : io_(2), client_io_(1), pool_(2, 64), http_(client_io_.at(0)), ws_(client_io_.at(0)) {
    net::HttpServerOptions opts;
    opts.port = 0;
    server_ = std::make_unique<net::HttpServer>(io_, pool_, opts, [](net::HttpRequest& req) {
      return net::HttpResponse{200, {}, "plain " + req.path, "text/plain"};
    });
    net::WebSocketRouteOptions limits;
    limits.max_message_bytes = 64 << 10;
    server_->add_websocket_route(
        "/voice/stream/",
        [this](net::HttpRequest& req) {
          seen_query = std::string(req.query_param("t").value_or(""));
          if (req.header("X-Token").value_or("") != "secret-1") {
            return net::WebSocketUpgrade{nullptr, {401, {}, net::json_error_body("unauthorized", "bad token")}};
          }
          handler = std::make_shared<EchoHandler>();
          return net::WebSocketUpgrade{handler};
        },
        limits);
    io_.start();
    client_io_.start();
    EXPECT_TRUE(server_->start());
  }
  ~WebSocketServerTest() override {
    server_->stop(500ms);
    pool_.stop();
    io_.stop();
    client_io_.stop();
  }
  std::string url(std::string scheme, std::string_view path) {
    return scheme + "://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }
  std::shared_ptr<net::WebSocketChannel> open(const std::shared_ptr<test::WsRecorder>& rec, std::string token = "secret-1") {
    return ws_.connect({.url = url("ws", "/voice/stream/call_1?t=abc"), .headers = {{"X-Token", token}}}, rec);
  }

  net::IoRuntime io_, client_io_;
  core::WorkerPool pool_;
  net::HttpClient http_;
  net::WebSocketClient ws_;
  std::unique_ptr<net::HttpServer> server_;
  std::shared_ptr<EchoHandler> handler;
  std::string seen_query;
};

TEST_F(WebSocketServerTest, UpgradedConnectionReachesTheHandlerOnItsIoThread) {
  auto rec = std::make_shared<test::WsRecorder>();
  auto ch = open(rec);
  ASSERT_TRUE(rec->wait_open()) << rec->wait_close(0ms)->error->message;
  ch->send_text("hi");
  ch->send_binary(std::string("\x01\x02", 2));
  ASSERT_TRUE(rec->wait_messages(2));
  EXPECT_EQ(rec->messages()[0].data, "hi");
  EXPECT_TRUE(rec->messages()[1].binary);
  EXPECT_EQ(handler->path, "/voice/stream/call_1");
  EXPECT_EQ(handler->token, "secret-1");
  EXPECT_EQ(seen_query, "abc");
  ch->send_text("close please");
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->error);
  EXPECT_EQ(closed->code, 4001);
  EXPECT_EQ(closed->reason, "as you wish");
  EXPECT_FALSE(handler->wrong_thread);
}

TEST_F(WebSocketServerTest, RefusedUpgradeIsAnHttpAnswer) {
  auto rec = std::make_shared<test::WsRecorder>();
  open(rec, "wrong");
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed && closed->upgrade_response);
  EXPECT_EQ(closed->upgrade_response->status, 401);
  EXPECT_NE(closed->upgrade_response->body.find("bad token"), std::string::npos);
}

TEST_F(WebSocketServerTest, PlainRequestsKeepWorking) {
  auto plain = http_.send({.method = "GET", .url = url("http", "/voice/agents")});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, "plain /voice/agents");
  auto to_ws_path = http_.send({.method = "GET", .url = url("http", "/voice/stream/call_1")});
  ASSERT_TRUE(to_ws_path);
  EXPECT_EQ(to_ws_path->status, 426);
  EXPECT_EQ(to_ws_path->header("Upgrade").value_or(""), "websocket");
  // An upgrade to a path without a WebSocket route is a plain request.
  auto rec = std::make_shared<test::WsRecorder>();
  ws_.connect({.url = url("ws", "/voice/agents")}, rec);
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed && closed->upgrade_response);
  EXPECT_EQ(closed->upgrade_response->status, 200);
}

TEST_F(WebSocketServerTest, MessageOverTheRouteLimitClosesWith1009) {
  auto rec = std::make_shared<test::WsRecorder>();
  auto ch = open(rec);
  ASSERT_TRUE(rec->wait_open());
  ch->send_binary(std::string(100 << 10, 'x'));
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed);
  // The server sends 1009 and drops the connection; a client still writing may see the reset first.
  bool reset = closed->error && closed->error->code == core::Errc::unavailable;
  EXPECT_TRUE(closed->code == net::kWsMessageTooBig || reset) << closed->code;
  for (int i = 0; i < 100 && !handler->closed; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(handler->closed);
  ASSERT_TRUE(handler->last_close.error);
  EXPECT_EQ(handler->last_close.error->code, core::Errc::too_large);
}

TEST_F(WebSocketServerTest, StopClosesOpenConnectionsWithGoingAway) {
  auto rec = std::make_shared<test::WsRecorder>();
  open(rec);
  ASSERT_TRUE(rec->wait_open());
  auto start = std::chrono::steady_clock::now();
  server_->stop(3s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  auto closed = rec->wait_close();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, net::kWsGoingAway);
  EXPECT_TRUE(handler->closed);
}

TEST_F(WebSocketServerTest, PythonWebSocketsClientInteroperates) {
  test::PythonPeer client(std::string(PARLEY_TEST_DIR) + "/unit/net/ws_client_peer.py", {url("ws", "/voice/stream/py")});
  EXPECT_EQ(client.read_line(), "TEXT hello parley");
  EXPECT_EQ(client.read_line(), "BINARY 0001feff");
  EXPECT_EQ(client.read_line(), "CLOSED 4001 as you wish");
}

}  // namespace

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <boost/asio/post.hpp>

#include <atomic>
#include <future>
#include <chrono>
#include <thread>

#include "core/worker_pool.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"

using namespace parley;
using namespace std::chrono_literals;

namespace {

// A loopback net::HttpServer whose handler echoes the request, or misbehaves on special paths.
class LocalServer {
 public:
  LocalServer() : io_(1), pool_(4, 64) {
    net::HttpServerOptions opts;
    opts.port = 0;
    server_ = std::make_unique<net::HttpServer>(io_, pool_, opts, [this](net::HttpRequest& req) {
      ++hits_;
      if (req.path == "/slow") std::this_thread::sleep_for(1500ms);
      if (req.path == "/big") return net::HttpResponse{200, {}, std::string(64 * 1024, 'x'), "text/plain"};
      std::string echo = req.method + " " + req.target + "\n" + std::string(req.header("X-Test").value_or("-")) +
                         "\n" + std::string(req.header("Content-Type").value_or("-")) + "\n" + req.body;
      return net::HttpResponse{201, {{"X-Reply", "yes"}}, echo, "text/plain"};
    });
    io_.start();
    EXPECT_TRUE(server_->start().has_value());
  }
  ~LocalServer() {
    server_->stop(100ms);
    pool_.stop();
    io_.stop();
  }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }
  int hits() const { return hits_; }

 private:
  net::IoRuntime io_;
  core::WorkerPool pool_;
  std::unique_ptr<net::HttpServer> server_;
  std::atomic<int> hits_{0};
};

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest() : io_(1), client_(io_.at(0)) { io_.start(); }
  ~HttpClientTest() override { io_.stop(); }
  net::IoRuntime io_;
  net::HttpClient client_;
};

std::uint16_t closed_port() {
  boost::asio::io_context ctx;
  boost::asio::ip::tcp::acceptor a(ctx, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace

TEST_F(HttpClientTest, PostsHeadersAndBodyAndReadsTheResponse) {
  LocalServer server;
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = server.url("/echo/x?a=1&b=two%20words");
  req.headers = {{"X-Test", "hello"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = net::form_body({{"To", "+1 555"}, {"Url", "https://a.example/x?y=1"}});
  auto r = client_.send(req);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->header("x-reply").value_or(""), "yes");
  EXPECT_EQ(r->body,
            "POST /echo/x?a=1&b=two%20words\nhello\napplication/x-www-form-urlencoded\n"
            "To=%2B1%20555&Url=https%3A%2F%2Fa.example%2Fx%3Fy%3D1");
}

TEST_F(HttpClientTest, AsyncSendCompletesOnce) {
  LocalServer server;
  std::promise<core::Result<net::HttpClientResponse>> p;
  auto f = p.get_future();
  client_.async_send({.method = "GET", .url = server.url("/")}, [&p](auto r) { p.set_value(std::move(r)); });
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  auto r = f.get();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body.substr(0, 6), "GET /\n");
}

TEST_F(HttpClientTest, TotalTimeoutEndsASlowExchange) {
  LocalServer server;
  auto start = std::chrono::steady_clock::now();
  auto r = client_.send({.method = "GET", .url = server.url("/slow"), .timeout = 300ms});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::Errc::timeout) << r.error().message;
  EXPECT_LT(took, 1200ms);
}

TEST_F(HttpClientTest, RefusedConnectionIsUnavailable) {
  auto r = client_.send({.method = "GET", .url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::Errc::unavailable) << r.error().message;
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
}

TEST_F(HttpClientTest, ConnectTimeoutOnAnUnroutableAddress) {
  // 192.0.2.0/24 (TEST-NET-1) is never routed: the connect either hangs until the deadline or fails at once.
  auto start = std::chrono::steady_clock::now();
  auto r = client_.send({.method = "GET", .url = "http://192.0.2.1:81/", .connect_timeout = 200ms, .timeout = 5s});
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().code == core::Errc::timeout || r.error().code == core::Errc::unavailable) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HttpClientTest, ResponseOverTheCapIsRefused) {
  LocalServer server;
  auto r = client_.send({.method = "GET", .url = server.url("/big"), .max_response_bytes = 4096});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::Errc::too_large) << r.error().message;
}

TEST_F(HttpClientTest, TlsToAPlainHttpServerFailsTheHandshake) {
  LocalServer server;
  auto url = server.url("/");
  url.replace(0, 4, "https");
  auto r = client_.send({.method = "GET", .url = url, .timeout = 3s});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::Errc::unavailable) << r.error().message;
  EXPECT_NE(r.error().message.find("tls_handshake"), std::string::npos) << r.error().message;
}

TEST_F(HttpClientTest, BadUrlsAndMethodsAreInvalidArguments) {
  for (const char* url : {"ftp://x/", "not a url", "http://user:pw@host/", "/relative"}) {
    auto r = client_.send({.method = "GET", .url = url});
    ASSERT_FALSE(r.has_value()) << url;
    EXPECT_EQ(r.error().code, core::Errc::invalid_argument) << url;
  }
  auto r = client_.send({.method = "GE T", .url = "http://127.0.0.1/"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::Errc::invalid_argument);
}

TEST_F(HttpClientTest, BlockingSendFromTheIoThreadIsRefused) {
  std::promise<core::Errc> p;
  boost::asio::post(io_.at(0), [&] {
    auto r = client_.send({.method = "GET", .url = "http://127.0.0.1:1/"});
    p.set_value(r ? core::Errc::io : r.error().code);
  });
  auto f = p.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), core::Errc::internal);
}

TEST(FormEncoding, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(net::form_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(net::form_encode("a b+c/d?=&é"), "a%20b%2Bc%2Fd%3F%3D%26%C3%A9");
  EXPECT_EQ(net::form_body({{"A", "1"}, {"B C", "x&y"}}), "A=1&B%20C=x%26y");
}

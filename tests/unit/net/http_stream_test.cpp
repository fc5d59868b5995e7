#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "net/http_client.hpp"
#include "net/io_runtime.hpp"
#include "net/sse_parser.hpp"
#include "support/python_peer.hpp"

using namespace parley;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Records one streamed exchange and lets the test wait for its end.
struct StreamLog {
  std::mutex mu;
  std::condition_variable cv;
  int status = 0;
  std::vector<std::string> chunks;
  std::vector<Clock::time_point> at;
  std::optional<core::Status> end;

  net::HttpStreamHandler handler() {
    return {[this](const net::HttpClientResponse& head) {
              std::lock_guard l(mu);
              status = head.status;
            },
            [this](std::string_view chunk) {
              std::lock_guard l(mu);
              chunks.emplace_back(chunk);
              at.push_back(Clock::now());
              cv.notify_all();
            },
            [this](core::Status s) {
              std::lock_guard l(mu);
              end = std::move(s);
              cv.notify_all();
            }};
  }
  bool wait_end(std::chrono::milliseconds t = 5s) {
    std::unique_lock l(mu);
    return cv.wait_for(l, t, [&] { return end.has_value(); });
  }
  bool wait_chunks(std::size_t n, std::chrono::milliseconds t = 5s) {
    std::unique_lock l(mu);
    return cv.wait_for(l, t, [&] { return chunks.size() >= n; });
  }
  std::string body() {
    std::lock_guard l(mu);
    std::string out;
    for (auto& c : chunks) out += c;
    return out;
  }
};

class HttpStreamTest : public ::testing::Test {
 protected:
  HttpStreamTest() : io_(1), client_(io_.at(0)) { io_.start(); }
  ~HttpStreamTest() override { io_.stop(); }
  static test::PythonPeer& peer() {
    static test::PythonPeer p(std::string(PARLEY_TEST_DIR) + "/unit/net/net_peer.py");
    return p;
  }
  std::string url(std::string_view path) { return peer().url("http", path, 1); }
  net::IoRuntime io_;
  net::HttpClient client_;
};

TEST_F(HttpStreamTest, ChunksArriveAsTheServerSendsThem) {
  StreamLog log;
  client_.async_stream({.method = "GET", .url = url("/chunks")}, log.handler());
  ASSERT_TRUE(log.wait_end());
  ASSERT_TRUE(*log.end) << log.end->error().message;
  EXPECT_EQ(log.status, 200);
  EXPECT_EQ(log.body(), "part-0\npart-1\npart-2\npart-3\npart-4\n");
  ASSERT_GE(log.chunks.size(), 4u);  // delivered as they came, not buffered to the end
  EXPECT_GE(log.at.back() - log.at.front(), 150ms);
}

TEST_F(HttpStreamTest, ServerSentEventsParseAcrossChunkBoundaries) {
  std::vector<net::SseEvent> events;
  net::SseParser parser([&](const net::SseEvent& e) { events.push_back(e); });
  StreamLog log;
  auto h = log.handler();
  auto inner = h.on_body;
  h.on_body = [&, inner](std::string_view chunk) {
    ASSERT_TRUE(parser.feed(chunk));
    inner(chunk);
  };
  client_.async_stream({.method = "POST", .url = url("/sse"), .body = "{}"}, h);
  ASSERT_TRUE(log.wait_end());
  ASSERT_TRUE(*log.end);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[1].type, "done");
  EXPECT_EQ(events[1].data, "x\ny");
}

TEST_F(HttpStreamTest, BodyCutInTheMiddleIsUnavailable) {
  StreamLog log;
  client_.async_stream({.method = "GET", .url = url("/cut")}, log.handler());
  ASSERT_TRUE(log.wait_end());
  ASSERT_FALSE(*log.end);
  EXPECT_EQ(log.end->error().code, core::Errc::unavailable) << log.end->error().message;
  EXPECT_EQ(log.body().substr(0, 5), "first");
}

TEST_F(HttpStreamTest, StalledBodyHitsTheIdleDeadline) {
  StreamLog log;
  auto start = Clock::now();
  client_.async_stream({.method = "GET", .url = url("/stall-body"), .timeout = 10s, .idle_timeout = 300ms},
                       log.handler());
  ASSERT_TRUE(log.wait_end());
  ASSERT_FALSE(*log.end);
  EXPECT_EQ(log.end->error().code, core::Errc::timeout) << log.end->error().message;
  EXPECT_NE(log.end->error().message.find("idle"), std::string::npos) << log.end->error().message;
  EXPECT_EQ(log.body(), "hello");
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(HttpStreamTest, HeadThatNeverComesHitsTheTotalDeadline) {
  StreamLog log;
  client_.async_stream({.method = "GET", .url = url("/slow-head"), .timeout = 300ms}, log.handler());
  ASSERT_TRUE(log.wait_end());
  ASSERT_FALSE(*log.end);
  EXPECT_EQ(log.end->error().code, core::Errc::timeout);
  EXPECT_EQ(log.status, 0);
}

TEST_F(HttpStreamTest, CancelMidBodyStopsEveryCallback) {
  StreamLog log;
  auto stream = client_.async_stream({.method = "GET", .url = url("/stall-body")}, log.handler());
  ASSERT_TRUE(log.wait_chunks(1));
  stream->cancel();
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(log.end.has_value());
}

TEST_F(HttpStreamTest, StreamOverTheCapIsTooLarge) {
  StreamLog log;
  client_.async_stream({.method = "GET", .url = url("/chunks"), .max_response_bytes = 20}, log.handler());
  ASSERT_TRUE(log.wait_end());
  ASSERT_FALSE(*log.end);
  EXPECT_EQ(log.end->error().code, core::Errc::too_large);
  EXPECT_LE(log.body().size(), 20u);
}

TEST_F(HttpStreamTest, ContentLengthBodyIsStreamedAndBuffered) {
  StreamLog log;
  client_.async_stream({.method = "GET", .url = url("/length")}, log.handler());
  ASSERT_TRUE(log.wait_end());
  ASSERT_TRUE(*log.end);
  EXPECT_EQ(log.body(), "0123456789");
  auto whole = client_.send({.method = "GET", .url = url("/length")});
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->body, "0123456789");
}

TEST_F(HttpStreamTest, ErrorStatusKeepsItsJsonBody) {
  auto r = client_.send({.method = "POST", .url = url("/error"), .body = "{}"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(net::errc_for_http_status(r->status), core::Errc::rate_limited);
  EXPECT_NE(r->body.find("Rate limit reached"), std::string::npos);
}

TEST_F(HttpStreamTest, InvalidUrlEndsOnTheContextAndCanBeCancelled) {
  StreamLog log;
  client_.async_stream({.method = "GET", .url = "ftp://x/"}, log.handler());
  ASSERT_TRUE(log.wait_end());
  EXPECT_EQ(log.end->error().code, core::Errc::invalid_argument);
  // Cancelled on the context's own thread, before the refusal was delivered: nothing arrives.
  StreamLog quiet;
  boost::asio::post(io_.at(0), [&] { client_.async_stream({.method = "GET", .url = "ftp://x/"}, quiet.handler())->cancel(); });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(quiet.end.has_value());
}

}  // namespace

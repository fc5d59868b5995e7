// Costs Parley adds to cloud engine streams: parsing server-sent events (an OpenAI-style chat stream
// in 37-byte pieces), and a WebSocket round trip through Parley's own client and server on loopback
// (a 20 ms frame of 16 kHz PCM16, as Deepgram audio or a Twilio Media Stream carries).
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>

#include "core/worker_pool.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/sse_parser.hpp"
#include "net/websocket_client.hpp"

using namespace parley;
using namespace std::chrono_literals;

namespace {

std::string chat_stream(int deltas) {
  std::string s;
  for (int i = 0; i < deltas; ++i) {
    s += R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini",)"
         R"("choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}]})"
         "\n\n";
  }
  return s + "data: [DONE]\n\n";
}

void BM_SseChatStream(benchmark::State& state) {
  const auto stream = chat_stream(100);
  std::size_t events = 0;
  for (auto _ : state) {
    net::SseParser p([&](const net::SseEvent& e) { events += e.data.size() > 0; });
    for (std::size_t i = 0; i < stream.size(); i += 37) {
      benchmark::DoNotOptimize(p.feed(std::string_view(stream).substr(i, 37)));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_SseChatStream);

class Echo : public net::WebSocketHandler {
 public:
  void on_open(std::shared_ptr<net::WebSocketChannel> c) override { ch_ = std::move(c); }
  void on_message(net::WebSocketMessage m) override { ch_->send_binary(std::move(m.data)); }
  void on_close(const net::WebSocketClose&) override { ch_.reset(); }

 private:
  std::shared_ptr<net::WebSocketChannel> ch_;
};

class Waiter : public net::WebSocketHandler {
 public:
  void on_open(std::shared_ptr<net::WebSocketChannel>) override { bump(); }
  void on_message(net::WebSocketMessage) override { bump(); }
  void on_close(const net::WebSocketClose&) override { bump(); }
  void wait(std::uint64_t n) {
    std::unique_lock l(mu_);
    cv_.wait_for(l, 5s, [&] { return count_ >= n; });
  }
  std::uint64_t count() {
    std::lock_guard l(mu_);
    return count_;
  }

 private:
  void bump() {
    std::lock_guard l(mu_);
    ++count_;
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t count_ = 0;
};

void BM_WebSocketRoundTrip(benchmark::State& state) {
  net::IoRuntime server_io(1), client_io(1);
  core::WorkerPool pool(1, 64);
  net::HttpServer server(server_io, pool, net::HttpServerOptions{.port = 0},
                         [](net::HttpRequest&) { return net::HttpResponse{404}; });
  server.add_websocket_route("/ws", [](net::HttpRequest&) { return net::WebSocketUpgrade{std::make_shared<Echo>()}; });
  server_io.start();
  client_io.start();
  if (!server.start()) {
    state.SkipWithError("cannot listen");
    return;
  }
  net::WebSocketClient client(client_io.at(0));
  auto waiter = std::make_shared<Waiter>();
  auto ch = client.connect({.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws"}, waiter);
  waiter->wait(1);
  const std::string frame(640, '\x11');  // 20 ms of 16 kHz PCM16
  for (auto _ : state) {
    auto next = waiter->count() + 1;
    ch->send_binary(frame);
    waiter->wait(next);
  }
  ch->close();
  server.stop(1s);
  pool.stop();
  server_io.stop();
  client_io.stop();
}
BENCHMARK(BM_WebSocketRoundTrip)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

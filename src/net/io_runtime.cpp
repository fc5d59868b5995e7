#include "net/io_runtime.hpp"

#include <spdlog/spdlog.h>

namespace parley::net {

IoRuntime::IoRuntime(std::size_t threads) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));  // concurrency hint: one thread
  }
}

IoRuntime::~IoRuntime() { stop(); }

void IoRuntime::start() {
  for (auto& ctx : contexts_) {
    guards_.emplace_back(ctx->get_executor());
    threads_.emplace_back([c = ctx.get()] {
      for (;;) {
        try {
          c->run();
          return;
        } catch (const std::exception& e) {
          // A handler that throws ends its own operation, never the I/O thread.
          spdlog::error("event=io.handler_exception error=\"{}\"", e.what());
        }
      }
    });
  }
}

void IoRuntime::stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

boost::asio::io_context& IoRuntime::next() { return *contexts_[next_++ % contexts_.size()]; }

}  // namespace parley::net

#pragma once
// One asio::io_context per I/O thread (docs/architecture.md, "Threading"): a connection or call is
// bound to one context for its whole life, so its state needs no locks.
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace parley::net {

class IoRuntime {
 public:
  explicit IoRuntime(std::size_t threads);
  ~IoRuntime();
  IoRuntime(const IoRuntime&) = delete;
  IoRuntime& operator=(const IoRuntime&) = delete;

  void start();  // one thread per context
  void stop();   // stops every context and joins (idempotent)

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& at(std::size_t i) { return *contexts_[i]; }
  boost::asio::io_context& next();  // round-robin, for new connections and calls

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace parley::net

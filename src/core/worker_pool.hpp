#pragma once
// A fixed set of threads with a bounded queue, for engine, disk and database work that must never
// run on an I/O thread (docs/architecture.md, "Threading").
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace parley::core {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t max_queued);
  ~WorkerPool();  // finishes queued work, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping: the caller sheds the load (HTTP 503).
  bool try_submit(std::function<void()> job);
  // Ignores the queue bound, for work that must not be shed (a call's state writes, which are
  // bounded by the calls in progress). False only while stopping.
  bool submit(std::function<void()> job);
  void stop();  // no new work; queued jobs still run
  std::size_t queued() const;
  std::size_t threads() const noexcept { return threads_.size(); }

 private:
  void run(std::stop_token st);

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::function<void()>> jobs_;
  std::size_t max_queued_;
  bool stopping_ = false;
  std::vector<std::jthread> threads_;
};

}  // namespace parley::core

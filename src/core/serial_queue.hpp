#pragma once
// Runs jobs on a WorkerPool one at a time, in submission order: a call's store writes (ringing,
// in progress, completed) must not overtake each other on different worker threads.
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "core/worker_pool.hpp"

namespace parley::core {

class SerialQueue : public std::enable_shared_from_this<SerialQueue> {
 public:
  static std::shared_ptr<SerialQueue> create(WorkerPool& pool) {
    return std::shared_ptr<SerialQueue>(new SerialQueue(pool));
  }
  // False when the pool refused to start a drain (saturated or stopping); the job is then dropped.
  bool post(std::function<void()> job);

 private:
  explicit SerialQueue(WorkerPool& pool) : pool_(pool) {}
  void drain();

  WorkerPool& pool_;
  std::mutex mu_;
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;
};

}  // namespace parley::core

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
  enum class Overload {
    shed,  // a saturated pool refuses the job (post returns false)
    keep,  // the job runs anyway (WorkerPool::submit): writes that must not be lost
  };
  static std::shared_ptr<SerialQueue> create(WorkerPool& pool, Overload overload = Overload::shed) {
    return std::shared_ptr<SerialQueue>(new SerialQueue(pool, overload));
  }
  // False when the pool refused to start a drain (saturated, or stopping); the job is then dropped.
  bool post(std::function<void()> job);

 private:
  SerialQueue(WorkerPool& pool, Overload overload) : pool_(pool), overload_(overload) {}
  void drain();

  WorkerPool& pool_;
  Overload overload_;
  std::mutex mu_;
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;
};

}  // namespace parley::core
